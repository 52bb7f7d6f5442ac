package dev.txfn;

/**
 * The server refused a write because it is read-only ({@code 25006}, "cannot execute ... in a read-only
 * transaction") although the transaction was not asked to be read-only: most likely a failover is in progress
 * and the endpoint still names the old writer, now a reader or standby. (A role or database with
 * {@code default_transaction_read_only = on} looks the same.) Nothing was committed.
 *
 * <p>Before raising it txfn evicts the connection from the pool (and soft-evicts its idle siblings, likely on
 * the same server) and re-runs the whole callback on a new connection, with a short exponential backoff and
 * full jitter, until the {@linkplain Tx#withDeadline deadline}, or without one for as long as the pool's
 * connection timeout (3 s under Lambda, else 10 s). This exception means the endpoint named a read-only server
 * all that time. (When the deadline cuts a re-run short, a {@link DeadlineExceededException} is thrown instead,
 * with this one attached as suppressed.) {@link #isTransient()} is {@code true}: retrying later, once DNS names
 * the new writer, succeeds. These re-runs do not count against the {@link RetryPolicy}.
 *
 * <p>Immutable once thrown; safe to share between threads.
 */
public final class ReadOnlyServerException extends TxException {
    private static final long serialVersionUID = 1L;

    private final int attempts;

    /**
     * Creates the failure.
     *
     * @param message what was refused, starting with why (the server is read-only)
     * @param attempts how many attempts ran, each on a connection to a read-only server
     * @param cause the driver's exception
     */
    public ReadOnlyServerException(String message, int attempts, Throwable cause) {
        super(message, "25006", cause);
        this.attempts = attempts;
    }

    /**
     * How many attempts of the transaction ran into a read-only server before txfn gave up.
     *
     * @return at least 1
     */
    public int attempts() {
        return attempts;
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
