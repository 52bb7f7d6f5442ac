package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test support: a few threads inserting unique ids through one {@link Tx}, each write a transaction of its own
 * with a deadline, while a test breaks the server; what became of every write is kept (acknowledged, failed and
 * how, when it started) and checked against what the server stored. The table needs only a {@code bigint} column
 * {@code id} and must not be unique on it: a write stored twice must show. Thread-safe.
 */
final class ConcurrentWrites implements AutoCloseable {
    private final Tx tx;
    private final String insert;
    private final Duration deadline;
    private final ExecutorService threads;
    private final List<Future<?>> running = new ArrayList<>();
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, Long> startedAt = new ConcurrentHashMap<>();
    private final Map<Long, Long> acknowledgedAt = new ConcurrentHashMap<>();
    private final Map<Long, TxException> failed = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    private ConcurrentWrites(Tx tx, String table, int writers, Duration deadline) {
        this.tx = tx;
        this.insert = "insert into " + table + "(id) values (?)";
        this.deadline = deadline;
        this.threads = Executors.newFixedThreadPool(writers);
    }

    /** Starts {@code writers} threads writing back to back, each write given {@code deadline} from its start. */
    static ConcurrentWrites start(Tx tx, String table, int writers, Duration deadline) {
        ConcurrentWrites writes = new ConcurrentWrites(tx, table, writers, deadline);
        for (int i = 0; i < writers; i++) {
            writes.running.add(writes.threads.submit(writes::writeUntilStopped));
        }
        return writes;
    }

    private void writeUntilStopped() {
        while (!stopping) {
            long id = nextId.incrementAndGet();
            startedAt.put(id, System.nanoTime());
            try {
                tx.withDeadline(Instant.now().plus(deadline)).useTransaction(h -> h.execute(insert, id));
                acknowledgedAt.put(id, System.nanoTime());
            } catch (TxException e) {
                failed.put(id, e);
            }
            try {
                Thread.sleep(2); // a writer, not a load generator: the machine is shared
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Returns once at least {@code count} writes were acknowledged in all; fails after 20 s. */
    void awaitAcknowledged(int count) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (acknowledgedAt.size() < count) {
            assertThat(System.nanoTime() - giveUp).as("%s acknowledged writes, awaited %s; failures: %s",
                    acknowledgedAt.size(), count, failed).isNegative();
            Thread.sleep(5);
        }
    }

    /** Returns once a write is acknowledged at or after {@code nanos} ({@link System#nanoTime()}); fails after 20 s. */
    long awaitAcknowledgedAfter(long nanos) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (firstAcknowledgedAfter(nanos).isEmpty()) {
            assertThat(System.nanoTime() - giveUp).as("a write acknowledged after the fault; failures: %s", failed)
                    .isNegative();
            Thread.sleep(5);
        }
        return firstAcknowledgedAfter(nanos).getAsLong();
    }

    /** When the first write acknowledged at or after {@code nanos} was, on the {@link System#nanoTime()} scale. */
    OptionalLong firstAcknowledgedAfter(long nanos) {
        return acknowledgedAt.values().stream().mapToLong(Long::longValue).filter(t -> t - nanos >= 0).min();
    }

    /** Stops the writers and waits for each to finish its write in progress. */
    void stop() throws Exception {
        stopping = true;
        for (Future<?> writer : running) {
            writer.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
    }

    /** The failed writes that started at or after {@code nanos}: a fault then must be waited out, not reported. */
    Map<Long, TxException> failedStartingAfter(long nanos) {
        Map<Long, TxException> late = new ConcurrentHashMap<>(failed);
        late.keySet().removeIf(id -> startedAt.get(id) - nanos < 0);
        return late;
    }

    /** How many writes were acknowledged in [{@code from}, {@code to}) ({@link System#nanoTime()}). */
    long acknowledgedBetween(long from, long to) {
        return acknowledgedAt.values().stream().filter(t -> t - from >= 0 && t - to < 0).count();
    }

    /** How many writes that started before {@code nanos} were acknowledged after it: they waited a fault out. */
    long acknowledgedAfterStartingBefore(long nanos) {
        return acknowledgedAt.entrySet().stream()
                .filter(e -> startedAt.get(e.getKey()) - nanos < 0 && e.getValue() - nanos >= 0).count();
    }

    Map<Long, TxException> failed() {
        return Map.copyOf(failed);
    }

    int acknowledged() {
        return acknowledgedAt.size();
    }

    /**
     * Checks the writers' view against {@code stored}, the ids the server holds: every acknowledged write is
     * stored, none twice; a write that failed is not stored unless its failure said the outcome was unknown
     * ({@link CommitOutcomeUnknownException}, the only failure allowed besides a {@link ConnectionLostException}
     * with work in flight). Call after {@link #stop()}.
     *
     * @return how many writes of unknown outcome had in fact committed
     */
    int assertLostNothingAndStoredNothingTwice(List<Long> stored) {
        assertThat(stored).as("stored ids").doesNotHaveDuplicates().containsAll(acknowledgedAt.keySet());
        assertThat(failed.values()).allSatisfy(e -> assertThat(e).isInstanceOfAny(
                CommitOutcomeUnknownException.class, ConnectionLostException.class));
        Set<Long> storedIds = new HashSet<>(stored);
        int unknownCommitted = 0;
        for (Map.Entry<Long, TxException> f : failed.entrySet()) {
            boolean unknown = f.getValue() instanceof CommitOutcomeUnknownException;
            if (storedIds.contains(f.getKey())) {
                assertThat(unknown).as("write %s was reported failed (%s) but is stored", f.getKey(), f.getValue())
                        .isTrue();
                unknownCommitted++;
            }
        }
        storedIds.removeAll(acknowledgedAt.keySet());
        storedIds.removeAll(failed.keySet());
        assertThat(storedIds).as("stored but never written").isEmpty();
        return unknownCommitted;
    }

    /** Stops the writers, if {@link #stop()} did not, and waits up to 60 s for them. */
    @Override
    public void close() {
        stopping = true;
        threads.shutdown();
        try {
            assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).as("writers stopped").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the writers", e);
        }
    }
}
