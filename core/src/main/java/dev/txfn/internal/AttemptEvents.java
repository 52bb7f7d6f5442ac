package dev.txfn.internal;

import dev.txfn.TxEvent;
import dev.txfn.TxException;
import dev.txfn.TxListener;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the {@link TxListener} and the transaction's trace about attempts, and counts them in
 * {@link TxCounters}. Builds no event at all for the no-op listener (the default), and never lets a listener's
 * exception disturb the transaction. Immutable and thread-safe.
 */
final class AttemptEvents {
    private static final Logger LOG = LoggerFactory.getLogger(AttemptEvents.class);

    private final TxListener listener;
    private final boolean silent;
    private final TxCounters counters;

    AttemptEvents(TxListener listener, TxCounters counters) {
        this.listener = listener;
        this.counters = counters;
        this.silent = listener == LoggingTxListener.NOOP;
    }

    void begin(Attempt attempt) {
        attempt.trace().attemptBegan(attempt.number());
        if (!silent) {
            try {
                listener.onBegin(event(attempt, null, true));
            } catch (RuntimeException e) {
                LOG.warn("TxListener.onBegin failed", e);
            }
        }
    }

    void committed(Attempt attempt) {
        counters.committed();
        attempt.trace().committed();
        if (!silent) {
            try {
                listener.onCommit(event(attempt, null, false));
            } catch (RuntimeException e) {
                LOG.warn("TxListener.onCommit failed", e);
            }
        }
    }

    void rolledBack(Attempt attempt, Throwable failure) {
        counters.rolledBack(failure);
        if (!silent) {
            try {
                listener.onRollback(event(attempt, failure, false));
            } catch (RuntimeException e) {
                LOG.warn("TxListener.onRollback failed", e);
            }
        }
    }

    void retrying(Attempt attempt, Throwable failure, Duration backoff) {
        counters.retrying(failure);
        attempt.trace().retrying(attempt.number(), failure, backoff);
        if (!silent) {
            try {
                listener.onRetry(event(attempt, failure, false), backoff);
            } catch (RuntimeException e) {
                LOG.warn("TxListener.onRetry failed", e);
            }
        }
    }

    private static TxEvent event(Attempt attempt, Throwable failure, boolean begin) {
        String state = null;
        if (failure instanceof TxException t) {
            state = t.sqlState();
        } else if (failure != null) {
            SQLException sql = FailureClassifier.findSqlException(failure);
            state = sql == null ? null : sql.getSQLState();
        }
        Duration elapsed = begin ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - attempt.startNanos());
        return new TxEvent(attempt.number(), attempt.options().readOnly(), elapsed, attempt.completedStatements(),
                state, failure);
    }
}
