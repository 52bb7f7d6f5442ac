package dev.txfn.internal;

import dev.txfn.DatabaseException;
import dev.txfn.ReadOnlyServerException;
import dev.txfn.RetryPolicy;
import dev.txfn.TxOptions;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The re-runs of one transaction whose writes were refused by a read-only server (an endpoint still naming the
 * old writer after a failover): when such a refusal happened, and how long to wait before the next attempt.
 * Nothing was committed, so re-running is safe; it goes on until the deadline, or without one for the pool's
 * connection timeout, the wait a caller already accepts for an unreachable server. Confined to the thread
 * running the transaction.
 */
final class ReadOnlyServerReruns {
    /** Short waits, so that writes resume well within a second of the endpoint naming a writable server. */
    static final RetryPolicy BACKOFF = RetryPolicy.defaults()
            .withBackoff(Duration.ofMillis(10), Duration.ofMillis(200));

    private int reruns;
    private long giveUpNanos;

    /**
     * Whether {@code failure} is a write refused with 25006 in a transaction that was not asked to be read-only,
     * so the server itself is read-only. (A read-only transaction that writes is the caller's mistake.)
     */
    static boolean refusedByReadOnlyServer(Throwable failure, TxOptions options) {
        SQLException sql = FailureClassifier.findSqlException(failure);
        return sql != null && FailureClassifier.READ_ONLY_TRANSACTION.equals(sql.getSQLState())
                && !options.readOnly() && !asksReadOnly(options);
    }

    /**
     * The failure to report: txfn's own translation becomes a {@link ReadOnlyServerException}; the callback's
     * own exception (wrapping the refusal) comes out as itself.
     */
    static Throwable reported(Throwable failure, int attempt) {
        if (!(failure instanceof DatabaseException)) {
            return failure;
        }
        SQLException sql = FailureClassifier.findSqlException(failure);
        return new ReadOnlyServerException("the server is read-only, likely a failover in progress (the endpoint"
                + " still names the old writer): it refused a write in a read-write transaction on attempt "
                + attempt + ": " + (sql == null ? failure.getMessage() : sql.getMessage()), attempt,
                failure.getCause());
    }

    /**
     * The wait before the next re-run, or {@code null} when it would end past the deadline (or, without one,
     * past {@code patience} after the first refusal).
     *
     * @param deadlineNanos the deadline on the {@link System#nanoTime()} scale, or {@code null} for none
     */
    Duration nextWait(Long deadlineNanos, Duration patience) {
        if (reruns++ == 0) {
            giveUpNanos = deadlineNanos != null ? deadlineNanos : System.nanoTime() + patience.toNanos();
        }
        Duration wait = BACKOFF.backoff(reruns);
        return System.nanoTime() + wait.toNanos() - giveUpNanos < 0 ? wait : null;
    }

    private static boolean asksReadOnly(TxOptions o) {
        String value = o.settings().get("transaction_read_only");
        return value != null && (value.equalsIgnoreCase("on") || value.equalsIgnoreCase("true")
                || value.equals("1") || value.equalsIgnoreCase("yes"));
    }
}
