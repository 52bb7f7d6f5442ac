package dev.txfn.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The benchmark harness: runs every measure of issue 5 against one PostgreSQL server, then writes
 * {@value #JSON_FILE} and {@value #MARKDOWN_FILE} in the working directory and prints the Markdown.
 *
 * <pre>
 * java -jar bench.jar [--quick] [--only=round-trips,network-latency,...]
 * java -cp bench.jar org.openjdk.jmh.Main [JMH options]      (JMH alone)
 * </pre>
 *
 * <p>The server is {@value BenchDatabase#URL_VARIABLE} (a {@code jdbc:postgresql:} URL) or, when unset, an
 * embedded PostgreSQL started for the run. {@code --quick} runs every measure in reduced form (a few minutes
 * in all). Exits with status 1 if a measure failed, 2 on a usage error.
 */
public final class BenchMain {

    /** The JSON results file. */
    public static final String JSON_FILE = "bench-results.json";

    /** The Markdown results file. */
    public static final String MARKDOWN_FILE = "bench-results.md";

    private BenchMain() {
    }

    /**
     * Every measure in report order; those not implemented yet are listed as {@link PendingMeasure}s.
     *
     * @return the measures
     */
    public static List<Measure> measures() {
        return List.of(
                new RoundTripMeasure(),
                new NetworkLatencyMeasure(),
                new CpuCostMeasure(),
                new ColdStartMeasure(),
                new DdlUnderLoadMeasure(),
                new PoolerFanOutMeasure(),
                new FailoverMeasure());
    }

    /**
     * Runs the harness.
     *
     * @param args {@code --quick}, {@code --only=name,...}, {@code --help}
     * @throws Exception if the database cannot be reached or the results cannot be written
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        // Measure 6's contrast case starves hundreds of pools of connections on purpose; their shutdown warnings
        // would bury the progress output.
        System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari",
                System.getProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "error"));
        boolean quick = false;
        Set<String> only = null;
        for (String arg : args) {
            if (arg.equals("--quick")) {
                quick = true;
            } else if (arg.startsWith("--only=")) {
                only = Arrays.stream(arg.substring("--only=".length()).split(",")).map(String::strip)
                        .collect(Collectors.toSet());
            } else {
                usage(arg.equals("--help") || arg.equals("-h") ? System.out : System.err);
                System.exit(arg.equals("--help") || arg.equals("-h") ? 0 : 2);
                return;
            }
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BenchReport report = run(quick, only, out);
        report.writeJson(Path.of(JSON_FILE));
        String markdown = report.toMarkdown();
        Files.writeString(Path.of(MARKDOWN_FILE), markdown, StandardCharsets.UTF_8);
        out.println();
        out.print(markdown);
        out.println("Written: " + Path.of(JSON_FILE).toAbsolutePath() + ", " + Path.of(MARKDOWN_FILE).toAbsolutePath());
        boolean failed = report.measures().stream().anyMatch(m -> m.status().equals(MeasureOutcome.FAILED));
        System.exit(failed ? 1 : 0); // the embedded server's shutdown hook stops it
    }

    /**
     * Runs the measures (all, or those named in {@code only}) and collects the report; progress goes to
     * {@code progress}.
     *
     * @param quick whether to run the reduced forms
     * @param only the measures to run, or {@code null} for all
     * @param progress where to say what is running
     * @return the report
     * @throws Exception if the database cannot be reached or set up
     */
    public static BenchReport run(boolean quick, Set<String> only, PrintStream progress) throws Exception {
        Instant start = Instant.now();
        BenchDatabase database = BenchDatabase.shared();
        progress.println("database: " + database);
        BenchContext context = new BenchContext(database, MachineInfo.collect(database));
        BenchSchema.ensure(database);
        List<MeasureOutcome> outcomes = new ArrayList<>();
        try {
            for (Measure measure : measures()) {
                outcomes.add(runOne(measure, context, quick, only, progress));
            }
        } finally {
            BenchSchema.drop(database);
        }
        Map<String, String> implementations = new LinkedHashMap<>();
        for (Implementation implementation : Implementation.values()) {
            implementations.put(implementation.key(), implementation.label());
        }
        Instant end = Instant.now();
        return new BenchReport(end.truncatedTo(ChronoUnit.SECONDS).toString(), quick ? "quick" : "full",
                (end.toEpochMilli() - start.toEpochMilli()) / 1000.0, context.machine(), implementations, outcomes);
    }

    private static MeasureOutcome runOne(Measure measure, BenchContext context, boolean quick, Set<String> only,
            PrintStream progress) {
        if (!measure.implemented()) {
            return new MeasureOutcome(measure.name(), measure.title(), measure.description(),
                    MeasureOutcome.NOT_MEASURED_YET, null, 0, List.of(), null);
        }
        if (only != null && !only.contains(measure.name())) {
            return new MeasureOutcome(measure.name(), measure.title(), measure.description(), MeasureOutcome.SKIPPED,
                    null, 0, List.of(), null);
        }
        progress.println("running " + measure.title() + (quick ? " (quick)" : "") + " ...");
        long started = System.nanoTime();
        try {
            List<CaseResult> cases = measure.run(context, quick);
            double seconds = (System.nanoTime() - started) / 1e9;
            progress.printf("  done in %.0f s%n", seconds);
            return new MeasureOutcome(measure.name(), measure.title(), measure.description(), MeasureOutcome.MEASURED,
                    null, seconds, cases, null);
        } catch (MeasureSkippedException e) {
            progress.println("  skipped: " + e.reason() + "\n  " + e.getMessage().replace("\n", "\n  "));
            return new MeasureOutcome(measure.name(), measure.title(), measure.description(),
                    MeasureOutcome.SKIPPED + ": " + e.reason(), null, (System.nanoTime() - started) / 1e9, List.of(),
                    e.getMessage());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            e.printStackTrace(progress);
            return new MeasureOutcome(measure.name(), measure.title(), measure.description(), MeasureOutcome.FAILED,
                    e.toString(), (System.nanoTime() - started) / 1e9, List.of(), null);
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar bench.jar [--quick] [--only=" + measures().stream().map(Measure::name)
                .collect(Collectors.joining(",")) + "]");
        out.println("       java -cp bench.jar org.openjdk.jmh.Main [JMH options]");
        out.println("database: " + BenchDatabase.URL_VARIABLE + " (jdbc:postgresql: URL), else an embedded PostgreSQL");
    }
}
