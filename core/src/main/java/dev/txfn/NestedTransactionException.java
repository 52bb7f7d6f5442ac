package dev.txfn;

/**
 * A transaction was started on a thread that is already running one. txfn fails at once instead of taking a
 * second pooled connection, which with a pool of one would wait for the full connection timeout and which
 * otherwise would split one unit of work across two transactions. Compose the steps into one
 * {@link TxFn} with {@link TxFn#flatMap}, or pass the {@code Handle} down.
 */
public final class NestedTransactionException extends TxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message what was attempted
     */
    public NestedTransactionException(String message) {
        super(message, null, null);
    }
}
