package dev.txfn.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw JDBC by hand (see {@link Implementation#RAW_JDBC}): one connection, auto-commit off, options as
 * {@code SET TRANSACTION} / {@code SET LOCAL} either in the first statement's {@code execute()} or in one
 * {@code execute()} of their own. Not thread-safe.
 */
final class RawJdbcStyle implements TransactionStyle {
    private final DbTarget target;
    private final boolean optionsWithFirstStatement;
    private Connection connection;

    RawJdbcStyle(DbTarget target, boolean optionsWithFirstStatement) {
        this.target = target;
        this.optionsWithFirstStatement = optionsWithFirstStatement;
    }

    @Override
    public String run(Scenario scenario) throws SQLException {
        Connection c = connection();
        if (scenario.oneQuery() && optionsWithFirstStatement) {
            return oneFlight(c, scenario);
        }
        try {
            String prefix = optionsPrefix(scenario);
            String name;
            if (prefix.isEmpty()) {
                name = selectName(c, BenchSchema.SELECT_NAME);
            } else if (optionsWithFirstStatement) {
                name = selectName(c, prefix + "; " + BenchSchema.SELECT_NAME);
            } else {
                try (Statement set = c.createStatement()) {
                    set.execute(prefix);
                }
                name = selectName(c, BenchSchema.SELECT_NAME);
            }
            for (int i = 1; i < scenario.statements(); i++) {
                name = selectName(c, BenchSchema.SELECT_NAME);
            }
            c.commit();
            return name;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /**
     * {@code BEGIN ...; select; COMMIT} in one {@code execute()} on a connection switched to auto-commit for it
     * (the driver then adds no BEGIN of its own; switching costs no round trip while nothing is open).
     */
    private static String oneFlight(Connection c, Scenario scenario) throws SQLException {
        String begin = "begin " + optionsPrefix(scenario).replaceFirst("^set transaction ", "");
        c.setAutoCommit(true);
        try {
            return selectName(c, begin + "; " + BenchSchema.SELECT_NAME + "; commit");
        } catch (SQLException | RuntimeException e) {
            try (Statement rollback = c.createStatement()) {
                rollback.execute("rollback"); // the server skipped the COMMIT after the failure
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            c.setAutoCommit(false);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = target.connect();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    /** Runs {@code sql}, whose last statement is the select, and reads the select's one row. */
    private static String selectName(Connection c, String sql) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setLong(1, 1);
            boolean isResultSet = statement.execute();
            while (!isResultSet) { // step past the SET commands' results
                if (statement.getUpdateCount() == -1) {
                    throw new SQLException("no result set from: " + sql);
                }
                isResultSet = statement.getMoreResults();
            }
            try (ResultSet rs = statement.getResultSet()) {
                if (!rs.next()) {
                    throw new SQLException("no row from: " + sql);
                }
                return rs.getString(1);
            }
        }
    }

    /** {@code SET TRANSACTION ...; SET LOCAL ...}, or empty for a transaction with the server's defaults. */
    static String optionsPrefix(Scenario scenario) {
        List<String> characteristics = new ArrayList<>();
        if (scenario.isolation() != null) {
            characteristics.add("isolation level " + scenario.isolation().sql());
        }
        if (scenario.readOnly()) {
            characteristics.add("read only");
        }
        List<String> commands = new ArrayList<>();
        if (!characteristics.isEmpty()) {
            commands.add("set transaction " + String.join(", ", characteristics));
        }
        if (scenario.statementTimeout() != null) {
            commands.add("set local statement_timeout = " + scenario.statementTimeout().toMillis());
        }
        if (scenario.tenant() != null) {
            commands.add("set local " + Scenario.TENANT_SETTING + " = '" + scenario.tenant().replace("'", "''") + "'");
        }
        return String.join("; ", commands);
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing a benchmark's connection at the end of a measure: nothing to repair
            }
            connection = null;
        }
    }
}
