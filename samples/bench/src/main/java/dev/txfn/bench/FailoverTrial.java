package dev.txfn.bench;

import dev.txfn.TxException;
import dev.txfn.testing.RoundTripCounter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One trial of {@link FailoverMeasure}: every implementation writing through the endpoint on a thread of its own,
 * a fault, then a wait until each has written again after the endpoint named a writable server (or the trial gives
 * up). Not thread-safe; run once.
 */
final class FailoverTrial {

    /** Starts the fault and returns when the endpoint named the writable server ({@link System#nanoTime()}). */
    @FunctionalInterface
    interface Fault {
        long inject() throws InterruptedException;
    }

    /**
     * What each implementation saw.
     *
     * @param implementations the figures of each implementation
     */
    record Outcome(Map<Implementation, PerImplementation> implementations) {

        PerImplementation of(Implementation implementation) {
            return implementations.get(implementation);
        }

        /**
         * @param firstSuccessNanos from the switch to the first successful write, or -1 if there was none
         * @param errorsBeforeSwitch failed writes that ended before the switch, once the fault began
         * @param errorsAfterSwitch failed writes that ended after the switch
         * @param errorKinds failed writes by exception and SQLSTATE
         */
        record PerImplementation(long firstSuccessNanos, long errorsBeforeSwitch, long errorsAfterSwitch,
                Map<String, Integer> errorKinds) {
        }
    }

    private static final AtomicLong IDS = new AtomicLong();

    private final RoundTripCounter endpoint;
    private final List<Implementation> implementations;
    private final Duration deadline;
    private final Duration pause;
    private final Map<Implementation, Writes> writes = new LinkedHashMap<>();
    private volatile boolean stopping;
    private volatile long faultStarted = Long.MAX_VALUE;

    FailoverTrial(RoundTripCounter endpoint, List<Implementation> implementations, Duration deadline,
            Duration pause) {
        this.endpoint = endpoint;
        this.implementations = implementations;
        this.deadline = deadline;
        this.pause = pause;
    }

    /** What one writer saw; written by its thread, read by the trial's. */
    private static final class Writes {
        final List<Long> successes = new ArrayList<>(); // guarded by this
        final List<Long> errors = new ArrayList<>(); // guarded by this
        final Map<String, Integer> kinds = new ConcurrentHashMap<>();
    }

    Outcome run(Fault fault, Duration giveUp) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<FailoverWriter> writers = new ArrayList<>();
        long started = System.nanoTime();
        long switched;
        try {
            for (Implementation implementation : implementations) {
                FailoverWriter writer = FailoverWriter.open(implementation,
                        new DbTarget(endpoint.jdbcUrl("postgres", "postgres"), ""), deadline);
                writers.add(writer);
                Writes w = new Writes();
                writes.put(implementation, w);
                Thread thread = new Thread(() -> writeUntilStopped(writer, w), "bench-failover-" + implementation.key());
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            if (!awaitEach(3, started, Duration.ofSeconds(30))) {
                throw new IllegalStateException("the writers did not warm up within 30 s: " + errorKinds());
            }
            faultStarted = System.nanoTime();
            switched = fault.inject();
            awaitEach(1, switched, giveUp);
            Thread.sleep(200); // errors right behind the first success count too
        } finally {
            stopping = true;
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            writers.forEach(FailoverWriter::close);
        }
        Map<Implementation, Outcome.PerImplementation> figures = new LinkedHashMap<>();
        writes.forEach((implementation, w) -> figures.put(implementation, figures(w, switched)));
        return new Outcome(figures);
    }

    private Outcome.PerImplementation figures(Writes w, long switched) {
        synchronized (w) {
            long first = w.successes.stream().filter(t -> t - switched >= 0).mapToLong(t -> t - switched).min()
                    .orElse(-1);
            long before = w.errors.stream().filter(t -> t - faultStarted >= 0 && t - switched < 0).count();
            long after = w.errors.stream().filter(t -> t - switched >= 0).count();
            return new Outcome.PerImplementation(first, before, after, Map.copyOf(w.kinds));
        }
    }

    private void writeUntilStopped(FailoverWriter writer, Writes w) {
        while (!stopping) {
            try {
                writer.write(IDS.incrementAndGet());
                synchronized (w) {
                    w.successes.add(System.nanoTime());
                }
            } catch (Exception e) {
                long now = System.nanoTime();
                synchronized (w) {
                    w.errors.add(now);
                }
                w.kinds.merge(kind(e), 1, Integer::sum);
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits until every writer has {@code count} successes after {@code since}; false after {@code giveUp}. */
    private boolean awaitEach(int count, long since, Duration giveUp) throws InterruptedException {
        long end = System.nanoTime() + giveUp.toNanos();
        while (System.nanoTime() - end < 0) {
            boolean all = writes.values().stream().allMatch(w -> {
                synchronized (w) {
                    return w.successes.stream().filter(t -> t - since >= 0).count() >= count;
                }
            });
            if (all) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    private Map<Implementation, Map<String, Integer>> errorKinds() {
        Map<Implementation, Map<String, Integer>> kinds = new LinkedHashMap<>();
        writes.forEach((implementation, w) -> kinds.put(implementation, Map.copyOf(w.kinds)));
        return kinds;
    }

    /** The exception's simple name and the SQLSTATE of the first SQL exception behind it. */
    static String kind(Throwable e) {
        String state = e instanceof TxException tx ? tx.sqlState() : null;
        for (Throwable t = e; t != null && state == null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                state = sql.getSQLState();
            }
        }
        return e.getClass().getSimpleName() + (state == null ? "" : " " + state);
    }
}
