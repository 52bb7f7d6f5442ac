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
        Statement statement = delegate.create(conn, ctx);
        String[] commands = attempt.commandsBefore();
        return commands == null ? statement : PrefixedStatement.plain(attempt, commands, conn, statement);
    }

    @Override
    public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
        String[] commands = attempt.commandsBefore();
        if (commands == null) {
            return delegate.create(conn, sql, ctx);
        }
        if (ctx.isReturningGeneratedKeys() || ctx.isConcurrentUpdatable()) {
            // The driver cannot return generated keys from a multi-statement execution.
            runSeparately(conn, commands);
            return delegate.create(conn, sql, ctx);
        }
        PreparedStatement prefixed;
        try {
            prefixed = delegate.create(conn, PrefixedStatement.joined(commands) + sql, ctx);
        } catch (SQLException | RuntimeException e) {
            attempt.released();
            throw e;
        }
        return PrefixedStatement.prepared(attempt, commands, conn, prefixed, () -> delegate.create(conn, sql, ctx));
    }

    @Override
    public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
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
