package dev.txfn.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.sql.SQLException;

/**
 * The raw-JDBC handler of {@link ColdStartRawJdbc} as a Lambda function would deploy it, for the deployed
 * cold-start step ({@link ColdStartDeployed}): the runtime client constructs it (nothing but the URL) and calls it
 * with the API Gateway HTTP API event; it does what the raw-JDBC variant does (the first call opens a pgjdbc
 * connection; one SELECT in a transaction, committed) and answers the row as a JSON body written by hand, as
 * {@link ColdStartJdbiHandler} does. Deployed at default JVM flags without a cache: the baseline "raw JDBC at
 * default flags" as a function, which pays the runtime client and the event's (de)serialization as every deployed
 * handler does. Not thread-safe (Lambda calls a handler instance from one thread).
 */
public final class ColdStartRawJdbcHandler
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final ColdStartRawJdbc raw = new ColdStartRawJdbc(ColdStartProbe.jdbcUrl());

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
        long id = ColdStartJdbiHandler.thingId(event);
        try {
            return ColdStartJdbiHandler.thingResponse(id, raw.handle(id));
        } catch (SQLException e) {
            throw new IllegalStateException("reading thing " + id + " failed: " + e.getMessage(), e);
        }
    }
}
