package dev.txfn.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import java.util.function.Supplier;

/**
 * Cold-start variant 4: txfn with the Lambda adapter, as deployed. The Lambda runtime would construct
 * {@link Handler} (an {@link HttpApiHandler} over {@code LambdaResources.fromEnv()} with one route) and call
 * {@code handleRequest} with an API Gateway HTTP API event; this main does the same with a hand-built
 * {@link APIGatewayV2HTTPEvent} for {@code GET /things/7} and a {@link LocalContext}, so the figure includes
 * routing, the deadline, the settle check, JSON encoding of the response and the invocation's log line. Run as
 * a child process by {@link ColdStartMeasure}.
 */
public final class ColdStartTxfnLambda {

    /** The body of a successful response. */
    public record Thing(long id, String name) {
    }

    /** The handler class a Lambda function would name. Thread-safe. */
    public static final class Handler extends HttpApiHandler {

        /** What the Lambda runtime calls, once per container. */
        public Handler() {
            this(LambdaResources.fromEnv());
        }

        Handler(LambdaResources resources) {
            super(resources, HttpRoutes.builder()
                    .get("/things/{id}", (request, tx) -> {
                        long id = request.pathLong("id");
                        return HttpResponse.ok(new Thing(id, tx.readOnly(h -> h.createQuery(BenchSchema.SELECT_NAME)
                                .bind(0, id).mapTo(String.class).one())));
                    })
                    .build());
        }
    }

    private ColdStartTxfnLambda() {
    }

    /**
     * Starts, serves one request, prints the timings and exits.
     *
     * @param args none
     * @throws IllegalStateException if the response is not a 200
     */
    public static void main(String[] args) {
        run(Handler::new);
    }

    /**
     * Starts, serves one request with the handler {@code constructor} builds, prints the timings.
     *
     * @param constructor builds the handler, as the Lambda runtime would
     */
    static void run(Supplier<Handler> constructor) {
        long mainNanos = System.nanoTime();
        Handler handler = constructor.get();
        long setupNanos = System.nanoTime();
        String path = "/things/" + ColdStartProbe.THING_ID;
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withRawPath(path)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath(path)
                                .build())
                        .withStage("$default")
                        .build())
                .build();
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, LocalContext.create());
        long resultNanos = System.nanoTime();
        long resultMillis = System.currentTimeMillis();
        if (response.getStatusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.getStatusCode() + ": "
                    + response.getBody());
        }
        ColdStartProbe.report(mainNanos, setupNanos, resultNanos, resultMillis, response.getBody());
    }
}
