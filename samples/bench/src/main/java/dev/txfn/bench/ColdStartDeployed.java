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
 * API), against the figures issue 12's targets name, in the same rounds: raw JDBC at default flags, and Jdbi +
 * HikariCP (and txfn + adapter called from a {@code main}) at the {@code ENTRYPOINT}'s flags with an AOT cache of
 * their own. Then the deployed form without its cache, at the {@code ENTRYPOINT}'s flags and at default flags, and
 * on JDK 17 at default flags. Not thread-safe.
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
            + " the image build makes it; beside raw JDBC at default flags and Jdbi + HikariCP with an AOT cache at"
            + " the same options, in the same rounds, and without the cache, at default flags and on JDK 17.";

    private static final String RAW = Implementation.RAW_JDBC.key();
    private static final String JDBI = "Jdbi + HikariCP, ENTRYPOINT flags + AOT cache";
    private static final String MAIN = "txfn + Lambda adapter from main, ENTRYPOINT flags + AOT cache";
    private static final String DEPLOYED = "txfn + Lambda adapter as deployed, ENTRYPOINT flags + AOT cache";
    private static final String DEPLOYED_NO_CACHE = "as deployed, ENTRYPOINT flags, no cache";
    private static final String DEPLOYED_DEFAULT = "as deployed, default flags, no cache";

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
        Path deployedCache = work.resolve("deployed-" + jdk25.key() + ".aot");
        Path jdbiCache = work.resolve("jdbi-" + jdk25.key() + ".aot");
        Path mainCache = work.resolve("main-" + jdk25.key() + ".aot");
        runtimeClient.train(jdk25, ColdStartRuntimeClient.ENTRYPOINT_OPTIONS, deployedCache);
        trainMain(ColdStartJdbi.class, jdbiCache);
        trainMain(ColdStartTxfnLambda.class, mainCache);
        // Page the runtime client's jar in for both JDKs; not counted.
        runtimeClient.run(jdk17, List.of(), null);
        runtimeClient.run(jdk25, List.of(), null);
        Map<String, List<Double>> on25 = new LinkedHashMap<>();
        Map<String, List<Double>> on17 = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            add(on25, RAW, launcher.run(jdk25, ColdStartRawJdbc.class, List.of()).wallMs());
            add(on25, JDBI, launcher.run(jdk25, ColdStartJdbi.class, withOptions(jdk25.archiveFlags(jdbiCache)))
                    .wallMs());
            add(on25, MAIN, launcher.run(jdk25, ColdStartTxfnLambda.class,
                    withOptions(jdk25.archiveFlags(mainCache))).wallMs());
            add(on25, DEPLOYED, runtimeClient.run(jdk25, ColdStartRuntimeClient.ENTRYPOINT_OPTIONS, deployedCache));
            add(on25, DEPLOYED_NO_CACHE, runtimeClient.run(jdk25, ColdStartRuntimeClient.ENTRYPOINT_OPTIONS, null));
            add(on25, DEPLOYED_DEFAULT, runtimeClient.run(jdk25, List.of(), null));
            add(on17, RAW, launcher.run(jdk17, ColdStartRawJdbc.class, List.of()).wallMs());
            add(on17, DEPLOYED_DEFAULT, runtimeClient.run(jdk17, List.of(), null));
        }
        Map<String, Number> figures25 = medians(on25);
        Map<String, Number> figures17 = medians(on17);
        Map<String, Double> ratios25 = RoundTripMeasure.ratiosToBaseline(figures25);
        ratios25.put(DEPLOYED + "/" + JDBI, CaseResult.ratio(figures25, DEPLOYED, JDBI));
        ratios25.put(MAIN + "/" + JDBI, CaseResult.ratio(figures25, MAIN, JDBI));
        ratios25.put(DEPLOYED + "/" + MAIN, CaseResult.ratio(figures25, DEPLOYED, MAIN));
        String unit = "ms (median of " + runs + ")";
        return List.of(
                new CaseResult("cold-start", "deployed-spawn-to-response-" + jdk25.key(), "spawn → response at the"
                        + " Runtime API, txfn + Lambda adapter started as its container image starts it, "
                        + jdk25.label(), unit, figures25, ratios25, notes(figures25, deployedCache)),
                new CaseResult("cold-start", "deployed-spawn-to-response-" + jdk17.key(), "spawn → response at the"
                        + " Runtime API, txfn + Lambda adapter started as its container image starts it, default"
                        + " flags, " + jdk17.label(), unit, figures17, RoundTripMeasure.ratiosToBaseline(figures17),
                        List.of()));
    }

    private List<String> notes(Map<String, Number> figures, Path deployedCache) throws IOException {
        double raw = figures.get(RAW).doubleValue();
        double jdbi = figures.get(JDBI).doubleValue();
        double deployed = figures.get(DEPLOYED).doubleValue();
        double main = figures.get(MAIN).doubleValue();
        return List.of(String.format(Locale.ROOT, "How the deployed form was started: `%s %s -cp bench.jar:%s/"
                + "<runtime client jar> %s %s`, the options of samples/things-api/Dockerfile's ENTRYPOINT, with"
                + " `JAVA_TOOL_OPTIONS=-XX:AOTCache=<cache>` as template-container.yaml sets it per function and"
                + " only the reserved Lambda variables and `DATABASE_URL` in its environment; the handler is"
                + " ColdStartTxfnLambda.Handler (`GET /things/{id}`, one read-only transaction, the same work as"
                + " the other variants), packaged as the container jar is (handler classes + runtime client on the"
                + " class path). dev.txfn.lambda.LocalRuntimeApi hands the real runtime client one API Gateway HTTP"
                + " API event; the time is the parent's clock from spawn to the response's arrival at the emulator"
                + " (the child's own clock is not read: the runtime client's process runs no bench code). The"
                + " cache (%.1f MB) comes from one training run per measure run against the bench's database, as"
                + " the image build's training step (`things-api.jar aot-training`) makes it: the same command"
                + " plus `-XX:AOTCacheOutput=<cache> -Xlog:aot=error -XX:MaxRAM=1g`, %d events, SIGTERM. Jdbi +"
                + " HikariCP and txfn from `main` run at the same options with an AOT cache each, trained by one"
                + " run of their `main` at those options; raw JDBC at default flags, no cache.",
                jdk25.java(), String.join(" ", ColdStartRuntimeClient.ENTRYPOINT_OPTIONS),
                ColdStartRuntimeClient.RUNTIME_CLIENT_DIR, ColdStartRuntimeClient.RUNTIME_CLIENT_MAIN,
                ColdStartRuntimeClient.HANDLER, Files.size(deployedCache) / 1e6,
                ColdStartRuntimeClient.TRAINING_EVENTS),
                String.format(Locale.ROOT, "%s target, as deployed: txfn + Lambda adapter with its AOT cache ÷ raw"
                        + " JDBC at default flags = %.2f, %s the %.1f× target; ÷ Jdbi + HikariCP at equal flags"
                        + " = %.2f, %s the %.1f× target (txfn + adapter from `main` ÷ Jdbi + HikariCP = %.2f,"
                        + " so the runtime client's share, deployed ÷ `main`, is %.2f)", jdk25.label(),
                        deployed / raw, deployed / raw <= TARGET_RAW ? "within" : "NOT within", TARGET_RAW,
                        deployed / jdbi, deployed / jdbi <= TARGET_JDBI ? "within" : "NOT within", TARGET_JDBI,
                        main / jdbi, deployed / main));
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
