package dev.txfn.internal;

import dev.txfn.Tx;
import dev.txfn.TxFn;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Tx#warmUp()}: once per runner family, one read-only transaction on a daemon thread. Its transaction is
 * a {@link TxFn#query one-flight query}, so {@code BEGIN} and {@code COMMIT} reach the server in one message and
 * a Lambda environment frozen right after init can never hold it open between the two. While it runs, its thread
 * is known, so that {@link Tx#settle()} and {@link Tx#openTransactions()} leave its transaction and connection
 * out: they are txfn's, not the application's. Thread-safe.
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(Tx.class);
    /** The warm-up transaction's deadline, from its start. */
    static final Duration LIMIT = Duration.ofSeconds(10);

    private final AtomicReference<CompletableFuture<Void>> outcome = new AtomicReference<>();
    private volatile Thread running;

    /** The warm-up's row: mapping it loads the record mapper too. */
    private record Row(int one) {
    }

    /**
     * Starts the warm-up through {@code quiet} (a runner with no listener), unless it was started before.
     *
     * @return a copy of the outcome, so that no caller can complete it
     */
    CompletableFuture<Void> start(Tx quiet) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!outcome.compareAndSet(null, done)) {
            return outcome.get().copy();
        }
        Thread thread = new Thread(() -> {
            Throwable failure = null;
            try {
                quiet.withDeadline(Instant.now().plus(LIMIT)).readOnly(TxFn.query("select 1 as one",
                        q -> q.mapTo(Row.class).one()));
            } catch (Throwable e) { // NOPMD: whatever it is, the future must complete
                failure = e;
            } finally {
                running = null; // before completing: whoever sees the outcome sees it no longer running
            }
            if (failure == null) {
                done.complete(null);
            } else {
                LOG.warn("txfn warm-up failed; the first transaction will connect on its own: {}",
                        failure.toString());
                done.completeExceptionally(failure);
            }
        }, "txfn-warm-up");
        thread.setDaemon(true);
        running = thread;
        thread.start();
        return done.copy();
    }

    /** Whether the calling thread is the warm-up's. */
    boolean isRunningOnThisThread() {
        return running == Thread.currentThread();
    }

    /** The warm-up's thread while it runs, else {@code null}. */
    Thread runningThread() {
        return running;
    }
}
