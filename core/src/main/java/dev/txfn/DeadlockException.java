package dev.txfn;

/**
 * The server broke a deadlock by aborting this transaction (SQLSTATE {@code 40P01}). The transaction was
 * rolled back; re-running it whole may succeed, which is what a {@link RetryPolicy} does.
 */
public final class DeadlockException extends TxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message the server's message
     * @param cause the driver's exception
     */
    public DeadlockException(String message, Throwable cause) {
        super(message, "40P01", cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
