package dev.txfn.bench;

import dev.txfn.bench.BenchSchema.Thing;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.postgres.PostgresPlugin;
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
import org.openjdk.jmh.infra.IterationParams;

/**
 * A profiling aid, not a measure of the harness: {@link CpuCostBenchmark}'s workloads, plus the client thread's
 * own CPU time per transaction ({@code ThreadMXBean}), printed per measured iteration as
 * {@code CLIENT-CPU <benchmark> <implementation> <threads> <ns/op>}. Wall time on a 2-core machine mixes the
 * server's CPU into the client's; this separates them. {@code jdbi-pg} is Jdbi with the PostgreSQL plugin
 * installed, as txfn has it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class ProfileClientCpuBenchmark {

    /** Which implementation runs the transactions. */
    @Param({"raw-jdbc", "jdbi", "jdbi-pg", "txfn"})
    public String implementation;

    private CpuCostBenchmark.Workload workload;
    private final AtomicLong inserted = new AtomicLong();

    /** Per-thread CPU accounting. */
    @State(Scope.Thread)
    public static class ClientCpu {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        long startCpu;
        long ops;

        /** Starts counting. */
        @Setup(Level.Iteration)
        public void start() {
            ops = 0;
            startCpu = THREADS.getCurrentThreadCpuTime();
        }

        /**
         * Prints this thread's CPU per operation for the iteration.
         *
         * @param benchmark the benchmark's parameters
         * @param iteration the iteration's parameters
         */
        @TearDown(Level.Iteration)
        public void stop(BenchmarkParams benchmark, IterationParams iteration) {
            long cpu = THREADS.getCurrentThreadCpuTime() - startCpu;
            if (ops > 0 && iteration.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT) {
                String name = benchmark.getBenchmark();
                System.out.println("CLIENT-CPU " + name.substring(name.lastIndexOf('.') + 1) + " "
                        + benchmark.getParam("implementation") + " " + benchmark.getThreads() + " " + cpu / ops);
            }
        }
    }

    /**
     * Opens the implementation's pool.
     *
     * @param params the benchmark's parameters
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
            case "raw-jdbc" -> new CpuCostBenchmark.RawJdbcWorkload(target);
            case "jdbi" -> new CpuCostBenchmark.JdbiWorkload(target, threads);
            case "jdbi-pg" -> new PgJdbiWorkload(target, threads);
            case "txfn" -> new CpuCostBenchmark.TxfnWorkload(target, threads);
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
     * One 1-row read.
     *
     * @param cpu the thread's accounting
     * @return the record
     * @throws Exception if the transaction fails
     */
    @Benchmark
    public Thing readOneRow(ClientCpu cpu) throws Exception {
        cpu.ops++;
        return workload.readOne(42);
    }

    /**
     * One 100-row read.
     *
     * @param cpu the thread's accounting
     * @return the records
     * @throws Exception if the transaction fails
     */
    @Benchmark
    public List<Thing> readHundredRows(ClientCpu cpu) throws Exception {
        cpu.ops++;
        return workload.readAll();
    }

    /**
     * One 1-row insert.
     *
     * @param cpu the thread's accounting
     * @return the rows inserted
     * @throws Exception if the transaction fails
     */
    @Benchmark
    public int insertOneRow(ClientCpu cpu) throws Exception {
        cpu.ops++;
        return workload.insert("row " + inserted.incrementAndGet());
    }

    /** Jdbi with the PostgreSQL plugin, otherwise as {@link CpuCostBenchmark.JdbiWorkload}. */
    static final class PgJdbiWorkload implements CpuCostBenchmark.Workload {
        private final Jdbi jdbi;
        private final com.zaxxer.hikari.HikariDataSource pool;

        PgJdbiWorkload(DbTarget target, int poolSize) {
            pool = JdbiStyle.defaultHikari(target, poolSize, "cpu-jdbi-pg");
            jdbi = Jdbi.create(pool).installPlugin(new PostgresPlugin())
                    .registerRowMapper(ConstructorMapper.factory(Thing.class));
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
            return jdbi.inTransaction(h -> h.createUpdate(BenchSchema.INSERT).bind(0, name)
                    .bind(1, java.time.Instant.now()).execute());
        }

        @Override
        public void close() {
            pool.close();
        }
    }
}
