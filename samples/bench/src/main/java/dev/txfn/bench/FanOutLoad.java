package dev.txfn.bench;

import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.TxException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many simulated Lambda containers at once, for {@link PoolerFanOutMeasure}: one thread per container, each with
 * its own txfn {@link Database} (a pool of one, Lambda tuning, {@code transactionPooling(true)}), running short
 * read-write transactions back to back (a SELECT and an UPDATE of a random row of {@value #TABLE}); then every
 * pool is closed. The containers cold-start spread evenly over a ramp-up (500 sandboxes do not start in the same
 * millisecond), then transactions and their latencies are counted over the measured window; failures are counted
 * over the whole run, ramp-up included. Meanwhile a sampler counts the server's client backends. Each instance is
 * run once, from one thread.
 */
final class FanOutLoad {

    /** The table the containers read and update. */
    static final String TABLE = "txfn_bench_fanout";

    /** How many rows it holds. */
    static final int ROWS = 10_000;

    /** Latency samples kept per container, at most: bounds memory whatever the speed. */
    private static final int MAX_SAMPLES_PER_CONTAINER = 1 << 18;

    /**
     * What a run measured.
     *
     * @param containers how many containers ran
     * @param containersServed how many completed at least one transaction
     * @param transactions transactions begun in the measured window and completed
     * @param errors failed transactions, over the whole run
     * @param errorsByKind failures by exception class and SQLSTATE
     * @param seconds the measured window
     * @param p50Millis median transaction latency (completed ones), ms
     * @param p99Millis 99th percentile, ms
     * @param maxServerConnections the most client backends the server had at one sample
     */
    record Outcome(int containers, int containersServed, long transactions, long errors,
            Map<String, Long> errorsByKind, double seconds, double p50Millis, double p99Millis,
            int maxServerConnections) {

        Outcome {
            errorsByKind = Map.copyOf(errorsByKind);
        }
    }

    private final String clientUrl;
    private final String adminUrl;
    private final int containers;
    private final Duration rampUp;
    private final Duration duration;

    /**
     * A load.
     *
     * @param clientUrl where the containers connect (PgBouncer or the server itself)
     * @param adminUrl the server itself, for the sampler
     * @param containers how many containers
     * @param rampUp over how long the containers start, before the measured window
     * @param duration the measured window
     */
    FanOutLoad(String clientUrl, String adminUrl, int containers, Duration rampUp, Duration duration) {
        this.clientUrl = clientUrl;
        this.adminUrl = adminUrl;
        this.containers = containers;
        this.rampUp = rampUp;
        this.duration = duration;
    }

    /**
     * Creates and fills {@value #TABLE}.
     *
     * @param adminUrl the server
     * @throws SQLException if the DDL fails
     */
    static void createTable(String adminUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("drop table if exists " + TABLE);
            s.execute("create table " + TABLE + " (id int primary key, counter bigint not null default 0)");
            s.execute("insert into " + TABLE + " (id) select generate_series(1, " + ROWS + ")");
        }
    }

    /**
     * Runs the containers for the duration and waits for all of them to finish.
     *
     * @return what was measured
     * @throws SQLException if the sampler cannot connect
     * @throws InterruptedException if interrupted; the containers are told to stop
     */
    Outcome run() throws SQLException, InterruptedException {
        CountDownLatch ready = new CountDownLatch(containers);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(false);
        LongAdder errors = new LongAdder();
        LongAdder completed = new LongAdder();
        AtomicInteger served = new AtomicInteger();
        Map<String, Long> errorsByKind = new ConcurrentHashMap<>();
        long[][] samples = new long[containers][];
        int[] counts = new int[containers];
        List<Thread> threads = new ArrayList<>();
        // Connected before the containers, so that it has a slot even when they exhaust max_connections.
        try (Connection admin = DriverManager.getConnection(adminUrl)) {
            for (int i = 0; i < containers; i++) {
                int number = i;
                Thread t = new Thread(() -> container(number, ready, go, running, measuring, completed, errors,
                        served, errorsByKind, samples, counts), "fanout-container-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            ready.await();
            int maxServerConnections = 0;
            long windowStart;
            long windowEnd;
            try {
                go.countDown();
                maxServerConnections = sampleUntil(admin, System.nanoTime() + rampUp.toNanos(), 0);
                measuring.set(true);
                windowStart = System.nanoTime();
                maxServerConnections = sampleUntil(admin, windowStart + duration.toNanos(), maxServerConnections);
                measuring.set(false);
                windowEnd = System.nanoTime();
            } finally {
                running.set(false);
                go.countDown();
                for (Thread t : threads) {
                    t.join(60_000);
                }
            }
            double seconds = (windowEnd - windowStart) / 1e9;
            return outcome(samples, counts, served.get(), completed.sum(), errors.sum(), errorsByKind, seconds,
                    maxServerConnections);
        }
    }

    private void container(int number, CountDownLatch ready, CountDownLatch go, AtomicBoolean running,
            AtomicBoolean measuring, LongAdder completed, LongAdder errors, AtomicInteger served,
            Map<String, Long> errorsByKind, long[][] samples, int[] counts) {
        long[] latencies = new long[1024];
        int count = 0;
        long done = 0;
        boolean succeeded = false;
        boolean readied = false;
        try (Database db = Database.builder().url(clientUrl).maximumPoolSize(1).lambda(true).transactionPooling(true)
                .applicationName("txfn-bench-fanout").build()) {
            Tx tx = Tx.create(db);
            ready.countDown();
            readied = true;
            go.await();
            Thread.sleep(rampUp.toMillis() * number / containers); // this container's cold start
            while (running.get()) {
                int id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
                boolean counted = measuring.get();
                long started = System.nanoTime();
                try {
                    tx.useTransaction(h -> {
                        h.createQuery("select counter from " + TABLE + " where id = :id").bind("id", id)
                                .mapTo(Long.class).one();
                        h.createUpdate("update " + TABLE + " set counter = counter + 1 where id = :id").bind("id", id)
                                .execute();
                    });
                    long nanos = System.nanoTime() - started;
                    succeeded = true;
                    if (!counted) {
                        continue;
                    }
                    done++;
                    if (count == latencies.length && count < MAX_SAMPLES_PER_CONTAINER) {
                        latencies = Arrays.copyOf(latencies, Math.min(count * 2, MAX_SAMPLES_PER_CONTAINER));
                    }
                    if (count < latencies.length) {
                        latencies[count++] = nanos;
                    }
                } catch (RuntimeException e) { // TxException, or whatever a bug let through: counted all the same
                    errors.increment();
                    String state = e instanceof TxException failure ? failure.sqlState() : null;
                    errorsByKind.merge(e.getClass().getSimpleName() + (state == null ? "" : " (SQLSTATE " + state
                            + ")"), 1L, Long::sum);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!readied) {
                ready.countDown(); // building failed: never leave the starter waiting
            }
            completed.add(done);
            if (succeeded) {
                served.incrementAndGet();
            }
            synchronized (samples) {
                samples[number] = latencies;
                counts[number] = count;
            }
        }
    }

    private Outcome outcome(long[][] samples, int[] counts, int served, long transactions, long errors,
            Map<String, Long> errorsByKind, double seconds, int maxServerConnections) {
        long[] all;
        int total = 0;
        synchronized (samples) {
            for (int c : counts) {
                total += c;
            }
            all = new long[total];
            int at = 0;
            for (int i = 0; i < samples.length; i++) {
                if (samples[i] != null) {
                    System.arraycopy(samples[i], 0, all, at, counts[i]);
                    at += counts[i];
                }
            }
        }
        Arrays.sort(all);
        // Completed transactions are counted in full even where a container's samples were capped.
        return new Outcome(containers, served, transactions, errors, new TreeMap<>(errorsByKind), seconds,
                Percentiles.nearestRankMillis(all, all.length, 50), Percentiles.nearestRankMillis(all, all.length, 99),
                maxServerConnections);
    }

    /** Samples the server's client backends every 500 ms until {@code end}; returns the most seen. */
    private static int sampleUntil(Connection admin, long end, int maxSoFar) throws SQLException,
            InterruptedException {
        int max = maxSoFar;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.max(1, Math.min(500, (end - System.nanoTime()) / 1_000_000)));
            max = Math.max(max, clientBackends(admin));
        }
        return max;
    }

    private static int clientBackends(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
                "select count(*) from pg_stat_activity where backend_type = 'client backend'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
