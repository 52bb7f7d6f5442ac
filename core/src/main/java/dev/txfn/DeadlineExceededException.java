package dev.txfn;

import java.time.Instant;

/**
 * The work could not finish before the {@linkplain Tx#withDeadline deadline}: either the deadline had passed
 * before a statement could be sent, or the server cancelled a statement whose timeout the deadline had capped
 * (SQLSTATE {@code 57014}). The transaction was rolled back and is not retried.
 */
public final class DeadlineExceededException extends TxException {
    private static final long serialVersionUID = 1L;

    private final Instant deadline;

    /**
     * Creates the failure.
     *
     * @param message what was cut short
     * @param deadline the deadline that was exceeded
     * @param sqlState {@code 57014} when the server cancelled a statement, {@code null} when nothing was sent
     * @param cause the driver's exception, or {@code null}
     */
    public DeadlineExceededException(String message, Instant deadline, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
        this.deadline = deadline;
    }

    /**
     * The deadline that was exceeded.
     *
     * @return the deadline
     */
    public Instant deadline() {
        return deadline;
    }
}
