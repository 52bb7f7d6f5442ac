package dev.txfn;

/**
 * The server or driver reported an error that has no more specific txfn type (a syntax error, a missing
 * table, a data exception). {@link #sqlState()} tells which. The transaction was rolled back.
 */
public final class DatabaseException extends TxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message the server's message
     * @param sqlState the SQLSTATE, or {@code null} if the driver gave none
     * @param cause the driver's exception
     */
    public DatabaseException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }
}
