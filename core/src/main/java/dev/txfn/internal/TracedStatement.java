package dev.txfn.internal;

import dev.txfn.internal.TransactionTrace.StatementTrace;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A statement whose executions each get a span of the transaction's trace, timed around the call that reaches
 * the server ({@code execute...}, {@code executeBatch}). Every statement a traced attempt makes goes through
 * here: Jdbi's, the callback's own through {@code handle.getConnection()}, and a {@code TxFn.query}'s. Made only
 * when the trace records. Confined to the attempt's thread.
 */
final class TracedStatement implements InvocationHandler {
    private final Statement target;
    private final String sql;
    private final TransactionTrace trace;
    private final Connection connection;
    private String batchSql;
    private int batchSize;

    private TracedStatement(Statement target, String sql, TransactionTrace trace, Connection connection) {
        this.target = target;
        this.sql = sql;
        this.trace = trace;
        this.connection = connection;
    }

    /**
     * The statement, traced when {@code trace} records, else itself.
     *
     * @param statement the statement to trace
     * @param type the JDBC interface the caller asked for
     * @param sql the text it was prepared with, or {@code null} for a plain statement (given to each execute)
     * @param trace the attempt's trace
     * @param connection the pool's connection it runs on
     */
    static <S extends Statement> S wrap(S statement, Class<S> type, String sql, TransactionTrace trace,
            Connection connection) {
        if (!trace.recording()) {
            return statement;
        }
        return type.cast(Proxy.newProxyInstance(TracedStatement.class.getClassLoader(), new Class<?>[] {type},
                new TracedStatement(statement, sql, trace, connection)));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method.getName(), args);
        }
        String name = method.getName();
        int arity = args == null ? 0 : args.length;
        switch (name) {
            case "execute", "executeQuery", "executeUpdate", "executeLargeUpdate":
                return traced(method, args, arity > 0 && args[0] instanceof String given ? given : sql, 0);
            case "executeBatch", "executeLargeBatch":
                String batched = sql != null ? sql : batchSql;
                int size = batchSize;
                batchSql = null;
                batchSize = 0;
                return traced(method, args, batched, size);
            case "addBatch":
                if (arity == 1 && args[0] instanceof String added && batchSql == null) {
                    batchSql = added;
                }
                batchSize++;
                return call(method, args);
            case "clearBatch":
                batchSql = null;
                batchSize = 0;
                return call(method, args);
            case "unwrap":
                return arity == 1 && args[0] instanceof Class<?> iface && iface.isInstance(proxy) ? proxy
                        : call(method, args);
            case "isWrapperFor":
                return arity == 1 && args[0] instanceof Class<?> iface && iface.isInstance(proxy)
                        || (Boolean) call(method, args);
            default:
                return call(method, args);
        }
    }

    private Object traced(Method method, Object[] args, String text, int size) throws Throwable {
        StatementTrace span = trace.statement(text, connection, size);
        try {
            return call(method, args);
        } catch (Throwable t) {
            span.failed(t);
            throw t;
        } finally {
            span.end();
        }
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
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
                return "txfn traced " + target;
        }
    }
}
