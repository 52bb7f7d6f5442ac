package dev.txfn.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measure 1: network round trips per transaction, counted by a proxy in front of the server, for every
 * {@link Scenario} and {@link Implementation}. Counts are deterministic; each is taken several times and a
 * count that varies is reported with a note. Not thread-safe.
 */
public final class RoundTripMeasure implements Measure {

    @Override
    public String name() {
        return "round-trips";
    }

    @Override
    public String title() {
        return "1. Round trips per transaction";
    }

    @Override
    public String description() {
        return "Network round trips from the client's point of view, counted by a TCP proxy in front of the server"
                + " (`RoundTripCounter`), after a warm-up that opened the connection. Each statement is a one-row"
                + " `SELECT` by primary key; the limit for k statements is k + 1, and 1 for a read-only transaction"
                + " declared as one query (txfn's `TxFn.query`; raw JDBC sends `BEGIN READ ONLY; SELECT ...; COMMIT`"
                + " in one `execute()`; Jdbi and Spring have no such form and run it as any read-only"
                + " transaction). Pools hold one connection. The"
                + " implementations are described in `Implementation.java`; in short, *raw JDBC* is one"
                + " connection with auto-commit off and the options as `SET TRANSACTION ...; SET LOCAL ...` in the"
                + " first statement's `execute()` (the protocol minimum), *raw JDBC, SET apart* sends those in an"
                + " `execute()` of their own, *Jdbi + Hikari* and *Spring* run on HikariCP defaults with the"
                + " setting as a `set_config` statement and Jdbi's timeout as a `SET LOCAL` statement, while Spring's"
                + " timeout is its client-side JDBC query timeout (no server `statement_timeout`).";
    }

    @Override
    public List<CaseResult> run(BenchContext context, boolean quick) throws Exception {
        Map<Scenario, Map<Implementation, long[]>> counts =
                count(context.database(), Arrays.asList(Implementation.values()), Scenario.ALL, quick ? 2 : 5);
        List<CaseResult> results = new ArrayList<>();
        counts.forEach((scenario, byImplementation) -> results.add(result(scenario, byImplementation)));
        return results;
    }

    /**
     * Counts round trips: for every scenario, {@code repetitions} times, each implementation in turn runs one
     * transaction (after idling first if the scenario says so).
     *
     * @param database the server
     * @param implementations which to count
     * @param scenarios what to run
     * @param repetitions how many times to count each
     * @return per scenario and implementation, the count of every repetition
     * @throws Exception if a transaction fails
     */
    static Map<Scenario, Map<Implementation, long[]>> count(BenchDatabase database,
            List<Implementation> implementations, List<Scenario> scenarios, int repetitions) throws Exception {
        Map<Scenario, Map<Implementation, long[]>> counts = new LinkedHashMap<>();
        try (ProxiedImplementations opened = new ProxiedImplementations(database, implementations)) {
            opened.warmUp(scenarios, 2);
            for (Scenario scenario : scenarios) {
                Map<Implementation, long[]> byImplementation = new LinkedHashMap<>();
                for (ProxiedImplementations.Proxied p : opened.all()) {
                    byImplementation.put(p.implementation(), new long[repetitions]);
                }
                for (int r = 0; r < repetitions; r++) {
                    if (scenario.idles()) {
                        Thread.sleep(scenario.idleBefore().toMillis());
                    }
                    for (ProxiedImplementations.Proxied p : opened.all()) {
                        p.counter().reset();
                        p.style().run(scenario);
                        byImplementation.get(p.implementation())[r] = p.counter().roundTrips();
                    }
                }
                counts.put(scenario, byImplementation);
            }
        }
        return counts;
    }

    private CaseResult result(Scenario scenario, Map<Implementation, long[]> byImplementation) {
        Map<String, Number> figures = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        byImplementation.forEach((implementation, repeated) -> {
            long min = Arrays.stream(repeated).min().orElseThrow();
            long max = Arrays.stream(repeated).max().orElseThrow();
            figures.put(implementation.key(), max);
            if (min != max) {
                notes.add(implementation.label() + " varied: " + Arrays.toString(repeated) + "; the largest is shown");
            }
        });
        return new CaseResult(name(), scenario.name(),
                scenario.description() + (scenario.oneQuery() ? " (limit 1)" : " (limit k + 1 = " + scenario.limit()
                        + ")"), "round trips", figures,
                ratiosToBaseline(figures), notes);
    }

    /** Every implementation's figure divided by the baseline's, keyed {@code implementation/raw-jdbc}. */
    static Map<String, Double> ratiosToBaseline(Map<String, Number> figures) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        String baseline = Implementation.BASELINE.key();
        for (String key : figures.keySet()) {
            if (!key.equals(baseline)) {
                ratios.put(key + "/" + baseline, CaseResult.ratio(figures, key, baseline));
            }
        }
        return ratios;
    }
}
