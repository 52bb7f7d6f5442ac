package dev.txfn;

/**
 * The server ended the session because the transaction sat idle longer than
 * {@code idle_in_transaction_session_timeout} (SQLSTATE {@code 25P03}), typically because the callback
 * waited on something other than the database while holding the transaction open. The transaction was rolled
 * back by the server and the connection is gone.
 */
public final class IdleInTransactionTimeoutException extends TxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message the server's message
     * @param cause the driver's exception
     */
    public IdleInTransactionTimeoutException(String message, Throwable cause) {
        super(message, "25P03", cause);
    }
}
