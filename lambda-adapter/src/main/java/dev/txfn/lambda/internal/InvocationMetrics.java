package dev.txfn.lambda.internal;

import dev.txfn.CommitOutcomeUnknownException;
import dev.txfn.RetryCause;
import dev.txfn.Tx;
import dev.txfn.TxEvent;
import dev.txfn.TxListener;
import dev.txfn.TxMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The figures of one invocation for its EMF line. Commits, rollbacks and retries by cause are counted by this
 * listener on the invocation's own {@code Tx}, so they are exactly the invocation's even while others run at the
 * same time in the process ({@code LocalHttpServer}). The pool's figures (connection waits and their time,
 * timeouts, rejections, connections opened) are the difference of the handler's {@link Tx#metrics()} at the
 * end and at the start: exact on Lambda, one invocation per sandbox at a time; where invocations overlap, an
 * upper bound that includes what the others did meanwhile. Thread-safe.
 */
final class InvocationMetrics implements TxListener {
    private static final int COMMITTED = 0;
    private static final int ROLLED_BACK = 1;
    private static final int COMMIT_UNKNOWN = 2;
    private static final int RETRIES = 3;

    private final Tx tx;
    private final TxMetrics start;
    /** Committed, rolled back, commit outcome unknown, then retries by {@link RetryCause#ordinal()}. */
    private final AtomicLongArray counts = new AtomicLongArray(RETRIES + RetryCause.values().length);

    /** Takes the starting reading of {@code tx}, the handler's {@code Tx} the invocation's is derived from. */
    InvocationMetrics(Tx tx) {
        this.tx = tx;
        this.start = tx.metrics();
    }

    @Override
    public void onCommit(TxEvent event) {
        counts.incrementAndGet(COMMITTED);
    }

    @Override
    public void onRollback(TxEvent event) {
        counts.incrementAndGet(event.failure() instanceof CommitOutcomeUnknownException ? COMMIT_UNKNOWN
                : ROLLED_BACK);
    }

    @Override
    public void onRetry(TxEvent event, Duration backoff) {
        counts.incrementAndGet(RETRIES + RetryCause.of(event.failure()).ordinal());
    }

    /**
     * The invocation's figures so far.
     *
     * @return the pool's figures since the start, this invocation's transaction figures
     */
    TxMetrics figures() {
        TxMetrics pool = tx.metrics().since(start);
        EnumMap<RetryCause, Long> retries = new EnumMap<>(RetryCause.class);
        for (RetryCause cause : RetryCause.values()) {
            retries.put(cause, counts.get(RETRIES + cause.ordinal()));
        }
        return new TxMetrics(pool.connectionWaits(), pool.connectionWaitTime(), pool.connectionTimeouts(),
                pool.connectionRejections(), pool.connectionsOpened(), counts.get(COMMITTED), counts.get(ROLLED_BACK),
                counts.get(COMMIT_UNKNOWN), retries);
    }
}
