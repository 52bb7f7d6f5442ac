package dev.txfn;

import dev.txfn.internal.LoggingTxListener;
import java.time.Duration;

/**
 * Observes transactions: each attempt's begin and its commit or rollback, and each retry. Called on the
 * thread running the transaction, synchronously, so implementations must be quick and must not start
 * transactions; an exception thrown by a listener is logged and otherwise ignored.
 *
 * <p>Implementations must be thread-safe: one listener serves every thread using the {@link Tx}.
 */
public interface TxListener {

    /**
     * An attempt is about to take a connection and begin.
     *
     * @param event the attempt
     */
    default void onBegin(TxEvent event) {
    }

    /**
     * An attempt committed.
     *
     * @param event the attempt, its duration and statement count
     */
    default void onCommit(TxEvent event) {
    }

    /**
     * An attempt was rolled back (or the server had already ended it).
     *
     * @param event the attempt and the failure that ended it
     */
    default void onRollback(TxEvent event) {
    }

    /**
     * A failed attempt is about to be re-run after {@code backoff}.
     *
     * @param event the attempt that failed
     * @param backoff how long txfn waits before the next attempt
     */
    default void onRetry(TxEvent event, Duration backoff) {
    }

    /**
     * A listener that does nothing.
     *
     * @return the no-op listener
     */
    static TxListener noop() {
        return LoggingTxListener.NOOP;
    }

    /**
     * A listener that logs through SLF4J (logger {@code dev.txfn.Tx}): commits at DEBUG, rollbacks at DEBUG
     * (INFO when caused by a database failure), retries at WARN. Never logs SQL parameters or setting values.
     *
     * @return the logging listener
     */
    static TxListener logging() {
        return LoggingTxListener.INSTANCE;
    }
}
