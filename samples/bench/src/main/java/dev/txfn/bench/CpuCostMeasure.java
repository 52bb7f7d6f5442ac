package dev.txfn.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Measure 3: runs {@link CpuCostBenchmark} under JMH with 1 and then 2 threads and reports, per workload and
 * thread count, microseconds per transaction for raw JDBC, Jdbi and txfn with the ratios txfn / raw JDBC and
 * txfn / Jdbi from the same run. JMH's own output goes to {@value #LOG_FILE} in the working directory.
 * Not thread-safe.
 */
public final class CpuCostMeasure implements Measure {

    /** Where JMH's human-readable output goes. */
    static final String LOG_FILE = "bench-jmh.log";

    private static final Map<String, String> WORKLOADS = workloads();

    private static Map<String, String> workloads() {
        Map<String, String> workloads = new LinkedHashMap<>();
        workloads.put("readOneRow", "1-row read into a record");
        workloads.put("readHundredRows", "100-row read into records");
        workloads.put("insertOneRow", "1-row insert (unlogged table)");
        return workloads;
    }

    @Override
    public String name() {
        return "cpu-cost";
    }

    @Override
    public String title() {
        return "3. CPU cost per transaction on loopback (JMH)";
    }

    @Override
    public String description() {
        return "Average µs per whole transaction (BEGIN ... COMMIT) straight to the server on loopback, no"
                + " injected delay, from JMH (`CpuCostBenchmark`: one JVM fork per benchmark, pools of one"
                + " connection per thread). Raw JDBC holds one connection per thread with auto-commit off; Jdbi"
                + " runs `jdbi.inTransaction` on HikariCP defaults; txfn runs `tx.inTransaction` on `Database`."
                + " The server shares the machine's cores, so with 2 threads the figures include contention."
                + " Target: txfn within 10% of raw JDBC and not slower than Jdbi. `--quick` runs one short fork"
                + " per benchmark (3 × 1 s warm-up, 2 × 1 s measured): indicative only, quote a full run. JMH's"
                + " log: `" + LOG_FILE + "`.";
    }

    @Override
    public List<CaseResult> run(BenchContext context, boolean quick) throws Exception {
        BenchSchema.ensure(context.database());
        String handOver = context.database().handOver();
        List<CaseResult> results = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            Collection<RunResult> runs = new Runner(options(quick, threads, handOver).build()).run();
            results.addAll(results(runs, threads));
        }
        return results;
    }

    private static ChainedOptionsBuilder options(boolean quick, int threads, String handOver) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(CpuCostBenchmark.class.getName().replace(".", "\\.") + "\\.")
                .threads(threads)
                .jvmArgsAppend("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", handOver)
                .shouldFailOnError(true)
                .output(Path.of(LOG_FILE).toAbsolutePath().toString() + (threads == 1 ? "" : "." + threads))
                .verbosity(VerboseMode.NORMAL);
        if (quick) {
            // ~6.5 s per fork, 18 forks: enough warm-up for C2 to have compiled the hot paths, not for tight
            // error bars; the full run is the one to quote
            options.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.seconds(1));
        } else {
            options.forks(2).warmupIterations(5).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2));
        }
        return options;
    }

    private List<CaseResult> results(Collection<RunResult> runs, int threads) {
        // workload -> implementation -> score
        Map<String, Map<String, RunResult>> byWorkload = new TreeMap<>();
        for (RunResult run : runs) {
            String benchmark = run.getParams().getBenchmark();
            String workload = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            byWorkload.computeIfAbsent(workload, w -> new TreeMap<>())
                    .put(run.getParams().getParam("implementation"), run);
        }
        List<CaseResult> results = new ArrayList<>();
        WORKLOADS.forEach((workload, description) -> {
            Map<String, RunResult> byImplementation = byWorkload.getOrDefault(workload, Map.of());
            Map<String, Number> figures = new LinkedHashMap<>();
            List<String> notes = new ArrayList<>();
            for (String implementation : List.of("raw-jdbc", "jdbi", "txfn")) {
                RunResult run = byImplementation.get(implementation);
                if (run == null) {
                    notes.add(Implementation.label(implementation) + " did not run");
                    continue;
                }
                figures.put(implementation, run.getPrimaryResult().getScore());
                double error = run.getPrimaryResult().getScoreError();
                if (!Double.isNaN(error)) {
                    notes.add(String.format(Locale.ROOT, "%s ± %.1f µs (99.9%%)",
                            Implementation.label(implementation), error));
                }
            }
            Map<String, Double> ratios = new LinkedHashMap<>();
            ratios.put("txfn/raw-jdbc", CaseResult.ratio(figures, "txfn", "raw-jdbc"));
            ratios.put("txfn/jdbi", CaseResult.ratio(figures, "txfn", "jdbi"));
            results.add(new CaseResult(name(), workload + "-" + threads + "t",
                    description + ", " + threads + (threads == 1 ? " thread" : " threads"), "µs/tx", figures,
                    ratios, notes));
        });
        return results;
    }
}
