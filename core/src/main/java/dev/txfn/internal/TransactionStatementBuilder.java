package dev.txfn.internal;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Installed on the handle of each PostgreSQL attempt that has options or a deadline: gives the statement that
 * must carry transaction-local commands a {@link PrefixedStatement}, and leaves every other statement to the
 * handle's own builder untouched.
 */
final class TransactionStatementBuilder implements StatementBuilder {
    private final StatementBuilder delegate;
    private final Attempt attempt;

    TransactionStatementBuilder(StatementBuilder delegate, Attempt attempt) {
        this.delegate = delegate;
        this.attempt = attempt;
    }

    @Override
    public Statement create(Connection conn, StatementContext ctx) throws SQLException {
        refuseInOneFlight();
        Statement statement = delegate.create(conn, ctx);
        String[] commands = attempt.commandsBefore();
        return commands == null ? statement : PrefixedStatement.plain(attempt, commands, conn, statement);
    }

    @Override
    public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
        String[] commands = attempt.commandsBefore();
        if (commands == null) {
            // One flight: another statement while the first one holds the commands would run outside the
            // transaction, in auto-commit mode.
            refuseInOneFlight();
            return delegate.create(conn, sql, ctx);
        }
        if (ctx.isReturningGeneratedKeys() || ctx.isConcurrentUpdatable()) {
            if (attempt.oneFlight()) {
                attempt.released();
                throw new IllegalStateException("a TxFn.query program cannot return generated keys or update rows");
            }
            // The driver cannot return generated keys from a multi-statement execution.
            runSeparately(conn, commands);
            return delegate.create(conn, sql, ctx);
        }
        // In one flight the COMMIT goes too: BEGIN ...; SET LOCAL ...; sql; COMMIT, the whole transaction. The line
        // break ends a trailing "-- comment" that would otherwise swallow the COMMIT.
        String text = PrefixedStatement.joined(commands)
                + (attempt.oneFlight() ? withoutTrailingSemicolons(sql) + "\n;\nCOMMIT" : sql);
        PreparedStatement prefixed;
        try {
            prefixed = delegate.create(conn, text, ctx);
        } catch (SQLException | RuntimeException e) {
            attempt.released();
            throw e;
        }
        // Only a batch re-prepares without the commands, and a one-flight statement refuses batches.
        return PrefixedStatement.prepared(attempt, commands, conn, prefixed, () -> delegate.create(conn, sql, ctx));
    }

    private static String withoutTrailingSemicolons(String sql) {
        int end = sql.length();
        while (end > 0 && (sql.charAt(end - 1) == ';' || Character.isWhitespace(sql.charAt(end - 1)))) {
            end--;
        }
        return sql.substring(0, end);
    }

    private void refuseInOneFlight() {
        if (attempt.oneFlight()) {
            throw new IllegalStateException("a TxFn.query program runs one query, through Handle.createQuery");
        }
    }

    @Override
    public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
        refuseInOneFlight();
        String[] commands = attempt.commandsBefore();
        if (commands != null) {
            runSeparately(conn, commands);
        }
        return delegate.createCall(conn, sql, ctx);
    }

    @Override
    public void close(Connection conn, String sql, Statement stmt) throws SQLException {
        delegate.close(conn, sql, stmt);
    }

    @Override
    public void close(Connection conn) {
        delegate.close(conn);
    }

    private void runSeparately(Connection conn, String[] commands) throws SQLException {
        try {
            PrefixedStatement.runSeparately(conn, commands);
        } catch (SQLException | RuntimeException e) {
            attempt.released();
            throw e;
        }
        attempt.delivered();
    }
}
