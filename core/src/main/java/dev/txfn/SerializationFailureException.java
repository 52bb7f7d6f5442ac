package dev.txfn;

/**
 * The server aborted the transaction because it could not serialize it with concurrent ones (SQLSTATE
 * {@code 40001}). The transaction was rolled back; re-running it whole may succeed, which is what a
 * {@link RetryPolicy} does.
 */
public final class SerializationFailureException extends TxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message the server's message
     * @param cause the driver's exception
     */
    public SerializationFailureException(String message, Throwable cause) {
        super(message, "40001", cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
