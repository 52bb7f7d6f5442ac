package dev.txfn.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measure 2: wall-clock time per transaction when every round trip costs an injected network delay, for every
 * {@link Scenario} and {@link Implementation}; the median, and its ratio to raw JDBC timed in the same rounds.
 * Not thread-safe.
 */
public final class NetworkLatencyMeasure implements Measure {

    /** The delay the proxy adds to every round trip. */
    static final Duration DELAY = Duration.ofMillis(1);

    @Override
    public String name() {
        return "network-latency";
    }

    @Override
    public String title() {
        return "2. Latency per transaction with " + DELAY.toMillis() + " ms per round trip";
    }

    @Override
    public String description() {
        return "The cases and implementations of measure 1, with the proxy holding back every server reply by "
                + DELAY.toMillis() + " ms (an in-region network hop). Median wall-clock ms per transaction over N"
                + " transactions per case and implementation (after an undelayed JIT warm-up of every case), the"
                + " implementations taking turns transaction by"
                + " transaction so that machine noise falls on all alike; ratios divide by raw JDBC's median from"
                + " the same rounds. The idle case sleeps 600 ms before each round, outside the timing.";
    }

    @Override
    public List<CaseResult> run(BenchContext context, boolean quick) throws Exception {
        int warmUpRounds = quick ? 300 : 2000;
        int transactions = quick ? 40 : 400;
        int idleTransactions = quick ? 3 : 15;
        List<CaseResult> results = new ArrayList<>();
        try (ProxiedImplementations opened =
                new ProxiedImplementations(context.database(), Arrays.asList(Implementation.values()))) {
            // Warm the JIT up without the delay, where it is cheap, so that the timed transactions do not run in
            // the interpreter (that would penalize the implementations with deeper call stacks)
            opened.warmUp(Scenario.ALL, warmUpRounds);
            opened.all().forEach(p -> p.counter().setDelay(DELAY));
            opened.warmUp(Scenario.ALL, 3);
            for (Scenario scenario : Scenario.ALL) {
                int n = scenario.idles() ? idleTransactions : transactions;
                results.add(time(opened, scenario, n));
            }
        }
        return results;
    }

    private CaseResult time(ProxiedImplementations opened, Scenario scenario, int n) throws Exception {
        Map<Implementation, long[]> nanos = new LinkedHashMap<>();
        opened.all().forEach(p -> nanos.put(p.implementation(), new long[n]));
        for (int i = 0; i < n; i++) {
            if (scenario.idles()) {
                Thread.sleep(scenario.idleBefore().toMillis());
            }
            for (ProxiedImplementations.Proxied p : opened.all()) {
                long start = System.nanoTime();
                p.style().run(scenario);
                nanos.get(p.implementation())[i] = System.nanoTime() - start;
            }
        }
        Map<String, Number> figures = new LinkedHashMap<>();
        nanos.forEach((implementation, times) -> figures.put(implementation.key(), medianMillis(times)));
        return new CaseResult(name(), scenario.name(), scenario.description(), "ms/tx (median of " + n + ")",
                figures, RoundTripMeasure.ratiosToBaseline(figures), List.of());
    }

    static double medianMillis(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        double median = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
        return median / 1_000_000.0;
    }
}
