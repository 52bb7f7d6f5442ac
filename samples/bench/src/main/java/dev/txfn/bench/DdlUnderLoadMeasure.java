package dev.txfn.bench;

import dev.txfn.samples.things.DdlExperiment;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Measure 5: the things sample's {@link DdlExperiment} as numbers. Each trial runs the experiment once: 10
 * simulated containers read one row every 5 ms, first through a container-scoped auto-commit-off Jdbi handle
 * (broken), then through {@code tx.readOnly} (txfn), while an {@code ALTER TABLE ... ADD COLUMN} with a lock
 * timeout tries to get in and a new client reads meanwhile. Reported over the trials: the ALTER's latency p50
 * and p99 (nearest rank), how many ALTERs hit the lock timeout, the new client's read latency, reads served and
 * sessions left idle in transaction. Not thread-safe.
 */
public final class DdlUnderLoadMeasure implements Measure {

    private static final String BROKEN = "broken";
    private static final String TXFN = Implementation.TXFN.key();

    @Override
    public String name() {
        return "ddl-under-load";
    }

    @Override
    public String title() {
        return "5. DDL under load";
    }

    @Override
    public String description() {
        return "The things sample's `DdlExperiment`, repeated: 10 containers each reading one row every 5 ms, either"
                + " through a container-scoped Jdbi handle with auto-commit off (**broken**: the first read opens a"
                + " transaction nothing ends) or through `tx.readOnly` (**txfn**), while `ALTER TABLE ... ADD COLUMN`"
                + " with a `lock_timeout` tries to get in and a new client reads one row. p50/p99 are nearest-rank"
                + " over the trials (with fewer than 100 trials the p99 is the maximum).";
    }

    @Override
    public List<CaseResult> run(BenchContext context, boolean quick) throws Exception {
        int trials = quick ? 3 : 20;
        DdlExperiment.Settings settings = new DdlExperiment.Settings(10, Duration.ofMillis(5), Duration.ofSeconds(1),
                quick ? Duration.ofSeconds(2) : Duration.ofSeconds(5));
        List<DdlExperiment.Result> broken = new ArrayList<>();
        List<DdlExperiment.Result> txfn = new ArrayList<>();
        String jdbcUrl = context.database().direct().jdbcUrl();
        try {
            for (int i = 0; i < trials; i++) {
                List<DdlExperiment.Result> trial = new DdlExperiment(jdbcUrl, new Properties(), settings).run();
                broken.add(trial.get(0));
                txfn.add(trial.get(1));
            }
        } finally {
            try (Connection c = context.database().openAdminConnection(); Statement s = c.createStatement()) {
                s.execute("drop table if exists ddl_experiment");
            }
        }
        String unit = "ms, " + trials + " trials";
        List<CaseResult> results = new ArrayList<>();
        results.add(figures("alter-p50", "ALTER TABLE ... ADD COLUMN, p50", unit, broken, txfn,
                r -> r.alterMillis(), 50, List.of(String.format(Locale.ROOT, "%d containers, one read every %d ms,"
                        + " lock_timeout %d ms; outcomes: broken %s, txfn %s", settings.containers(),
                        settings.readInterval().toMillis(), settings.lockTimeout().toMillis(), outcomes(broken),
                        outcomes(txfn)))));
        results.add(figures("alter-p99", "ALTER TABLE ... ADD COLUMN, p99", unit, broken, txfn,
                r -> r.alterMillis(), 99, List.of()));
        results.add(count("lock-timeouts", "ALTERs that hit the lock timeout", "of " + trials,
                lockTimeouts(broken), lockTimeouts(txfn)));
        List<String> probeNotes = probeFailures(broken, txfn);
        results.add(figures("probe-p50", "a new client's read while the ALTER waits, p50", unit, broken, txfn,
                r -> r.probeMillis(), 50, probeNotes));
        results.add(figures("probe-p99", "a new client's read while the ALTER waits, p99", unit, broken, txfn,
                r -> r.probeMillis(), 99, List.of()));
        results.add(figures("reads-per-second", "reads served per second, p50", "reads/s, " + trials + " trials",
                broken, txfn, r -> r.readsPerSecond(), 50, List.of()));
        results.add(count("read-failures", "failed reads, all trials", "reads",
                broken.stream().mapToLong(DdlExperiment.Result::readFailures).sum(),
                txfn.stream().mapToLong(DdlExperiment.Result::readFailures).sum()));
        results.add(figures("idle-in-transaction", "sessions idle in transaction before the ALTER, p50",
                "sessions, " + trials + " trials", broken, txfn,
                r -> r.sessionsByState().getOrDefault("idle in transaction", 0L), 50, List.of()));
        return results;
    }

    private CaseResult figures(String name, String description, String unit, List<DdlExperiment.Result> broken,
            List<DdlExperiment.Result> txfn, ToDoubleFunction<DdlExperiment.Result> value, double percentile,
            List<String> notes) {
        Map<String, Number> figures = new LinkedHashMap<>();
        figures.put(BROKEN, percentile(broken, value, percentile));
        figures.put(TXFN, percentile(txfn, value, percentile));
        return new CaseResult(name(), name, description, unit, figures, ratio(figures), notes);
    }

    private CaseResult count(String name, String description, String unit, long broken, long txfn) {
        Map<String, Number> figures = new LinkedHashMap<>();
        figures.put(BROKEN, broken);
        figures.put(TXFN, txfn);
        return new CaseResult(name(), name, description, unit, figures, ratio(figures), List.of());
    }

    private static Map<String, Double> ratio(Map<String, Number> figures) {
        return Map.of(BROKEN + "/" + TXFN, CaseResult.ratio(figures, BROKEN, TXFN));
    }

    /** Failed probes (-1) are left out of the percentiles and counted in a note. */
    private static double percentile(List<DdlExperiment.Result> results, ToDoubleFunction<DdlExperiment.Result> value,
            double percentile) {
        double[] sorted = results.stream().mapToDouble(value).filter(v -> v >= 0).sorted().toArray();
        return Percentiles.nearestRank(sorted, percentile);
    }

    private static long lockTimeouts(List<DdlExperiment.Result> results) {
        return results.stream().filter(r -> r.alterOutcome().equals("lock timeout")).count();
    }

    private static String outcomes(List<DdlExperiment.Result> results) {
        Map<String, Long> counts = results.stream().collect(Collectors.groupingBy(DdlExperiment.Result::alterOutcome,
                TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static List<String> probeFailures(List<DdlExperiment.Result> broken, List<DdlExperiment.Result> txfn) {
        long[] failed = {broken.stream().filter(r -> r.probeMillis() < 0).count(),
            txfn.stream().filter(r -> r.probeMillis() < 0).count()};
        return Arrays.stream(failed).sum() == 0 ? List.of()
                : List.of("new-client reads that failed (left out of the percentiles): broken " + failed[0] + ", txfn "
                        + failed[1]);
    }
}
