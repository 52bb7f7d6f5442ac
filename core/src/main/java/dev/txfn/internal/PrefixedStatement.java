package dev.txfn.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A statement that carries transaction-local commands ({@code SET TRANSACTION ...; SET LOCAL ...}) to the
 * server in the same flight as itself, so the options cost no round trip. The driver receives
 * {@code commands; sql} as one multi-statement execution; the results of the commands are stepped over so
 * the caller sees only its own statement's results.
 *
 * <p>Batches cannot carry a multi-statement prefix (every row would repeat it), so on the first
 * {@code addBatch()} the commands are run as their own statement (one extra round trip) and the statement is
 * re-prepared without them, replaying the parameters already set. Only the first statement of a transaction
 * (and, under a deadline, a statement that needs its timeout re-capped) is wrapped.
 */
final class PrefixedStatement implements InvocationHandler {
    private final Attempt attempt;
    private final String[] commands;
    private final Connection connection;
    private final PreparedStatementFactory unprefixed;
    /** Parameter and option setters applied before execution, replayed if the statement is re-prepared. */
    private final List<Object[]> setters;
    private final List<Method> setterMethods;
    private Statement current;
    private boolean pending = true;
    private int batchCommands;

    /** Creates the plain statement again, without the commands. */
    @FunctionalInterface
    interface PreparedStatementFactory {
        PreparedStatement create() throws SQLException;
    }

    private PrefixedStatement(Attempt attempt, String[] commands, Connection connection,
            PreparedStatementFactory unprefixed, Statement current) {
        this.attempt = attempt;
        this.commands = commands;
        this.connection = connection;
        this.unprefixed = unprefixed;
        this.current = current;
        this.setters = unprefixed == null ? List.of() : new ArrayList<>();
        this.setterMethods = unprefixed == null ? List.of() : new ArrayList<>();
    }

    /** Wraps a prepared statement for {@code commands; sql}. */
    static PreparedStatement prepared(Attempt attempt, String[] commands, Connection connection,
            PreparedStatement prefixed, PreparedStatementFactory unprefixed) {
        PrefixedStatement handler = new PrefixedStatement(attempt, commands, connection, unprefixed, prefixed);
        return (PreparedStatement) Proxy.newProxyInstance(PrefixedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, handler);
    }

    /** Wraps a plain statement whose first execution or batch will carry {@code commands}. */
    static Statement plain(Attempt attempt, String[] commands, Connection connection, Statement statement) {
        PrefixedStatement handler = new PrefixedStatement(attempt, commands, connection, null, statement);
        return (Statement) Proxy.newProxyInstance(PrefixedStatement.class.getClassLoader(),
                new Class<?>[] {Statement.class}, handler);
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

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, name, args);
        }
        if (!pending) {
            return call(method, args);
        }
        int arity = args == null ? 0 : args.length;
        if (name.equals("close")) {
            attempt.released();
            pending = false;
            return call(method, args);
        }
        if (unprefixed != null) {
            return invokePrepared(method, name, arity, args);
        }
        return invokePlain(method, name, arity, args);
    }

    private Object invokePrepared(Method method, String name, int arity, Object[] args) throws Throwable {
        if (arity == 0 && isExecute(name)) {
            PreparedStatement ps = (PreparedStatement) current;
            delivered(); // sent with the statement, even if the statement then fails
            ps.execute();
            skipCommandResults(ps);
            return result(ps, name);
        }
        if (arity == 0 && name.equals("addBatch")) {
            if (attempt.oneFlight()) {
                throw new SQLFeatureNotSupportedException("a TxFn.query program cannot run a batch");
            }
            reprepareWithoutCommands();
            return call(method, args);
        }
        if (name.startsWith("set") || name.equals("clearParameters")) {
            setterMethods.add(method);
            setters.add(args == null ? new Object[0] : args.clone());
        }
        return call(method, args);
    }

    private Object invokePlain(Method method, String name, int arity, Object[] args) throws Throwable {
        if (arity >= 1 && isExecute(name) && args[0] instanceof String userSql) {
            if (arity > 1) {
                // execute(sql, keys) and friends cannot carry a prefix: run the commands first.
                runSeparately(connection, commands);
                delivered();
                return call(method, args);
            }
            delivered();
            current.execute(joined(commands) + userSql);
            skipCommandResults(current);
            return result(current, name);
        }
        if (name.equals("addBatch") && arity == 1) {
            for (String command : commands) {
                current.addBatch(command);
            }
            batchCommands = commands.length;
            delivered();
            return call(method, args);
        }
        return call(method, args);
    }

    private static boolean isExecute(String name) {
        return name.equals("execute") || name.equals("executeQuery") || name.equals("executeUpdate")
                || name.equals("executeLargeUpdate");
    }

    private void skipCommandResults(Statement statement) throws SQLException {
        for (int i = 0; i < commands.length; i++) {
            statement.getMoreResults();
        }
    }

    private static Object result(Statement statement, String name) throws SQLException {
        switch (name) {
            case "executeQuery":
                if (statement.getResultSet() == null) {
                    throw new SQLException("the statement returned no result set", "02000");
                }
                return statement.getResultSet();
            case "executeUpdate":
                return statement.getUpdateCount();
            case "executeLargeUpdate":
                return statement.getLargeUpdateCount();
            default:
                return statement.getResultSet() != null;
        }
    }

    private void reprepareWithoutCommands() throws Throwable {
        runSeparately(connection, commands);
        delivered();
        PreparedStatement fresh = unprefixed.create();
        try {
            for (int i = 0; i < setters.size(); i++) {
                setterMethods.get(i).invoke(fresh, setters.get(i));
            }
        } catch (InvocationTargetException e) {
            fresh.close();
            throw e.getCause();
        }
        Statement old = current;
        current = fresh;
        old.close();
    }

    private void delivered() {
        pending = false;
        attempt.delivered();
    }

    private Object call(Method method, Object[] args) throws Throwable {
        if (batchCommands > 0 && method.getName().equals("executeBatch")) {
            int[] counts = current.executeBatch();
            int skip = Math.min(batchCommands, counts.length);
            batchCommands = 0;
            return Arrays.copyOfRange(counts, skip, counts.length);
        }
        if (batchCommands > 0 && method.getName().equals("executeLargeBatch")) {
            long[] counts = current.executeLargeBatch();
            int skip = Math.min(batchCommands, counts.length);
            batchCommands = 0;
            return Arrays.copyOfRange(counts, skip, counts.length);
        }
        try {
            return method.invoke(current, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private Object objectMethod(Object proxy, String name, Object[] args) {
        switch (name) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            default:
                return "txfn prefixed " + current;
        }
    }
}
