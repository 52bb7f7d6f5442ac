package dev.txfn;

import java.time.Duration;

/**
 * What a {@link TxListener} is told about one attempt of a transaction.
 *
 * @param attempt 1 for the first attempt, 2 for the first retry, and so on
 * @param readOnly whether the transaction is read-only
 * @param elapsed time since the attempt began ({@link Duration#ZERO} on begin)
 * @param statements statements that completed in the attempt
 * @param sqlState the SQLSTATE of the failure, or {@code null}
 * @param failure the failure that ended the attempt, or {@code null}
 */
public record TxEvent(int attempt, boolean readOnly, Duration elapsed, int statements, String sqlState,
        Throwable failure) {
}
