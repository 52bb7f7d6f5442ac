package dev.txfn.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.api.ErrorCode;

/**
 * Behind an {@link InMemoryDataSource} connection: H2 ignores {@link Connection#setReadOnly(boolean)}, so
 * {@code setReadOnly(true)} replaces the H2 session with one of a user that may only read, and a write refused
 * for lack of rights is reported as PostgreSQL reports a write in a read-only transaction (SQLSTATE 25006).
 * Statements also report the few failures for which H2's SQLSTATE differs from PostgreSQL's with PostgreSQL's.
 * Confined to the thread using the connection, like any JDBC connection.
 */
final class ReadOnlyEnforcingConnection implements InvocationHandler {

    /** PostgreSQL's {@code read_only_sql_transaction}. */
    static final String READ_ONLY_SQL_TRANSACTION = "25006";

    private final InMemoryDataSource dataSource;
    private Connection session;
    private boolean readOnly;

    ReadOnlyEnforcingConnection(InMemoryDataSource dataSource, Connection session) {
        this.dataSource = dataSource;
        this.session = session;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "setReadOnly":
                setReadOnly((Boolean) args[0]);
                return null;
            case "isReadOnly":
                return readOnly;
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "InMemoryConnection[" + (readOnly ? "read-only, " : "") + session + "]";
            case "unwrap":
                return ((Class<?>) args[0]).isInstance(proxy) ? proxy : invokeOn(session, method, args);
            case "isWrapperFor":
                return ((Class<?>) args[0]).isInstance(proxy) || (Boolean) invokeOn(session, method, args);
            case "createStatement":
                return statement(proxy, Statement.class, invokeOn(session, method, args));
            case "prepareStatement":
                return statement(proxy, PreparedStatement.class, invokeOn(session, method, args));
            case "prepareCall":
                return statement(proxy, CallableStatement.class, invokeOn(session, method, args));
            default:
                return invokeOn(session, method, args);
        }
    }

    /**
     * JDBC forbids changing read-only inside a transaction, and txfn sets it before the first statement, so the
     * session can be swapped for one of the other user; the isolation level already set carries over.
     */
    private void setReadOnly(boolean wanted) throws SQLException {
        if (wanted == readOnly) {
            return;
        }
        if (!session.getAutoCommit()) {
            throw new SQLException("cannot change read-only inside a transaction", "25001");
        }
        int isolation = session.getTransactionIsolation();
        Connection next;
        if (wanted) {
            next = dataSource.openReader(session);
        } else {
            next = dataSource.openWriter();
        }
        try {
            next.setTransactionIsolation(isolation);
        } catch (SQLException e) {
            next.close();
            throw e;
        }
        Connection previous = session;
        session = next;
        readOnly = wanted;
        previous.close();
    }

    private Object statement(Object connectionProxy, Class<? extends Statement> type, Object statement) {
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "getConnection":
                    return connectionProxy;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "unwrap":
                    return ((Class<?>) args[0]).isInstance(proxy) ? proxy : invokeOn(statement, method, args);
                case "isWrapperFor":
                    return ((Class<?>) args[0]).isInstance(proxy) || (Boolean) invokeOn(statement, method, args);
                default:
                    try {
                        return invokeOn(statement, method, args);
                    } catch (SQLException e) {
                        throw asPostgres(e);
                    }
            }
        };
        return Proxy.newProxyInstance(ReadOnlyEnforcingConnection.class.getClassLoader(), new Class<?>[] {type},
                handler);
    }

    /**
     * H2's error with PostgreSQL's SQLSTATE where H2 uses another one for the same failure, so that txfn types it
     * as it would on PostgreSQL; H2's message and error code are kept.
     */
    private SQLException asPostgres(SQLException e) {
        String state;
        String message = e.getMessage();
        switch (e.getErrorCode()) {
            case ErrorCode.NOT_ENOUGH_RIGHTS_FOR_1:
                if (!readOnly) {
                    return e;
                }
                state = READ_ONLY_SQL_TRANSACTION;
                message = "cannot write in a read-only transaction (" + message + ")";
                break;
            case ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_PARENT_MISSING_1:
                state = "23503"; // foreign_key_violation: PostgreSQL does not tell parent missing from child existing
                break;
            case ErrorCode.CHECK_CONSTRAINT_VIOLATED_1:
                state = "23514"; // check_violation
                break;
            case ErrorCode.LOCK_TIMEOUT_1:
                state = "55P03"; // lock_not_available
                break;
            default:
                return e;
        }
        return new SQLException(message, state, e.getErrorCode(), e);
    }

    private static Object invokeOn(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
