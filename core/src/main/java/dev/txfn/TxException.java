package dev.txfn;

/**
 * The root of every failure txfn raises. Unchecked; each failure mode is its own subclass carrying the
 * context needed to act on it. Exceptions thrown by your own callback code are not wrapped: they come out
 * as themselves.
 *
 * <p>Instances are immutable once thrown and safe to share between threads.
 */
public class TxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;

    /**
     * Creates a failure.
     *
     * @param message what failed, never containing credentials
     * @param sqlState the PostgreSQL SQLSTATE that caused it, or {@code null} when none applies
     * @param cause the underlying failure, or {@code null}
     */
    public TxException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /**
     * The five-character SQLSTATE reported by the server or driver, or {@code null} if the failure did not
     * come from the database.
     *
     * @return the SQLSTATE or {@code null}
     */
    public String sqlState() {
        return sqlState;
    }

    /**
     * Whether re-running the whole transaction on a fresh connection may succeed. Retry policies re-run only
     * failures for which this is {@code true}.
     *
     * @return {@code true} for serialization failures, deadlocks and connections lost before any statement
     *     completed
     */
    public boolean isTransient() {
        return false;
    }
}
