package dev.txfn;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Tx} has done since it was created, as cumulative counts: the figures that explain a slow or
 * failed invocation (waiting for a pooled connection, a pool that timed out, new connections opened, retries
 * and why). Read it with {@link Tx#metrics()}; the figures of a span of time are the difference of two
 * readings, {@code after.since(before)}.
 *
 * <p>The transaction and connection-wait figures belong to the {@code Tx} returned by {@link Tx#create} (or a
 * builder) and everything derived from it ({@link Tx#withDeadline}, {@link Tx#withListener}, ...). The count of
 * connections opened belongs to the {@link Database}'s pool, shared by every {@code Tx} over it; over any other
 * data source it stays 0. The {@linkplain Tx#warmUp() warm-up}'s transaction is counted like any other.
 *
 * <p>Each count is exact, but a reading is not one atomic snapshot of them all: a transaction finishing on
 * another thread while it is taken may show in one count and not yet in another.
 *
 * @param connectionWaits borrows of a pooled connection by transactions, whether or not one was obtained
 * @param connectionWaitTime the time those borrows took in all, from asking the pool to holding a connection or
 *     giving up (opening a new connection is part of it)
 * @param connectionTimeouts borrows that ended without a connection: the pool's connection timeout or the
 *     deadline passed, or the server could not be reached
 * @param connectionRejections borrows that ended without a connection because the server refused it (a wrong
 *     password or user, a database that does not exist)
 * @param connectionsOpened new physical connections the pool opened (in the background too); several per
 *     invocation mean connections are being lost (failover, restarts, idle timeouts)
 * @param committed transaction attempts that committed
 * @param rolledBack transaction attempts that ended without committing, retried or not (not counting those of
 *     {@code commitOutcomeUnknown})
 * @param commitOutcomeUnknown attempts whose connection failed after COMMIT was sent
 *     ({@link CommitOutcomeUnknownException})
 * @param retries how many times a transaction was run again, by cause; every cause present, 0 when none
 */
public record TxMetrics(long connectionWaits, Duration connectionWaitTime, long connectionTimeouts,
        long connectionRejections, long connectionsOpened, long committed, long rolledBack,
        long commitOutcomeUnknown, Map<RetryCause, Long> retries) {

    /** All zero: what a {@code Tx} that counts nothing reports. */
    public static final TxMetrics NONE = new TxMetrics(0, Duration.ZERO, 0, 0, 0, 0, 0, 0, Map.of());

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if {@code connectionWaitTime} or {@code retries} is null
     */
    public TxMetrics {
        Objects.requireNonNull(connectionWaitTime, "connectionWaitTime");
        EnumMap<RetryCause, Long> all = new EnumMap<>(RetryCause.class);
        for (RetryCause cause : RetryCause.values()) {
            Long count = Objects.requireNonNull(retries, "retries").get(cause);
            all.put(cause, count == null ? 0L : count);
        }
        retries = java.util.Collections.unmodifiableMap(all);
    }

    /**
     * How many times a transaction was run again for {@code cause}.
     *
     * @param cause the cause
     * @return the count
     */
    public long retries(RetryCause cause) {
        return retries.get(cause);
    }

    /**
     * How many times a transaction was run again, whatever the cause.
     *
     * @return the sum over all causes
     */
    public long totalRetries() {
        return retries.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The figures of the span between {@code earlier} and this reading, for example of one invocation. Where
     * several invocations run at once in one process (a local HTTP server, not Lambda, which runs one at a time
     * per sandbox), each one's span includes what the others did meanwhile: the figures are then an upper
     * bound for the invocation, never negative, and their sum over invocations may count the same event twice.
     *
     * @param earlier a reading of the same {@code Tx} taken before this one
     * @return this minus {@code earlier}, count by count
     */
    public TxMetrics since(TxMetrics earlier) {
        EnumMap<RetryCause, Long> retried = new EnumMap<>(RetryCause.class);
        for (RetryCause cause : RetryCause.values()) {
            retried.put(cause, retries(cause) - earlier.retries(cause));
        }
        return new TxMetrics(connectionWaits - earlier.connectionWaits,
                connectionWaitTime.minus(earlier.connectionWaitTime), connectionTimeouts - earlier.connectionTimeouts,
                connectionRejections - earlier.connectionRejections, connectionsOpened - earlier.connectionsOpened,
                committed - earlier.committed, rolledBack - earlier.rolledBack,
                commitOutcomeUnknown - earlier.commitOutcomeUnknown, retried);
    }
}
