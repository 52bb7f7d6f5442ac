package dev.txfn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measure 4's last step, issue 12's deployed form: txfn + the Lambda adapter with its AOT cache, started as the
 * container image starts it ({@link ColdStartRuntimeClient}: the {@code ENTRYPOINT}'s runtime client and options,
 * the cache trained once per measure run by the image build's training step, served one event by a local Runtime
 * API), against the figures issue 12's targets name, in the same rounds: raw JDBC at default flags (its bare
 * {@code main}, and its handler deployed alike without a cache, {@link ColdStartRawJdbcHandler}), and Jdbi +
 * HikariCP deployed alike ({@link ColdStartJdbiHandler}, the {@code ENTRYPOINT}'s flags, an AOT cache of its own);
 * also both handlers called from their {@code main} at those flags with a cache each (what the runtime client
 * adds), and txfn deployed without its cache, at the {@code ENTRYPOINT}'s flags and at default flags, and on
 * JDK 17 at default flags. Not thread-safe.
 */
final class ColdStartDeployed {

    /** Issue 12: the deployed form with its AOT cache within this factor of raw JDBC at default flags. */
    static final double TARGET_RAW = ColdStartMeasure.AOT_TARGET_RAW;

    /** Issue 12: within this factor of Jdbi + HikariCP at equal flags. */
    static final double TARGET_JDBI = ColdStartMeasure.AOT_TARGET_JDBI;

    /** The step in the measure's description. */
    static final String DESCRIPTION = "Last, txfn + adapter as deployed in a container image: the runtime interface"
            + " client started as the image's `ENTRYPOINT` (its JVM options, `JAVA_TOOL_OPTIONS=-XX:AOTCache=...`)"
            + " with the handler, served one `GET /things/7` HTTP API event by a local Lambda Runtime API"
            + " (`LocalRuntimeApi`), spawn to the response at the emulator; its AOT cache from one training run as"
            + " the image build makes it; beside, in the same rounds, raw JDBC at default flags (its `main`, and its"
            + " handler deployed the same way without a cache), the Jdbi + HikariCP handler deployed alike (same"
            + " options, AOT cache of its own), both handlers' mains at those options with a cache each, and txfn"
            + " deployed without the cache, at default flags and on JDK 17.";

    private static final String RAW = Implementation.RAW_JDBC.key();
    private static final String RAW_DEPLOYED = "raw JDBC as deployed, default flags, no cache";
    private static final String JDBI_MAIN = "Jdbi + HikariCP main, ENTRYPOINT flags + AOT cache";
    private static final String TXFN_MAIN = "txfn + adapter main, ENTRYPOINT flags + AOT cache";
    private static final String JDBI_DEPLOYED = "Jdbi + HikariCP as deployed, AOT cache";
    private static final String TXFN_DEPLOYED = "txfn + adapter as deployed, AOT cache";
    private static final String NO_CACHE = "txfn + adapter as deployed, no cache";
    private static final String DEFAULT_FLAGS = "txfn + adapter as deployed, default flags, no cache";

    private final ColdStartLauncher launcher;
    private final ColdStartRuntimeClient runtimeClient;
    private final ColdStartJdk jdk17;
    private final ColdStartJdk jdk25;
    private final Path work;

    private ColdStartDeployed(ColdStartLauncher launcher, ColdStartRuntimeClient runtimeClient, ColdStartJdk jdk17,
            ColdStartJdk jdk25, Path work) {
        this.launcher = launcher;
        this.runtimeClient = runtimeClient;
        this.jdk17 = jdk17;
        this.jdk25 = jdk25;
        this.work = work;
    }

    /**
     * Trains the caches, runs {@code runs} rounds and returns the rows: spawn to response on JDK 25 and JDK 17.
     *
     * @param launcher starts the {@code main} variants
     * @param jdks the measure's JDKs; without a JDK 25 (or a JDK before it) {@code notes} says the step was skipped
     * @param benchJar the bench jar, with the runtime client's jar next to it
     * @param jdbcUrl the bench's database
     * @param work an owner-only directory for caches and output
     * @param runs rounds
     * @param notes where to say why the step was skipped
     * @return the rows, none when skipped
     * @throws IOException if a child fails
     * @throws InterruptedException if interrupted
     */
    static List<CaseResult> measure(ColdStartLauncher launcher, List<ColdStartJdk> jdks, Path benchJar,
            String jdbcUrl, Path work, int runs, List<String> notes) throws IOException, InterruptedException {
        ColdStartJdk older = jdks.stream().filter(jdk -> !jdk.hasAotCache()).findFirst().orElse(null);
        ColdStartJdk newer = jdks.stream().filter(ColdStartJdk::hasAotCache).findFirst().orElse(null);
        if (older == null || newer == null) {
            notes.add("Deployed-form rows skipped: they need JDK 17 and a JDK 25, the measure has " + jdks.stream()
                    .map(ColdStartJdk::label).toList());
            return List.of();
        }
        Path dir = Files.createDirectories(work.resolve("deployed"));
        ColdStartRuntimeClient client = ColdStartRuntimeClient.beside(benchJar, jdbcUrl, dir);
        return new ColdStartDeployed(launcher, client, older, newer, dir).measure(runs);
    }

    private List<CaseResult> measure(int runs) throws IOException, InterruptedException {
        List<String> entrypoint = ColdStartRuntimeClient.ENTRYPOINT_OPTIONS;
        String txfn = ColdStartRuntimeClient.TXFN_HANDLER;
        String jdbi = ColdStartRuntimeClient.JDBI_HANDLER;
        Path txfnCache = work.resolve("txfn-deployed-" + jdk25.key() + ".aot");
        Path jdbiCache = work.resolve("jdbi-deployed-" + jdk25.key() + ".aot");
        Path txfnMainCache = work.resolve("txfn-main-" + jdk25.key() + ".aot");
        Path jdbiMainCache = work.resolve("jdbi-main-" + jdk25.key() + ".aot");
        runtimeClient.train(jdk25, txfn, entrypoint, txfnCache);
        runtimeClient.train(jdk25, jdbi, entrypoint, jdbiCache);
        trainMain(ColdStartJdbi.class, jdbiMainCache);
        trainMain(ColdStartTxfnLambda.class, txfnMainCache);
        // Page the runtime client's jar in for both JDKs; not counted.
        runtimeClient.run(jdk17, txfn, List.of(), null);
        runtimeClient.run(jdk25, txfn, List.of(), null);
        Map<String, List<Double>> on25 = new LinkedHashMap<>();
        Map<String, List<Double>> on17 = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            add(on25, RAW, launcher.run(jdk25, ColdStartRawJdbc.class, List.of()).wallMs());
            add(on25, RAW_DEPLOYED, runtimeClient.run(jdk25, ColdStartRuntimeClient.RAW_JDBC_HANDLER, List.of(),
                    null));
            add(on25, JDBI_MAIN, launcher.run(jdk25, ColdStartJdbi.class,
                    withOptions(jdk25.archiveFlags(jdbiMainCache))).wallMs());
            add(on25, TXFN_MAIN, launcher.run(jdk25, ColdStartTxfnLambda.class,
                    withOptions(jdk25.archiveFlags(txfnMainCache))).wallMs());
            add(on25, JDBI_DEPLOYED, runtimeClient.run(jdk25, jdbi, entrypoint, jdbiCache));
            add(on25, TXFN_DEPLOYED, runtimeClient.run(jdk25, txfn, entrypoint, txfnCache));
            add(on25, NO_CACHE, runtimeClient.run(jdk25, txfn, entrypoint, null));
            add(on25, DEFAULT_FLAGS, runtimeClient.run(jdk25, txfn, List.of(), null));
            add(on17, RAW, launcher.run(jdk17, ColdStartRawJdbc.class, List.of()).wallMs());
            add(on17, DEFAULT_FLAGS, runtimeClient.run(jdk17, txfn, List.of(), null));
        }
        Map<String, Number> figures25 = medians(on25);
        Map<String, Number> figures17 = medians(on17);
        Map<String, Double> ratios25 = RoundTripMeasure.ratiosToBaseline(figures25);
        for (String[] pair : new String[][] {{TXFN_DEPLOYED, RAW_DEPLOYED}, {TXFN_DEPLOYED, JDBI_DEPLOYED},
                {TXFN_MAIN, JDBI_MAIN}, {TXFN_DEPLOYED, TXFN_MAIN}, {JDBI_DEPLOYED, JDBI_MAIN}}) {
            ratios25.put(pair[0] + "/" + pair[1], CaseResult.ratio(figures25, pair[0], pair[1]));
        }
        String unit = "ms (median of " + runs + ")";
        return List.of(
                new CaseResult("cold-start", "deployed-spawn-to-response-" + jdk25.key(), "spawn → response at the"
                        + " Runtime API, handlers started as a container image starts them, " + jdk25.label(), unit,
                        figures25, ratios25, notes(figures25, txfnCache, jdbiCache)),
                new CaseResult("cold-start", "deployed-spawn-to-response-" + jdk17.key(), "spawn → response at the"
                        + " Runtime API, txfn + adapter started as a container image starts it, default flags, "
                        + jdk17.label(), unit, figures17, RoundTripMeasure.ratiosToBaseline(figures17), List.of()));
    }

    private List<String> notes(Map<String, Number> figures, Path txfnCache, Path jdbiCache) throws IOException {
        double raw = figures.get(RAW).doubleValue();
        double rawDeployed = figures.get(RAW_DEPLOYED).doubleValue();
        double jdbi = figures.get(JDBI_DEPLOYED).doubleValue();
        double deployed = figures.get(TXFN_DEPLOYED).doubleValue();
        double txfnMain = figures.get(TXFN_MAIN).doubleValue();
        double jdbiMain = figures.get(JDBI_MAIN).doubleValue();
        return List.of(String.format(Locale.ROOT, "How \"as deployed\" was started: `%s %s -cp bench.jar:%s/"
                + "<runtime client jar> %s <handler>`, the JVM options of samples/things-api/Dockerfile's"
                + " ENTRYPOINT, with `JAVA_TOOL_OPTIONS=-XX:AOTCache=<cache>` as template-container.yaml sets it per"
                + " function, and only the reserved Lambda variables and `DATABASE_URL` in its environment. The"
                + " handlers: txfn's is ColdStartTxfnLambda.Handler (an `HttpApiHandler`, `GET /things/{id}`, one"
                + " read-only transaction: the work of the other variants), Jdbi + HikariCP's is"
                + " ColdStartJdbiHandler (the Jdbi variant's handler as a `RequestHandler` of the HTTP API event, its"
                + " JSON body written by hand), raw JDBC's is ColdStartRawJdbcHandler (the raw-JDBC variant's work in"
                + " the same shape, started at default flags without a cache: raw JDBC at default flags, deployed);"
                + " all packaged as the container jar is (handler classes and runtime client on the class path)."
                + " dev.txfn.lambda.LocalRuntimeApi hands the real runtime client one API Gateway HTTP API event; the"
                + " time is the parent's clock from spawn to the response's arrival at the emulator (the child's own"
                + " clock is not read: it runs no bench code before the response)."
                + " Each cache (txfn %.1f MB, Jdbi %.1f MB) comes from one training run per measure run against the"
                + " bench's database, as the image build's training step (`things-api.jar aot-training`) makes it:"
                + " the same command plus `-XX:AOTCacheOutput=<cache> -Xlog:aot=error -XX:MaxRAM=1g`, %d events,"
                + " SIGTERM; a run whose JVM refuses its cache fails the measure. The \"main\" variants are the"
                + " ColdStart* mains at the same options with an AOT cache each (one training run of the main at"
                + " those options); raw JDBC is its main at default flags, no cache. These rows come from rounds of"
                + " their own, after the steps above (each round starts every figure of both rows once), and their"
                + " ratios divide figures of these rounds only: raw JDBC is re-run in them.",
                jdk25.java(), String.join(" ", ColdStartRuntimeClient.ENTRYPOINT_OPTIONS),
                ColdStartRuntimeClient.RUNTIME_CLIENT_DIR, ColdStartRuntimeClient.RUNTIME_CLIENT_MAIN,
                Files.size(txfnCache) / 1e6, Files.size(jdbiCache) / 1e6, ColdStartRuntimeClient.TRAINING_EVENTS),
                String.format(Locale.ROOT, "%s targets, as deployed: txfn + Lambda adapter with its AOT cache ÷ raw"
                        + " JDBC at default flags = %.2f against its bare `main`, %s the %.1f× target, and %.2f"
                        + " against its handler deployed alike (%s); ÷ Jdbi + HikariCP deployed alike"
                        + " (equal flags, own AOT cache) = %.2f, %s the %.1f× target. From `main` at the same"
                        + " flags: txfn + adapter ÷ Jdbi + HikariCP = %.2f; the runtime client and event"
                        + " (de)serialization cost txfn %+.0f ms and Jdbi %+.0f ms over their mains",
                        jdk25.label(), deployed / raw, deployed / raw <= TARGET_RAW ? "within" : "NOT within",
                        TARGET_RAW, deployed / rawDeployed, deployed / rawDeployed <= TARGET_RAW ? "within"
                        : "NOT within", deployed / jdbi, deployed / jdbi <= TARGET_JDBI ? "within" : "NOT within",
                        TARGET_JDBI, txfnMain / jdbiMain, deployed - txfnMain, jdbi - jdbiMain));
    }

    /** One run of {@code main} at the ENTRYPOINT's options writing its AOT cache at exit. */
    private void trainMain(Class<?> main, Path cache) throws IOException, InterruptedException {
        Files.deleteIfExists(cache);
        launcher.run(jdk25, main, withOptions(jdk25.trainingFlags(cache)));
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            throw new IOException("the training run of " + main.getSimpleName() + " on " + jdk25.label()
                    + " at the ENTRYPOINT's options wrote no AOT cache " + cache);
        }
    }

    private static List<String> withOptions(List<String> flags) {
        List<String> options = new ArrayList<>(ColdStartRuntimeClient.ENTRYPOINT_OPTIONS);
        options.addAll(flags);
        return options;
    }

    private static void add(Map<String, List<Double>> figures, String key, double ms) {
        figures.computeIfAbsent(key, k -> new ArrayList<>()).add(ms);
    }

    private static Map<String, Number> medians(Map<String, List<Double>> runs) {
        Map<String, Number> medians = new LinkedHashMap<>();
        runs.forEach((key, list) -> medians.put(key, Percentiles.median(list.stream().mapToDouble(d -> d)
                .toArray())));
        return medians;
    }
}
