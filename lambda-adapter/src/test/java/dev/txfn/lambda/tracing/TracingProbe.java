package dev.txfn.lambda.tracing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.Database;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import java.util.Map;

/**
 * Run in a child JVM by {@link NoOpenTelemetryLoadedTest}: a handler with one route reading the database in
 * {@value #URL_VARIABLE} serves one request (handed an X-Ray trace, as Lambda would) through a
 * {@link LocalContext}, and the status is printed. Names no OpenTelemetry class, nor a test class that does.
 */
public final class TracingProbe {
    /** The environment variable holding the JDBC URL. */
    static final String URL_VARIABLE = "PROBE_DATABASE_URL";
    /** The line printed after the request, followed by the status. */
    static final String DONE = "probe answered ";

    /** The function. */
    static final class ProbeApi extends HttpApiHandler {
        ProbeApi(LambdaResources resources) {
            super(resources, HttpRoutes.builder()
                    .get("/things/{id}", (request, tx) -> HttpResponse.ok(Map.of("id", request.pathLong("id"),
                            "answer", tx.readOnly(h -> h.createQuery("select 42").mapTo(Integer.class).one()))))
                    .build());
        }
    }

    private TracingProbe() {
    }

    /**
     * Serves one request.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try (Database db = Database.builder().jdbcUrl(System.getenv(URL_VARIABLE)).maximumPoolSize(1).build()) {
            String path = "/things/7";
            APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                    .withRawPath(path)
                    .withHeaders(Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET")
                                    .withPath(path).build())
                            .withStage("$default")
                            .build())
                    .build();
            APIGatewayV2HTTPResponse response = new ProbeApi(LambdaResources.of(db)).handleRequest(event,
                    LocalContext.create().withXrayTraceId(
                            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"));
            System.out.println(DONE + response.getStatusCode());
        }
    }
}
