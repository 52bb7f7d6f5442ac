package dev.txfn.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * The raw-JDBC handler of {@link ColdStartRawJdbc} as a Lambda function would deploy it, for the deployed
 * cold-start step ({@link ColdStartDeployed}): the runtime client constructs it (nothing but the URL) and calls it
 * with the API Gateway HTTP API event; the first call opens a pgjdbc connection, runs one SELECT in a transaction,
 * commits and answers the row as a JSON body written by hand, as {@link ColdStartJdbiHandler} does. Deployed at
 * default JVM flags without a cache: the baseline "raw JDBC at default flags" as a function, which pays the
 * runtime client and the event's (de)serialization as every deployed handler does. Not thread-safe (Lambda calls a
 * handler instance from one thread).
 */
public final class ColdStartRawJdbcHandler
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final String jdbcUrl = ColdStartProbe.jdbcUrl();
    private Connection connection; // opened by the first request, kept for the container's life

    /**
     * Answers {@code GET /things/{id}}.
     *
     * @param event the HTTP API event
     * @param context the invocation's context
     * @return 200 with {@code {"id":...,"name":"..."}}
     * @throws IllegalStateException if the transaction fails
     */
    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String path = event.getRawPath();
        long id = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
        String name;
        try {
            name = read(id);
        } catch (SQLException e) {
            throw new IllegalStateException("reading thing " + id + " failed: " + e.getMessage(), e);
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody("{\"id\":" + id + ",\"name\":\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
                .build();
    }

    private String read(long id) throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(jdbcUrl);
        }
        connection.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement(BenchSchema.SELECT_NAME)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String name = rs.getString(1);
                connection.commit();
                return name;
            }
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }
}
