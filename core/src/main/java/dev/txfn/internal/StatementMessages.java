package dev.txfn.internal;

import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementException;
import org.jdbi.v3.core.statement.StatementExceptions;

/**
 * The message of Jdbi's statement exceptions, installed on every {@code Tx}'s Jdbi: the driver's message and
 * the statement text, never the bound values. Jdbi's default ({@code SHORT_STATEMENT}) appends
 * {@code arguments:{named:{email:...}}}, which puts user data (emails, tokens, whatever a statement binds) into
 * every log line that prints a failure. Stateless.
 */
final class StatementMessages {
    private StatementMessages() {
    }

    /** Installs the rendering on {@code config}. */
    static void install(StatementExceptions config) {
        config.setMessageRendering(StatementMessages::render);
    }

    static String render(StatementException e) {
        StatementContext context = e.getStatementContext();
        String sql = context == null ? null : context.getRenderedSql();
        if (sql == null) {
            return e.getShortMessage();
        }
        int limit = context.getConfig(StatementExceptions.class).getLengthLimit();
        String shown = limit >= 0 && sql.length() > limit ? sql.substring(0, limit) + "[...]" : sql;
        return e.getShortMessage() + " [statement:\"" + shown + "\"]";
    }
}
