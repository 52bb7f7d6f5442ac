package dev.txfn.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.bench.BenchSchema.Thing;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Measure 3: the cost of one whole transaction on loopback (no injected delay), so that what differs between
 * implementations is client CPU and the protocol, for a one-row read, a 100-row read into records and a
 * one-row insert (into an unlogged table, truncated at the start of each trial). {@code implementation} is
 * {@code raw-jdbc} (one connection per thread, auto-commit off, prepared statement per transaction,
 * {@code commit()}), {@code jdbi} ({@code jdbi.inTransaction} on HikariCP with its defaults, records mapped by
 * a registered {@code ConstructorMapper}) or {@code txfn} ({@code Tx.inTransaction} on {@code Database});
 * pools hold one connection per benchmark thread.
 *
 * <p>Run by {@link CpuCostMeasure} with 1 and 2 threads, or alone:
 * {@code java -cp bench.jar org.openjdk.jmh.Main CpuCostBenchmark -t 2}. The server is
 * {@link BenchDatabase#shared()}'s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
// A fixed, pre-touched heap, so first-touch page faults land before the measurement rather than in it; small,
// because pre-touching costs start-up time per fork (1 GiB took 4 s on a 2-core VM, 256 MiB 0.6 s).
@Fork(value = 2, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class CpuCostBenchmark {

    /** Which implementation runs the transactions. */
    @Param({"raw-jdbc", "jdbi", "txfn"})
    public String implementation;

    private Workload workload;
    private final AtomicLong inserted = new AtomicLong();

    /**
     * Creates the tables if needed, empties the insert table and opens the implementation's pool.
     *
     * @param params the benchmark's parameters, for the thread count
     * @throws SQLException if the setup DDL fails
     */
    @Setup(Level.Trial)
    public void open(BenchmarkParams params) throws SQLException {
        BenchDatabase database = BenchDatabase.shared();
        BenchSchema.ensure(database);
        BenchSchema.truncateInserted(database);
        DbTarget target = database.direct();
        int threads = params.getThreads();
        workload = switch (implementation) {
            case "raw-jdbc" -> new RawJdbcWorkload(target);
            case "jdbi" -> new JdbiWorkload(target, threads);
            case "txfn" -> new TxfnWorkload(target, threads);
            default -> throw new IllegalArgumentException("unknown implementation " + implementation);
        };
    }

    /** Closes the pool or connections. */
    @TearDown(Level.Trial)
    public void close() {
        if (workload != null) {
            workload.close();
        }
    }

    /**
     * One transaction reading one row into a record.
     *
     * @return the record
     * @throws Exception if the transaction fails
     */
    @Benchmark
    public Thing readOneRow() throws Exception {
        return workload.readOne(42);
    }

    /**
     * One transaction reading 100 rows into a list of records.
     *
     * @return the records
     * @throws Exception if the transaction fails
     */
    @Benchmark
    public List<Thing> readHundredRows() throws Exception {
        return workload.readAll();
    }

    /**
     * One transaction inserting one row.
     *
     * @return the rows inserted
     * @throws Exception if the transaction fails
     */
    @Benchmark
    public int insertOneRow() throws Exception {
        return workload.insert("row " + inserted.incrementAndGet());
    }

    /** The three transactions, as one implementation does them. */
    interface Workload extends AutoCloseable {
        Thing readOne(long id) throws SQLException;

        List<Thing> readAll() throws SQLException;

        int insert(String name) throws SQLException;

        @Override
        void close();
    }

    /** Plain JDBC: a connection per thread, auto-commit off; statements prepared per transaction. */
    static final class RawJdbcWorkload implements Workload {
        private final DbTarget target;
        private final Map<Thread, Connection> connections = new ConcurrentHashMap<>();

        RawJdbcWorkload(DbTarget target) {
            this.target = target;
        }

        private Connection connection() throws SQLException {
            Connection c = connections.get(Thread.currentThread());
            if (c == null) {
                c = target.connect();
                c.setAutoCommit(false);
                connections.put(Thread.currentThread(), c);
            }
            return c;
        }

        @Override
        public Thing readOne(long id) throws SQLException {
            Connection c = connection();
            try (PreparedStatement statement = c.prepareStatement(BenchSchema.SELECT_ONE)) {
                statement.setLong(1, id);
                Thing thing;
                try (ResultSet rs = statement.executeQuery()) {
                    thing = rs.next() ? thing(rs) : null;
                }
                c.commit();
                return thing;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }

        @Override
        public List<Thing> readAll() throws SQLException {
            Connection c = connection();
            try (PreparedStatement statement = c.prepareStatement(BenchSchema.SELECT_ALL);
                    ResultSet rs = statement.executeQuery()) {
                List<Thing> things = new ArrayList<>();
                while (rs.next()) {
                    things.add(thing(rs));
                }
                c.commit();
                return things;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }

        @Override
        public int insert(String name) throws SQLException {
            Connection c = connection();
            try (PreparedStatement statement = c.prepareStatement(BenchSchema.INSERT)) {
                statement.setString(1, name);
                statement.setTimestamp(2, Timestamp.from(Instant.now()));
                int count = statement.executeUpdate();
                c.commit();
                return count;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }

        private static Thing thing(ResultSet rs) throws SQLException {
            return new Thing(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant());
        }

        @Override
        public void close() {
            for (Connection c : connections.values()) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // the trial is over; nothing to repair
                }
            }
            connections.clear();
        }
    }

    /** Jdbi on HikariCP defaults, a records mapper registered. */
    static final class JdbiWorkload implements Workload {
        private final HikariDataSource pool;
        private final Jdbi jdbi;

        JdbiWorkload(DbTarget target, int poolSize) {
            pool = JdbiStyle.defaultHikari(target, poolSize, "cpu-jdbi");
            jdbi = Jdbi.create(pool).registerRowMapper(ConstructorMapper.factory(Thing.class));
        }

        @Override
        public Thing readOne(long id) {
            return jdbi.inTransaction(h -> h.createQuery(BenchSchema.SELECT_ONE).bind(0, id).mapTo(Thing.class)
                    .one());
        }

        @Override
        public List<Thing> readAll() {
            return jdbi.inTransaction(h -> h.createQuery(BenchSchema.SELECT_ALL).mapTo(Thing.class).list());
        }

        @Override
        public int insert(String name) {
            return jdbi.inTransaction(h -> h.createUpdate(BenchSchema.INSERT).bind(0, name).bind(1, Instant.now())
                    .execute());
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    /** txfn: {@code Tx} on {@code Database}; records map out of the box. */
    static final class TxfnWorkload implements Workload {
        private final Database database;
        private final Tx tx;

        TxfnWorkload(DbTarget target, int poolSize) {
            database = TxfnStyle.database(target, poolSize);
            tx = Tx.create(database);
        }

        @Override
        public Thing readOne(long id) {
            return tx.inTransaction(h -> h.createQuery(BenchSchema.SELECT_ONE).bind(0, id).mapTo(Thing.class).one());
        }

        @Override
        public List<Thing> readAll() {
            return tx.inTransaction(h -> h.createQuery(BenchSchema.SELECT_ALL).mapTo(Thing.class).list());
        }

        @Override
        public int insert(String name) {
            return tx.inTransaction(h -> h.createUpdate(BenchSchema.INSERT).bind(0, name).bind(1, Instant.now())
                    .execute());
        }

        @Override
        public void close() {
            database.close();
        }
    }
}
