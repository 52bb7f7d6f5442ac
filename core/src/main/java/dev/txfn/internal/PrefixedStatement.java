package dev.txfn.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * A statement that carries transaction-local commands ({@code SET TRANSACTION ...; SET LOCAL ...}) to the
 * server in the same flight as itself, so the options cost no round trip. The driver receives
 * {@code commands; sql} as one multi-statement execution; the results of the commands are stepped over so
 * the caller sees only its own statement's results.
 *
 * <p>Batches cannot carry a multi-statement prefix (every row would repeat it), so on the first
 * {@code addBatch()} the commands are run as their own statement (one extra round trip) and the statement is
 * re-prepared without them, replaying the parameters already set. Only the first statement of a transaction
 * (and, under a deadline, a statement that needs its timeout re-capped) is wrapped. Until the commands have
 * gone out (or the statement is closed), the wrapper watches the calls; after that it only passes them on.
 */
final class PrefixedStatement {
    private PrefixedStatement() {
    }

    /** Creates the plain statement again, without the commands. */
    @FunctionalInterface
    interface PreparedStatementFactory {
        PreparedStatement create() throws SQLException;
    }

    /** Wraps a prepared statement for {@code commands; sql}. */
    static PreparedStatement prepared(Attempt attempt, String[] commands, Connection connection,
            PreparedStatement prefixed, PreparedStatementFactory unprefixed) {
        return new Prepared(attempt, commands, connection, prefixed, unprefixed);
    }

    /** Wraps a plain statement whose first execution or batch will carry {@code commands}. */
    static Statement plain(Attempt attempt, String[] commands, Connection connection, Statement statement) {
        return new Plain(attempt, commands, connection, statement);
    }

    /** The commands joined for a multi-statement execution, ending with a separator. */
    static String joined(String[] commands) {
        return String.join(";\n", commands) + ";\n";
    }

    /** Runs the commands as their own statement: the fallback where they cannot ride along. */
    static void runSeparately(Connection connection, String[] commands) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(String.join(";\n", commands));
        }
    }

    private static void skipCommandResults(Statement statement, String[] commands) throws SQLException {
        for (int i = 0; i < commands.length; i++) {
            statement.getMoreResults();
        }
    }

    private static ResultSet resultSet(Statement statement) throws SQLException {
        if (statement.getResultSet() == null) {
            throw new SQLException("the statement returned no result set", "02000");
        }
        return statement.getResultSet();
    }

    /** A prepared statement whose text starts with the commands. */
    private static final class Prepared extends ReplayablePreparedStatement {
        private final Attempt attempt;
        private final String[] commands;
        private final Connection connection;
        private final PreparedStatementFactory unprefixed;
        private boolean pending = true;

        Prepared(Attempt attempt, String[] commands, Connection connection, PreparedStatement prefixed,
                PreparedStatementFactory unprefixed) {
            super(prefixed);
            this.attempt = attempt;
            this.commands = commands;
            this.connection = connection;
            this.unprefixed = unprefixed;
        }

        @Override
        boolean recording() {
            return pending;
        }

        @Override
        public boolean execute() throws SQLException {
            if (!pending) {
                return current.execute();
            }
            executeWithCommands();
            return current.getResultSet() != null;
        }

        @Override
        public ResultSet executeQuery() throws SQLException {
            if (!pending) {
                return current.executeQuery();
            }
            executeWithCommands();
            return resultSet(current);
        }

        @Override
        public int executeUpdate() throws SQLException {
            if (!pending) {
                return current.executeUpdate();
            }
            executeWithCommands();
            return current.getUpdateCount();
        }

        @Override
        public long executeLargeUpdate() throws SQLException {
            if (!pending) {
                return current.executeLargeUpdate();
            }
            executeWithCommands();
            return current.getLargeUpdateCount();
        }

        private void executeWithCommands() throws SQLException {
            pending = false;
            attempt.delivered(); // sent with the statement, even if the statement then fails
            current.execute();
            skipCommandResults(current, commands);
        }

        @Override
        public void addBatch() throws SQLException {
            if (pending) {
                if (attempt.oneFlight()) {
                    throw new SQLFeatureNotSupportedException("a TxFn.query program cannot run a batch");
                }
                reprepareWithoutCommands();
            }
            current.addBatch();
        }

        private void reprepareWithoutCommands() throws SQLException {
            runSeparately(connection, commands);
            pending = false;
            attempt.delivered();
            PreparedStatement fresh = unprefixed.create();
            try {
                replayOn(fresh);
            } catch (SQLException | RuntimeException e) {
                try {
                    fresh.close();
                } catch (SQLException | RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            PreparedStatement old = current;
            current = fresh;
            old.close();
        }

        @Override
        public void close() throws SQLException {
            if (pending) {
                attempt.released();
                pending = false;
            }
            current.close();
        }

        @Override
        public String toString() {
            return "txfn prefixed " + current;
        }
    }

    /** A plain statement whose first execution (or batch) takes the commands along. */
    private static final class Plain extends DelegatingStatement<Statement> {
        private final Attempt attempt;
        private final String[] commands;
        private final Connection connection;
        private boolean pending = true;
        /** How many entries at the head of the batch are the commands, whose counts the caller must not see. */
        private int batchCommands;

        Plain(Attempt attempt, String[] commands, Connection connection, Statement statement) {
            super(statement);
            this.attempt = attempt;
            this.commands = commands;
            this.connection = connection;
        }

        @Override
        public boolean execute(String sql) throws SQLException {
            if (!pending || sql == null) {
                return current.execute(sql);
            }
            executeWithCommands(sql);
            return current.getResultSet() != null;
        }

        @Override
        public ResultSet executeQuery(String sql) throws SQLException {
            if (!pending || sql == null) {
                return current.executeQuery(sql);
            }
            executeWithCommands(sql);
            return resultSet(current);
        }

        @Override
        public int executeUpdate(String sql) throws SQLException {
            if (!pending || sql == null) {
                return current.executeUpdate(sql);
            }
            executeWithCommands(sql);
            return current.getUpdateCount();
        }

        @Override
        public long executeLargeUpdate(String sql) throws SQLException {
            if (!pending || sql == null) {
                return current.executeLargeUpdate(sql);
            }
            executeWithCommands(sql);
            return current.getLargeUpdateCount();
        }

        private void executeWithCommands(String sql) throws SQLException {
            delivered();
            current.execute(joined(commands) + sql);
            skipCommandResults(current, commands);
        }

        // execute(sql, keys) and friends cannot carry a prefix: the commands run first.

        @Override
        public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
            runCommandsFirst(sql);
            return current.execute(sql, autoGeneratedKeys);
        }

        @Override
        public boolean execute(String sql, int[] columnIndexes) throws SQLException {
            runCommandsFirst(sql);
            return current.execute(sql, columnIndexes);
        }

        @Override
        public boolean execute(String sql, String[] columnNames) throws SQLException {
            runCommandsFirst(sql);
            return current.execute(sql, columnNames);
        }

        @Override
        public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
            runCommandsFirst(sql);
            return current.executeUpdate(sql, autoGeneratedKeys);
        }

        @Override
        public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
            runCommandsFirst(sql);
            return current.executeUpdate(sql, columnIndexes);
        }

        @Override
        public int executeUpdate(String sql, String[] columnNames) throws SQLException {
            runCommandsFirst(sql);
            return current.executeUpdate(sql, columnNames);
        }

        @Override
        public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
            runCommandsFirst(sql);
            return current.executeLargeUpdate(sql, autoGeneratedKeys);
        }

        @Override
        public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
            runCommandsFirst(sql);
            return current.executeLargeUpdate(sql, columnIndexes);
        }

        @Override
        public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
            runCommandsFirst(sql);
            return current.executeLargeUpdate(sql, columnNames);
        }

        private void runCommandsFirst(String sql) throws SQLException {
            if (pending && sql != null) {
                runSeparately(connection, commands);
                delivered();
            }
        }

        @Override
        public void addBatch(String sql) throws SQLException {
            if (pending) {
                for (String command : commands) {
                    current.addBatch(command);
                }
                batchCommands = commands.length;
                delivered();
            }
            current.addBatch(sql);
        }

        @Override
        public int[] executeBatch() throws SQLException {
            if (batchCommands == 0) {
                return current.executeBatch();
            }
            int[] counts = current.executeBatch();
            int skip = Math.min(batchCommands, counts.length);
            batchCommands = 0;
            return Arrays.copyOfRange(counts, skip, counts.length);
        }

        @Override
        public long[] executeLargeBatch() throws SQLException {
            if (batchCommands == 0) {
                return current.executeLargeBatch();
            }
            long[] counts = current.executeLargeBatch();
            int skip = Math.min(batchCommands, counts.length);
            batchCommands = 0;
            return Arrays.copyOfRange(counts, skip, counts.length);
        }

        private void delivered() {
            pending = false;
            attempt.delivered();
        }

        @Override
        public void close() throws SQLException {
            if (pending) {
                attempt.released();
                pending = false;
            }
            current.close();
        }

        @Override
        public String toString() {
            return "txfn prefixed " + current;
        }
    }
}
