package dev.txfn;

/**
 * A lock could not be acquired within the transaction's lock timeout, or at once for {@code NOWAIT} (SQLSTATE
 * {@code 55P03}). The transaction was rolled back.
 */
public final class LockTimeoutException extends TxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message the server's message
     * @param cause the driver's exception
     */
    public LockTimeoutException(String message, Throwable cause) {
        super(message, "55P03", cause);
    }
}
