package dev.txfn.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The Jdbi + HikariCP handler of {@link ColdStartJdbi} as a Lambda function would deploy it, for the deployed
 * cold-start step ({@link ColdStartDeployed}): the runtime client constructs it (pool of one, HikariCP opening its
 * first connection in the constructor, the {@code Jdbi}) and calls it with the API Gateway HTTP API event; it reads
 * the id from the last path segment, runs one SELECT in {@code jdbi.inTransaction} and answers the row as a JSON
 * body written by hand, the least a handler without a framework does. Thread-safe.
 */
public final class ColdStartJdbiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final Jdbi jdbi;

    /** What the Lambda runtime calls, once per container. */
    public ColdStartJdbiHandler() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(ColdStartProbe.jdbcUrl());
        config.setMaximumPoolSize(1);
        this.jdbi = Jdbi.create(new HikariDataSource(config));
    }

    /**
     * Answers {@code GET /things/{id}}.
     *
     * @param event the HTTP API event
     * @param context the invocation's context
     * @return 200 with {@code {"id":...,"name":"..."}}
     */
    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        long id = thingId(event);
        String name = jdbi.inTransaction(h -> h.createQuery(BenchSchema.SELECT_NAME).bind(0, id).mapTo(String.class)
                .one());
        return thingResponse(id, name);
    }

    /** The id in the last segment of the event's path ({@code /things/7}). */
    static long thingId(APIGatewayV2HTTPEvent event) {
        String path = event.getRawPath();
        return Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
    }

    /** 200 with {@code {"id":...,"name":"..."}}, the JSON written by hand. */
    static APIGatewayV2HTTPResponse thingResponse(long id, String name) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody("{\"id\":" + id + ",\"name\":\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
                .build();
    }
}
