package dev.txfn.internal;

import dev.txfn.CommitOutcomeUnknownException;
import dev.txfn.TxException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.postgresql.core.BaseConnection;
import org.postgresql.util.HostSpec;

/**
 * The spans of one transaction: its own (current on its thread until it ends) and one per statement execution,
 * with the attributes of the OpenTelemetry database semantic conventions. Records no bound value, no literal
 * of the SQL text and no exception message. Confined to the transaction's thread.
 */
final class OtelTransactionTrace implements TransactionTrace {
    static final String POSTGRESQL = "postgresql";
    static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
    static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
    static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
    static final AttributeKey<String> DB_QUERY_TEXT = AttributeKey.stringKey("db.query.text");
    static final AttributeKey<Long> DB_BATCH_SIZE = AttributeKey.longKey("db.operation.batch.size");
    static final AttributeKey<String> DB_STATUS_CODE = AttributeKey.stringKey("db.response.status_code");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> ISOLATION = AttributeKey.stringKey("txfn.isolation");
    static final AttributeKey<Boolean> READ_ONLY = AttributeKey.booleanKey("txfn.read_only");
    static final AttributeKey<String> DEADLINE = AttributeKey.stringKey("txfn.deadline");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("txfn.attempts");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("txfn.outcome");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("txfn.attempt");
    static final AttributeKey<Long> BACKOFF_MS = AttributeKey.longKey("txfn.retry.backoff_ms");

    private final Tracer tracer;
    private final Context context;
    private final Span span;
    private final Scope scope;
    private int attempts;
    private boolean committed;
    /** The server of the last connection seen, read once per connection. */
    private Connection peerOf;
    private HostSpec host;
    private String database;

    OtelTransactionTrace(Tracer tracer, Context context, Span span) {
        this.tracer = tracer;
        this.context = context;
        this.span = span;
        this.scope = context.makeCurrent();
    }

    @Override
    public boolean recording() {
        return true;
    }

    @Override
    public void attemptBegan(int number) {
        attempts = number;
    }

    @Override
    public void retrying(int number, Throwable cause, Duration backoff) {
        String state = sqlState(cause);
        Attributes attributes = state == null
                ? Attributes.of(ATTEMPT, (long) number, ERROR_TYPE, cause.getClass().getName(),
                        BACKOFF_MS, backoff.toMillis())
                : Attributes.of(ATTEMPT, (long) number, ERROR_TYPE, cause.getClass().getName(),
                        BACKOFF_MS, backoff.toMillis(), DB_STATUS_CODE, state);
        span.addEvent("txfn.retry", attributes);
    }

    @Override
    public void committed() {
        committed = true;
    }

    @Override
    public StatementTrace statement(String sql, Connection connection, int batchSize) {
        QueryText text = QueryText.of(sql);
        readPeer(connection);
        String operation = text.operation();
        String name = operation == null ? POSTGRESQL : database == null ? operation : operation + " " + database;
        var builder = tracer.spanBuilder(name).setParent(context).setSpanKind(SpanKind.CLIENT)
                .setAttribute(DB_SYSTEM_NAME, POSTGRESQL)
                .setAttribute(DB_QUERY_TEXT, text.sanitized());
        if (operation != null) {
            builder.setAttribute(DB_OPERATION_NAME, operation);
        }
        if (database != null) {
            builder.setAttribute(DB_NAMESPACE, database);
        }
        if (host != null) {
            builder.setAttribute(SERVER_ADDRESS, host.getHost());
            builder.setAttribute(SERVER_PORT, (long) host.getPort());
        }
        if (batchSize > 1) {
            builder.setAttribute(DB_BATCH_SIZE, (long) batchSize);
        }
        return new Statement(builder.startSpan());
    }

    @Override
    public void end(Throwable failure) {
        try {
            span.setAttribute(ATTEMPTS, (long) attempts);
            if (failure == null) {
                span.setAttribute(OUTCOME, "committed");
            } else {
                span.setAttribute(OUTCOME, committed ? "committed"
                        : failure instanceof CommitOutcomeUnknownException ? "commit_outcome_unknown" : "rolled_back");
                span.setAttribute(ERROR_TYPE, failure.getClass().getName());
                String state = sqlState(failure);
                if (state != null) {
                    span.setAttribute(DB_STATUS_CODE, state);
                }
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        } finally {
            scope.close();
        }
    }

    /** The server this connection reached (the host actually connected to, of several): no round trip. */
    private void readPeer(Connection connection) {
        if (connection == peerOf) {
            return;
        }
        peerOf = connection;
        host = null;
        database = null;
        try {
            if (connection.isWrapperFor(BaseConnection.class)) {
                BaseConnection base = connection.unwrap(BaseConnection.class);
                host = base.getQueryExecutor().getHostSpec();
                database = base.getQueryExecutor().getDatabase();
            }
        } catch (SQLException | RuntimeException e) {
            // Not a pgjdbc connection, or one closed meanwhile: the span goes without the server's address.
        }
    }

    private static String sqlState(Throwable failure) {
        if (failure instanceof TxException t) {
            return t.sqlState();
        }
        SQLException sql = FailureClassifier.findSqlException(failure);
        return sql == null ? null : sql.getSQLState();
    }

    /** One statement execution's span. */
    private static final class Statement implements StatementTrace {
        private final Span span;

        Statement(Span span) {
            this.span = span;
        }

        @Override
        public void failed(Throwable failure) {
            String state = sqlState(failure);
            span.setAttribute(ERROR_TYPE, state != null ? state : failure.getClass().getName());
            if (state != null) {
                span.setAttribute(DB_STATUS_CODE, state);
            }
            span.setStatus(StatusCode.ERROR);
        }

        @Override
        public void end() {
            span.end();
        }
    }
}
