package dev.txfn.internal;

import dev.txfn.CheckViolationException;
import dev.txfn.ConnectionLostException;
import dev.txfn.CredentialsUnavailableException;
import dev.txfn.DatabaseException;
import dev.txfn.DeadlockException;
import dev.txfn.ForeignKeyViolationException;
import dev.txfn.IdleInTransactionTimeoutException;
import dev.txfn.LockTimeoutException;
import dev.txfn.NotNullViolationException;
import dev.txfn.SerializationFailureException;
import dev.txfn.StatementTimeoutException;
import dev.txfn.TxException;
import dev.txfn.UniqueViolationException;
import java.io.FileNotFoundException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Maps SQLSTATEs to txfn's failure types. The whole cause chain is searched (and each SQLException's
 * next-exception chain), since drivers, pools and Jdbi all wrap, and a deadlock can surface several layers down.
 */
public final class FailureClassifier {
    /** SQLSTATE of "current transaction is aborted": it hides the error that aborted the transaction. */
    static final String IN_FAILED_TRANSACTION = "25P02";
    /** SQLSTATE of "cannot execute ... in a read-only transaction". */
    static final String READ_ONLY_TRANSACTION = "25006";

    /**
     * Connection failures that retrying will not cure: invalid authorization (28000, which includes a missing
     * pg_hba.conf entry; 28P01 password), unknown database (3D000), no CONNECT privilege (42501), the server
     * rejecting the connection, e.g. TLS (08004).
     */
    private static final Set<String> REJECTIONS = Set.of("28000", "28P01", "3D000", "42501", "08004");

    private FailureClassifier() {
    }

    /**
     * Finds the most telling SQLException in {@code failure}'s causes: the first with a SQLSTATE other than
     * 25P02, else the first with any SQLSTATE, else the first at all.
     *
     * @param failure what was thrown
     * @return the SQLException or {@code null} when none is in the chain
     */
    public static SQLException findSqlException(Throwable failure) {
        SQLException anyState = null;
        SQLException any = null;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    String state = e.getSQLState();
                    if (state != null && !state.equals(IN_FAILED_TRANSACTION)) {
                        return e;
                    }
                    if (state != null && anyState == null) {
                        anyState = e;
                    }
                    if (any == null) {
                        any = e;
                    }
                    if (e.getNextException() == e) {
                        break;
                    }
                }
            }
        }
        return anyState != null ? anyState : any;
    }

    /**
     * The reason for a failure in words an operator can act on: the message of the deepest
     * {@link SQLException} in the chain (the server's or the driver's, not the pool's "connection is not
     * available", which wraps it), followed by the root cause's type and message when that says more (an
     * {@code UnknownHostException}'s host, a TLS handshake's complaint).
     *
     * @param failure what was thrown
     * @return the reason, never {@code null}
     */
    public static String reason(Throwable failure) {
        CredentialsUnavailableException credentials = find(failure, CredentialsUnavailableException.class);
        if (credentials != null) {
            // The pool wraps it in "connection is not available"; what the operator must fix is the source.
            return credentials.getMessage();
        }
        SQLException deepest = null;
        Throwable root = failure;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException sql) {
                deepest = sql;
            }
            root = t;
        }
        Throwable told = deepest != null ? deepest : failure;
        String text = told.getMessage() == null ? told.getClass().getName() : told.getMessage();
        String rootMessage = root.getMessage();
        if (root != told && rootMessage != null && !text.contains(rootMessage)) {
            text += " (" + root.getClass().getSimpleName() + ": " + rootMessage + ")";
        }
        return text;
    }

    /**
     * Finds, in a failure to obtain a connection, the cause that retrying will not cure: an authentication,
     * authorization or unknown-database error from the server, the server refusing TLS, a failed TLS
     * verification, or a host name that does not resolve.
     *
     * @param failure what the pool threw
     * @return that cause, or {@code null} when the failure may be transient
     */
    public static Throwable connectionRejection(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && REJECTIONS.contains(sql.getSQLState())) {
                return t;
            }
            if (t instanceof CredentialsUnavailableException c && !c.isTransient()) {
                return t; // a secret that does not exist or is malformed stays so
            }
            if (t instanceof UnknownHostException || t instanceof SSLException
                    || t instanceof GeneralSecurityException || t instanceof FileNotFoundException) {
                return t;
            }
            // pgjdbc's own host-name check (sslmode=verify-full) fails without a cause.
            if (t instanceof PSQLException p && p.getMessage() != null && p.getMessage().startsWith("The hostname ")
                    && p.getMessage().contains("could not be verified")) {
                return t;
            }
        }
        return null;
    }

    /**
     * Whether a rejection found by {@link #connectionRejection} is the server refusing the password: 28P01, or
     * 28000, which RDS Proxy answers when the password it was given is not (or no longer) the secret's.
     *
     * @param rejection what {@link #connectionRejection} returned
     * @return {@code true} for a refused password
     */
    public static boolean isPasswordRejection(Throwable rejection) {
        return rejection instanceof SQLException sql
                && ("28P01".equals(sql.getSQLState()) || "28000".equals(sql.getSQLState()));
    }

    /**
     * The first cause of type {@code type} in {@code failure}'s chain.
     *
     * @param failure what was thrown
     * @param type the type sought
     * @param <T> the type sought
     * @return the cause or {@code null}
     */
    public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * Whether a SQLSTATE means the connection is gone: class 08, or the server shutting down or terminating
     * the session (57P01..57P03).
     *
     * @param sqlState the state, may be {@code null}
     * @return {@code true} for connection loss
     */
    public static boolean isConnectionLoss(String sqlState) {
        return sqlState != null
                && (sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
                        || sqlState.equals("57P03"));
    }

    /**
     * Translates a driver failure into the txfn type for its SQLSTATE.
     *
     * @param sql the driver's exception
     * @param cause what to attach as the cause (usually the exception that was thrown, which wraps {@code sql})
     * @param beforeFirstStatement whether no statement of the attempt had completed (for connection loss)
     * @return the typed failure; never {@code null}
     */
    public static TxException translate(SQLException sql, Throwable cause, boolean beforeFirstStatement) {
        String state = sql.getSQLState();
        String message = sql.getMessage();
        if (state == null) {
            return new DatabaseException(message, null, cause);
        }
        if (isConnectionLoss(state)) {
            return new ConnectionLostException(message, state, beforeFirstStatement, cause);
        }
        switch (state) {
            case "40001":
                return new SerializationFailureException(message, cause);
            case "40P01":
                return new DeadlockException(message, cause);
            case "23505":
                return new UniqueViolationException(message, constraint(sql), table(sql), column(sql), cause);
            case "23503":
                return new ForeignKeyViolationException(message, constraint(sql), table(sql), column(sql), cause);
            case "23502":
                return new NotNullViolationException(message, constraint(sql), table(sql), column(sql), cause);
            case "23514":
                return new CheckViolationException(message, constraint(sql), table(sql), column(sql), cause);
            case "57014":
                return new StatementTimeoutException(message, cause);
            case "55P03":
                return new LockTimeoutException(message, cause);
            case "25P03":
                return new IdleInTransactionTimeoutException(message, cause);
            default:
                return new DatabaseException(message, state, cause);
        }
    }

    private static ServerErrorMessage serverError(SQLException sql) {
        return sql instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
    }

    private static String constraint(SQLException sql) {
        ServerErrorMessage m = serverError(sql);
        return m == null ? null : m.getConstraint();
    }

    private static String table(SQLException sql) {
        ServerErrorMessage m = serverError(sql);
        return m == null ? null : m.getTable();
    }

    private static String column(SQLException sql) {
        ServerErrorMessage m = serverError(sql);
        return m == null ? null : m.getColumn();
    }
}
