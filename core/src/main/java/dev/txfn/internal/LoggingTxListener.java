package dev.txfn.internal;

import dev.txfn.Tx;
import dev.txfn.TxEvent;
import dev.txfn.TxListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners {@link TxListener#noop()} and {@link TxListener#logging()}. Logs attempt numbers, durations,
 * statement counts and SQLSTATEs; never SQL parameters or setting values.
 */
public final class LoggingTxListener implements TxListener {
    /** Does nothing. */
    public static final TxListener NOOP = new TxListener() { };
    /** Logs through SLF4J. */
    public static final TxListener INSTANCE = new LoggingTxListener();

    private static final Logger LOG = LoggerFactory.getLogger(Tx.class);

    private LoggingTxListener() {
    }

    @Override
    public void onCommit(TxEvent event) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("committed attempt={} statements={} elapsedMs={} readOnly={}", event.attempt(),
                    event.statements(), millis(event.elapsed()), event.readOnly());
        }
    }

    @Override
    public void onRollback(TxEvent event) {
        if (event.sqlState() != null) {
            LOG.info("rolled back attempt={} statements={} elapsedMs={} sqlState={} failure={}", event.attempt(),
                    event.statements(), millis(event.elapsed()), event.sqlState(), failureType(event));
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("rolled back attempt={} statements={} elapsedMs={} failure={}", event.attempt(),
                    event.statements(), millis(event.elapsed()), failureType(event));
        }
    }

    @Override
    public void onRetry(TxEvent event, Duration backoff) {
        LOG.warn("retrying after attempt={} sqlState={} failure={} backoffMs={}", event.attempt(), event.sqlState(),
                failureType(event), millis(backoff));
    }

    private static String failureType(TxEvent event) {
        return event.failure() == null ? "none" : event.failure().getClass().getSimpleName();
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1_000_000.0;
    }
}
