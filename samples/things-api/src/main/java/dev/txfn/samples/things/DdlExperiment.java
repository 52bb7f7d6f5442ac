package dev.txfn.samples.things;

import dev.txfn.Database;
import dev.txfn.Tx;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The motivating post's measurement as a program: N concurrent simulated containers serve reads, once written
 * the broken way and once through txfn, while an {@code ALTER TABLE ... ADD COLUMN} with a lock timeout tries
 * to get in.
 *
 * <p>The broken way is the Java twin of the post's lazy reload after commit: a container-scoped Jdbi
 * {@link Handle} whose connection has auto-commit off. Its first read opens a transaction that nothing ever
 * ends, so between invocations the session sits {@code idle in transaction} holding an ACCESS SHARE lock on the
 * table. The txfn way reads with {@code tx.readOnly(...)}: each read commits before it returns.
 */
public final class DdlExperiment {
    /** Everything the experiment can be told. */
    public record Settings(int containers, Duration readInterval, Duration warmUp, Duration lockTimeout) {
        static Settings defaults() {
            return new Settings(10, Duration.ofMillis(5), Duration.ofSeconds(1), Duration.ofSeconds(5));
        }
    }

    /** What one run measured. */
    public record Result(String name, Map<String, Long> sessionsByState, long alterMillis, String alterOutcome,
            long readsPerSecond, long readFailures, long probeMillis) {
    }

    private static final int STATE_SAMPLES = 20;

    private final String jdbcUrl;
    private final Properties credentials;
    private final Settings settings;

    public DdlExperiment(String jdbcUrl, Properties credentials, Settings settings) {
        this.jdbcUrl = jdbcUrl;
        this.credentials = credentials;
        this.settings = settings;
    }

    public List<Result> run() throws Exception {
        setUp();
        List<Result> results = new ArrayList<>();
        results.add(runScenario("broken: container-scoped handle, auto-commit off", this::brokenContainer));
        results.add(runScenario("txfn: tx.readOnly per read", this::txfnContainer));
        return results;
    }

    private void setUp() throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("drop table if exists ddl_experiment");
            s.execute("create table ddl_experiment(id int primary key, name text not null)");
            s.execute("insert into ddl_experiment select g, 'thing ' || g from generate_series(1, 1000) g");
        }
    }

    /** One simulated container: reads until told to stop. */
    @FunctionalInterface
    private interface Container {
        void serve(int number, AtomicBoolean running, AtomicLong reads, AtomicLong failures) throws Exception;
    }

    private Result runScenario(String name, Container container) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < settings.containers(); i++) {
            int number = i;
            Thread t = new Thread(() -> {
                try {
                    container.serve(number, running, reads, failures);
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            }, "container-" + i);
            t.start();
            threads.add(t);
        }
        try {
            Thread.sleep(settings.warmUp().toMillis());
            long windowStart = System.nanoTime();
            long readsBefore = reads.get();
            Map<String, Long> states = sessionStates();
            long[] probe = new long[1];
            Thread prober = new Thread(() -> probe[0] = probeRead(), "probe");
            String outcome;
            long alterMillis;
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("set lock_timeout = " + settings.lockTimeout().toMillis());
                prober.start(); // a new client arriving while the ALTER waits
                long start = System.nanoTime();
                try {
                    s.execute("alter table ddl_experiment add column extra_" + System.nanoTime() + " int");
                    outcome = "completed";
                } catch (SQLException e) {
                    outcome = "55P03".equals(e.getSQLState()) ? "lock timeout" : "failed (" + e.getSQLState() + ")";
                }
                alterMillis = (System.nanoTime() - start) / 1_000_000;
            }
            prober.join(settings.lockTimeout().toMillis() * 2);
            // The same window in both runs, whatever the ALTER did, so the read counts compare.
            long windowNanos = settings.lockTimeout().toNanos() + 1_000_000_000L;
            long left = windowNanos - (System.nanoTime() - windowStart);
            if (left > 0) {
                Thread.sleep(left / 1_000_000);
            }
            double seconds = (System.nanoTime() - windowStart) / 1e9;
            long perSecond = Math.round((reads.get() - readsBefore) / seconds);
            return new Result(name, states, alterMillis, outcome, perSecond, failures.get(), probe[0]);
        } finally {
            running.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }

    private void brokenContainer(int number, AtomicBoolean running, AtomicLong reads, AtomicLong failures)
            throws SQLException, InterruptedException {
        Jdbi jdbi = Jdbi.create(() -> connect("ddl-broken"));
        try (Handle handle = jdbi.open()) {
            handle.getConnection().setAutoCommit(false); // scoped to the container, never committed
            while (running.get()) {
                try {
                    handle.createQuery("select name from ddl_experiment where id = :id")
                            .bind("id", 1 + ThreadLocalRandom.current().nextInt(1000)).mapTo(String.class).one();
                    reads.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
                Thread.sleep(settings.readInterval().toMillis());
            }
            handle.getConnection().rollback();
        }
    }

    private void txfnContainer(int number, AtomicBoolean running, AtomicLong reads, AtomicLong failures)
            throws InterruptedException {
        Database.Builder builder = Database.builder().url(jdbcUrl).maximumPoolSize(1).lambda(true)
                .applicationName("ddl-txfn");
        if (credentials.getProperty("user") != null) {
            builder.user(credentials.getProperty("user")).password(credentials.getProperty("password", ""));
        }
        try (Database db = builder.build()) {
            Tx tx = Tx.create(db);
            while (running.get()) {
                try {
                    int id = 1 + ThreadLocalRandom.current().nextInt(1000);
                    tx.readOnly(h -> h.createQuery("select name from ddl_experiment where id = :id")
                            .bind("id", id).mapTo(String.class).one());
                    reads.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
                Thread.sleep(settings.readInterval().toMillis());
            }
        }
    }

    /** How long a fresh client's read takes while the ALTER is waiting for its lock. */
    private long probeRead() {
        long start = System.nanoTime();
        try (Connection c = connect("ddl-probe"); PreparedStatement ps = c.prepareStatement(
                "select name from ddl_experiment where id = 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
        } catch (SQLException e) {
            return -1;
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Sessions by state, averaged over {@link #STATE_SAMPLES} samples 10 ms apart (rounded). */
    private Map<String, Long> sessionStates() throws SQLException, InterruptedException {
        Map<String, Long> totals = new TreeMap<>();
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (int i = 0; i < STATE_SAMPLES; i++) {
                try (ResultSet rs = s.executeQuery("select coalesce(state, 'unknown'), count(*) from pg_stat_activity"
                        + " where application_name in ('ddl-broken', 'ddl-txfn') group by 1")) {
                    while (rs.next()) {
                        totals.merge(rs.getString(1), rs.getLong(2), Long::sum);
                    }
                }
                Thread.sleep(10);
            }
        }
        Map<String, Long> averages = new TreeMap<>();
        totals.forEach((state, total) -> averages.put(state, Math.round(total / (double) STATE_SAMPLES)));
        return averages;
    }

    private Connection admin() throws SQLException {
        return connect("ddl-admin");
    }

    private Connection connect(String applicationName) throws SQLException {
        Properties p = new Properties();
        p.putAll(credentials);
        p.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /** Prints the side-by-side table. */
    static void print(List<Result> results, Settings settings, PrintStream out) {
        out.printf("%d containers reading one row every %d ms; ALTER TABLE ... ADD COLUMN with lock_timeout %d ms%n%n",
                settings.containers(), settings.readInterval().toMillis(), settings.lockTimeout().toMillis());
        out.printf("| %-48s | %-26s | %-26s |%n", "", "broken", "txfn");
        out.printf("|%s|%s|%s|%n", "-".repeat(50), "-".repeat(28), "-".repeat(28));
        for (String state : List.of("active", "idle", "idle in transaction")) {
            out.printf("| %-48s | %-26s | %-26s |%n", "sessions " + state + " (mean of " + STATE_SAMPLES + " samples)",
                    results.get(0).sessionsByState().getOrDefault(state, 0L),
                    results.get(1).sessionsByState().getOrDefault(state, 0L));
        }
        out.printf("| %-48s | %-26s | %-26s |%n", "ALTER TABLE ... ADD COLUMN", alter(results.get(0)),
                alter(results.get(1)));
        out.printf("| %-48s | %-26s | %-26s |%n", "a new client's read while the ALTER waits",
                results.get(0).probeMillis() + " ms", results.get(1).probeMillis() + " ms");
        out.printf("| %-48s | %-26s | %-26s |%n", "reads served per second (failed reads)",
                results.get(0).readsPerSecond() + " (" + results.get(0).readFailures() + ")",
                results.get(1).readsPerSecond() + " (" + results.get(1).readFailures() + ")");
    }

    private static String alter(Result r) {
        return r.alterOutcome() + " after " + r.alterMillis() + " ms";
    }
}
