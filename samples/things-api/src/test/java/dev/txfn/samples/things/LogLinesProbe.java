package dev.txfn.samples.things;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.Database;
import dev.txfn.lambda.LambdaEvents;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link LambdaLogLinesTest}: the things API's handler run as Lambda runs it, with the sample's
 * logging backend configured from the environment it was started with ({@code AWS_LAMBDA_LOG_FORMAT},
 * {@code AWS_LAMBDA_LOG_LEVEL}). Four invocations, each announced by a WARN line of the logger {@value #LOGGER}
 * naming its request id: a thing created with the marker as name, description and bearer token; the same again,
 * refused by a unique index (409); a read (200); a patch whose description a trigger refuses with the marker in
 * the error's detail (500, logged at ERROR with its stack trace). The marker is also the database password (the
 * test server trusts its clients, so any password connects).
 *
 * <p>Arguments: JDBC URL, application name, marker, whether the server is behind a transaction pooler.
 */
public final class LogLinesProbe {
    static final String LOGGER = "probe";
    static final String[] REQUEST_IDS = {"req-log-create", "req-log-conflict", "req-log-read", "req-log-fail"};

    private LogLinesProbe() {
    }

    public static void main(String[] args) {
        String jdbcUrl = args[0];
        String marker = args[2];
        Logger log = LoggerFactory.getLogger(LOGGER);
        Database.Builder builder = Database.builder().jdbcUrl(jdbcUrl).applicationName(args[1]).lambda(true)
                .transactionPooling(Boolean.parseBoolean(args[3]));
        if (!jdbcUrl.contains("password=")) {
            builder.password(marker);
        }
        try (Database database = builder.build()) {
            ThingsApi api = new ThingsApi(LambdaResources.of(database));
            String created = "{\"name\":\"" + marker + "\",\"description\":\"" + marker + "\"}";
            int[] statuses = {
                call(api, log, REQUEST_IDS[0], "create-thing.json", created, marker),
                call(api, log, REQUEST_IDS[1], "create-thing.json", created, marker),
                call(api, log, REQUEST_IDS[2], "get-thing-1.json", null, marker),
                call(api, log, REQUEST_IDS[3], "patch-thing-1-clear-description.json",
                        "{\"description\":\"" + marker + "-patched\"}", marker)};
            log.warn("statuses {} {} {} {}", statuses[0], statuses[1], statuses[2], statuses[3]);
        }
    }

    private static int call(ThingsApi api, Logger log, String requestId, String fixture, String body,
            String marker) {
        APIGatewayV2HTTPEvent event = LambdaEvents.fromResource("events/http/" + fixture,
                APIGatewayV2HTTPEvent.class);
        if (body != null) {
            event.setBody(body);
        }
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("authorization", "Bearer " + marker);
        event.setHeaders(headers);
        log.warn("invocation {}", requestId);
        APIGatewayV2HTTPResponse response = api.handleRequest(event, LocalContext.create().withRequestId(requestId));
        return response.getStatusCode();
    }
}
