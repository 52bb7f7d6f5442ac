package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.txfn.lambda.internal.ApiGatewayEvents;
import dev.txfn.lambda.internal.HttpDispatcher;
import dev.txfn.lambda.internal.InvocationRunner;

/**
 * A Lambda handler for an API Gateway REST API (Lambda proxy integration, payload format 1.0) serving
 * {@link HttpRoutes}: the same routes, lifecycle and problem responses as {@link HttpApiHandler}.
 *
 * <pre>{@code
 * public final class ThingsRestApi extends RestApiHandler {
 *     public ThingsRestApi() { super(LambdaResources.fromEnv(), Things.routes()); }
 * }
 * }</pre>
 *
 * <p>Routes match the event's {@code path} (for a custom domain with a base path mapping, that includes the base
 * path). Thread-safe.
 */
public abstract class RestApiHandler
        implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final HttpDispatcher dispatcher;

    /**
     * A handler over {@link LambdaResources#fromEnv()}.
     *
     * @param routes the routes
     * @throws dev.txfn.InvalidConfigurationException if the environment does not describe a database
     */
    protected RestApiHandler(HttpRoutes routes) {
        this(LambdaResources.fromEnv(), routes);
    }

    /**
     * A handler over the given resources.
     *
     * @param resources the {@code Tx} and invocation settings
     * @param routes the routes
     */
    protected RestApiHandler(LambdaResources resources, HttpRoutes routes) {
        this.dispatcher = new HttpDispatcher(routes.table(), routes.maxBodyBytes(), routes.claimSettings(),
                new InvocationRunner(resources.tx(), resources.settings(), "http"));
    }

    /**
     * Serves one request. Never throws for anything a route or the database does.
     *
     * @param event the REST API proxy event
     * @param context the Lambda context
     * @return the response
     * @throws IllegalArgumentException if the event is not a REST API (v1) proxy event
     */
    @Override
    public final APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return ApiGatewayEvents.toV1(dispatcher.dispatch(ApiGatewayEvents.fromV1(event), context));
    }
}
