package dev.txfn.bench;

import dev.txfn.internal.ResultGuard;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link ResultGuard#check(Object)} costs on a typical query result (10,000 flat records), next to
 * what producing that result costs anyway: {@code materializeFromArray} builds the records from rows
 * already in memory (a lower bound on any mapping, with no I/O), {@code readRows} reads them from a real
 * PostgreSQL over plain JDBC. Compare the guard against these baselines from the same run, never against
 * absolute numbers from another machine.
 *
 * <p>{@code readRows} needs a server: {@code TXFN_BENCH_DATABASE_URL} (a {@code jdbc:postgresql:} URL),
 * by default {@value #DEFAULT_URL}. It creates only a temporary table.
 *
 * <p>Run: {@code java -jar samples/bench/target/bench.jar ResultGuardBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// A fixed, pre-touched heap: with the default (a quarter of RAM, untouched) the allocating baselines mostly
// measure first-touch page faults, which made materializeFromArray 30x slower here and the ratio meaningless.
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ResultGuardBenchmark {
    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    static final int ROWS = 10_000;

    /** A row as a handler would return it; every component is a statically safe type. */
    public record Item(long id, String name, String description, Instant createdAt) {}

    private Object[][] rows;
    private List<Item> items;

    /** Builds the pre-fetched rows and the list the guard walks. */
    @Setup
    public void prepare() {
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        rows = new Object[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            rows[i] = new Object[] {(long) i, "thing " + i, "a description of thing number " + i,
                start.plusSeconds(i)};
        }
        items = List.copyOf(materializeFromArray());
    }

    /** The guard on a 10,000-record list. */
    @Benchmark
    public List<Item> guard() {
        ResultGuard.check(items);
        return items;
    }

    /** Baseline: mapping 10,000 rows that are already in memory into records. */
    @Benchmark
    public List<Item> materializeFromArray() {
        List<Item> out = new ArrayList<>(ROWS);
        for (Object[] row : rows) {
            out.add(new Item((Long) row[0], (String) row[1], (String) row[2], (Instant) row[3]));
        }
        return out;
    }

    /** Baseline: reading the same 10,000 rows from PostgreSQL into records over plain JDBC. */
    @Benchmark
    public List<Item> readRows(Database db) throws SQLException {
        List<Item> out = new ArrayList<>(ROWS);
        try (ResultSet rs = db.select.executeQuery()) {
            while (rs.next()) {
                out.add(new Item(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant()));
            }
        }
        return out;
    }

    /** One connection, a temporary table of {@link #ROWS} rows and the prepared select. */
    @State(Scope.Benchmark)
    public static class Database {
        Connection connection;
        PreparedStatement select;

        /**
         * Connects and fills the temporary table.
         *
         * @throws SQLException if the server named by {@code TXFN_BENCH_DATABASE_URL} cannot be reached
         */
        @Setup(Level.Trial)
        public void open() throws SQLException {
            String url = System.getenv().getOrDefault("TXFN_BENCH_DATABASE_URL", DEFAULT_URL);
            connection = DriverManager.getConnection(url);
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("create temporary table bench_item (id bigint primary key, name text not null,"
                        + " description text not null, created_at timestamptz not null)");
                ddl.execute("insert into bench_item select g, 'thing ' || g, 'a description of thing number ' || g,"
                        + " timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second'"
                        + " from generate_series(0, " + (ROWS - 1) + ") g");
            }
            select = connection.prepareStatement("select id, name, description, created_at from bench_item");
        }

        /**
         * Closes the connection, which drops the temporary table.
         *
         * @throws SQLException if closing fails
         */
        @TearDown(Level.Trial)
        public void close() throws SQLException {
            if (connection != null) {
                connection.close();
            }
        }
    }
}
