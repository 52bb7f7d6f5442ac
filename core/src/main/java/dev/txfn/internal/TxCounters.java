package dev.txfn.internal;

import dev.txfn.CommitOutcomeUnknownException;
import dev.txfn.RetryCause;
import dev.txfn.TxMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * The counts behind {@link TxMetrics}, incremented where things happen: borrows in {@link ConnectionTracker},
 * attempts and retries in {@link AttemptEvents}; connections opened come from the pool's {@link PoolEvents}.
 * One per {@code Tx} created, shared by the runners derived from it. Thread-safe; an increment is a
 * {@link LongAdder} add, no lock.
 */
public final class TxCounters {
    private final LongAdder waits = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder rejections = new LongAdder();
    private final LongAdder committed = new LongAdder();
    private final LongAdder rolledBack = new LongAdder();
    private final LongAdder commitUnknown = new LongAdder();
    private final EnumMap<RetryCause, LongAdder> retries = new EnumMap<>(RetryCause.class);
    private final PoolEvents pool;

    TxCounters(DataSource dataSource) {
        for (RetryCause cause : RetryCause.values()) {
            retries.put(cause, new LongAdder());
        }
        this.pool = PoolEvents.of(dataSource);
    }

    /**
     * The pool events of the data source, when it is a pool built by {@code Database}.
     *
     * @return the events, or {@code null}
     */
    public PoolEvents pool() {
        return pool;
    }

    void borrowed(long nanos) {
        waits.increment();
        waitNanos.add(nanos);
    }

    void borrowFailed(long nanos, boolean rejected) {
        borrowed(nanos);
        (rejected ? rejections : timeouts).increment();
    }

    void committed() {
        committed.increment();
    }

    void rolledBack(Throwable failure) {
        (failure instanceof CommitOutcomeUnknownException ? commitUnknown : rolledBack).increment();
    }

    void retrying(Throwable failure) {
        retries.get(RetryCause.of(failure)).increment();
    }

    /**
     * The counts now.
     *
     * @return a reading
     */
    public TxMetrics read() {
        EnumMap<RetryCause, Long> retried = new EnumMap<>(RetryCause.class);
        retries.forEach((cause, count) -> retried.put(cause, count.sum()));
        return new TxMetrics(waits.sum(), Duration.ofNanos(waitNanos.sum()), timeouts.sum(), rejections.sum(),
                pool == null ? 0 : pool.connectionsOpened(), committed.sum(), rolledBack.sum(), commitUnknown.sum(),
                retried);
    }

}
