package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.lambda.internal.ApiGatewayEvents;
import dev.txfn.lambda.internal.HttpDispatcher;
import dev.txfn.lambda.internal.InvocationRunner;

/**
 * A Lambda handler for an API Gateway HTTP API (payload format 2.0) serving {@link HttpRoutes}. Subclass it with
 * a no-arg constructor, which Lambda calls once per container:
 *
 * <pre>{@code
 * public final class ThingsApi extends HttpApiHandler {
 *     public ThingsApi() { super(LambdaResources.fromEnv(), Things.routes()); }
 * }
 * }</pre>
 *
 * <p>Every request is one invocation of the txfn lifecycle: the route's {@code Tx} is bounded by the Lambda
 * deadline less the {@linkplain InvocationSettings#deadlineMargin() margin}; after the route returns or throws,
 * the application is checked to be settled (no transaction open, no connection checked out), and a leak is
 * repaired, logged and answered 500; one structured log line is written. Failures are answered as documented
 * on {@link HttpRoutes}. Serve it locally with {@link LocalHttpServer}; for a REST API use
 * {@link RestApiHandler} with the same routes.
 *
 * <p>Thread-safe: any number of threads may call {@link #handleRequest} at once (Lambda uses one at a time).
 */
public abstract class HttpApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final HttpDispatcher dispatcher;

    /**
     * A handler over {@link LambdaResources#fromEnv()}: a {@code Database} described by the environment.
     *
     * @param routes the routes
     * @throws dev.txfn.InvalidConfigurationException if the environment does not describe a database
     */
    protected HttpApiHandler(HttpRoutes routes) {
        this(LambdaResources.fromEnv(), routes);
    }

    /**
     * A handler over the given resources.
     *
     * @param resources the {@code Tx} and invocation settings
     * @param routes the routes
     */
    protected HttpApiHandler(LambdaResources resources, HttpRoutes routes) {
        this.dispatcher = new HttpDispatcher(routes.table(), routes.maxBodyBytes(), routes.claimSettings(),
                new InvocationRunner(resources.tx(), resources.settings(), "http"));
    }

    /**
     * Serves one request. Never throws for anything a route or the database does: failures are answered as
     * problem responses.
     *
     * @param event the HTTP API event
     * @param context the Lambda context
     * @return the response
     * @throws IllegalArgumentException if the event is not an HTTP API (v2) event
     */
    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiGatewayEvents.toV2(dispatcher.dispatch(ApiGatewayEvents.fromV2(event), context));
    }

    /** Serves an event whose {@code rawPath} is percent-encoded as sent: {@link LocalHttpServer}'s. */
    final APIGatewayV2HTTPResponse handleWithEncodedPath(APIGatewayV2HTTPEvent event, Context context) {
        return ApiGatewayEvents.toV2(dispatcher.dispatch(ApiGatewayEvents.fromV2WithEncodedPath(event), context));
    }
}
