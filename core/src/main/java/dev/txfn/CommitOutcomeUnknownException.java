package dev.txfn;

/**
 * The connection broke after {@code COMMIT} was sent and before the server's answer arrived: the transaction
 * may or may not have committed. txfn never retries this by itself, since re-running a transaction that did
 * commit applies its effects twice. Make the work idempotent (a unique key you can check) or reconcile.
 */
public final class CommitOutcomeUnknownException extends TxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message what happened
     * @param sqlState the SQLSTATE of the connection failure, or {@code null}
     * @param cause the driver's exception
     */
    public CommitOutcomeUnknownException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }
}
