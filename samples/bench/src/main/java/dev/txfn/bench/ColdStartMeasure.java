package dev.txfn.bench;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Measure 4: cold start. Each variant is a minimal handler with a {@code main} of its own in this jar
 * ({@link ColdStartRawJdbc}, {@link ColdStartJdbi} with and without PostgresPlugin, {@link ColdStartTxfn},
 * {@link ColdStartTxfnLambda}), started
 * as a fresh JVM by {@link ColdStartLauncher} and timed to its first transaction's result, on the running JDK and
 * on a JDK 25 when one is found ({@link ColdStartJdk}); the variants and JDKs take turns run by run, so machine
 * noise falls on all alike. Then the same with the deployment artifact's class-data sharing, each step in the same
 * rounds (so that ratios across steps are same-run ratios too): per variant, a
 * dynamic AppCDS archive on JDK 17 ({@code -XX:ArchiveClassesAtExit} in one training run, then
 * {@code -XX:SharedArchiveFile}) and an AOT cache on JDK 25 ({@code -XX:AOTCacheOutput}, then
 * {@code -XX:AOTCache}), and that plus C1 only ({@code -XX:TieredStopAtLevel=1}, the usual Lambda setting). Where
 * the time goes is read from a {@code -Xlog:class+load} log of one extra run per variant and JDK, down to the
 * classes txfn loads beyond the hand-written Jdbi + HikariCP handler, and from CPU profiles of a few more
 * ({@link ColdStartCpuProfile}): how much CPU each library, txfn's own code among them, takes.
 * Not thread-safe.
 */
public final class ColdStartMeasure implements Measure {

    /** The target of issue 5: txfn with the adapter within this factor of raw JDBC. */
    static final double TARGET_RATIO = 1.3;

    /** Issue 12: txfn with the adapter and its AOT cache within this factor of raw JDBC at default flags. */
    static final double AOT_TARGET_RAW = 1.2;

    /** Issue 12: txfn with the adapter within this factor of Jdbi + HikariCP at equal flags. */
    static final double AOT_TARGET_JDBI = 1.1;

    /** Profiled runs per variant and JDK for the CPU-by-library rows. */
    private static final int PROFILED_RUNS = 5;

    /** Where {@code mvn package} copies the OpenTelemetry jars, next to bench.jar. */
    static final String OPENTELEMETRY_DIR = "opentelemetry";

    /** The variants, in column order; the first is the baseline. */
    private enum Variant {
        RAW_JDBC(Implementation.RAW_JDBC.key(), ColdStartRawJdbc.class),
        JDBI(Implementation.JDBI.key(), ColdStartJdbi.class),
        JDBI_POSTGRES("Jdbi + HikariCP + PostgresPlugin", ColdStartJdbi.WithPostgresPlugin.class),
        TXFN(Implementation.TXFN.key(), ColdStartTxfn.class),
        TXFN_SECRET_EXTENSION("txfn, password from Secrets Manager via the Lambda extension", ColdStartTxfnSecret.class),
        TXFN_SECRET_SDK("txfn, password from Secrets Manager via the AWS SDK", ColdStartTxfnSecret.WithoutExtension.class),
        TXFN_TLS("txfn over TLS (sslmode=require)", ColdStartTxfnTls.class),
        TXFN_TLS_IAM("txfn over TLS, password an RDS IAM token", ColdStartTxfnTls.WithIamToken.class),
        TXFN_LAMBDA_NO_WARM_UP("txfn + Lambda adapter, no warm-up", ColdStartTxfnLambdaNoWarmUp.class),
        TXFN_LAMBDA("txfn + Lambda adapter", ColdStartTxfnLambda.class),
        TXFN_LAMBDA_TRACED("txfn + Lambda adapter with OpenTelemetry SDK configured",
                ColdStartTxfnLambdaTraced.class);

        final String key;
        final Class<?> main;

        Variant(String key, Class<?> main) {
            this.key = key;
            this.main = main;
        }
    }

    @Override
    public String name() {
        return "cold-start";
    }

    @Override
    public String title() {
        return "4. Cold start";
    }

    @Override
    public String description() {
        return "A fresh JVM (`java -cp bench.jar <main>`) from process spawn to the first transaction's result, for a"
                + " minimal handler with raw JDBC (connection opened on the first request), Jdbi + HikariCP (pool of"
                + " one), the same with Jdbi's `PostgresPlugin` installed (txfn offers the same"
                + " factories, made when first needed), txfn's core (`Database.fromEnv()`, `tx.readOnly`), the same"
                + " with the password in Secrets"
                + " Manager (`TXFN_PASSWORD_SECRET`, read on the first connection through the Lambda extension, or"
                + " with the AWS SDK when no extension answers; both played by a loopback HTTP server of the parent"
                + " that answers at once, so the figures are the client side's cost: class loading and one local"
                + " request), the same over TLS (`sslmode=require`, as RDS asks; a server of the measure's own on"
                + " 127.0.0.1 with a certificate made for the run) with no password and with an RDS IAM token as the"
                + " password (`TXFN_IAM_AUTH=true`: the token is signed as on Lambda; the server trusts the client, so"
                + " it is offered but not checked), and txfn with the Lambda adapter (an"
                + " `HttpApiHandler` with one route, called with an `APIGatewayV2HTTPEvent` and a `LocalContext`),"
                + " with its resources from `LambdaResources.of(Database.fromEnv())` (no warm-up) and as deployed,"
                + " from `LambdaResources.fromEnv()` (which starts `Tx.warmUp()`), and the same with the OpenTelemetry"
                + " SDK registered (simple span processor, no-op exporter, telemetry flush set: one invocation span"
                + " made and exported; the OpenTelemetry jars are on that variant's class path only)."
                + " Each on JDK 17 and JDK 25 (when the bench finds one: `-Dtxfn.bench.jdk25=<home>`,"
                + " `TXFN_BENCH_JDK25`, else `/usr/lib/jvm/temurin-25-jdk-amd64`)."
                + " Median of N runs, the variants, JDKs and steps below taking turns; \"spawn\" figures are the"
                + " parent's clock,"
                + " the others the child's (`main` entered, `RuntimeMXBean` start time). Then each step of class-data"
                + " sharing for the deployment artifact: per variant a dynamic AppCDS archive on JDK 17 (one"
                + " training run with `-XX:ArchiveClassesAtExit`, then `-XX:SharedArchiveFile`) and an AOT cache on"
                + " JDK 25 (`-XX:AOTCacheOutput`, then `-XX:AOTCache`), and that plus `-XX:TieredStopAtLevel=1`."
                + " Where the CPU goes: " + PROFILED_RUNS + " more runs per variant and JDK under async-profiler"
                + " (its native agent, a CPU sample of every thread every " + ColdStartCpuProfile.INTERVAL_MS
                + " ms), JIT compiler and GC threads apart, every other sample given to the library whose frame is"
                + " innermost on its stack, so that the class loading, verification and lambda linkage the JVM"
                + " does for a library count as that library's (\"txfn's own code\" is txfn's core and adapter)."
                + " Targets: txfn + adapter within " + TARGET_RATIO + "× raw JDBC; with its AOT cache within "
                + AOT_TARGET_RAW + "× raw JDBC at default flags and " + AOT_TARGET_JDBI + "× Jdbi + HikariCP at"
                + " equal flags; txfn's core no slower than Jdbi + HikariCP. " + ColdStartDeployed.DESCRIPTION;
    }

    @Override
    public List<CaseResult> run(BenchContext context, boolean quick) throws Exception {
        int runs = quick ? 3 : 10;
        ColdStartSecretEndpoint secrets = null;
        ColdStartTlsServer tls = null;
        Path work = Files.createTempDirectory("txfn-cold-start",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            List<String> notes = new ArrayList<>();
            List<ColdStartJdk> jdks = ColdStartJdk.available(notes);
            String classPath = classPath();
            String jdbcUrl = context.database().direct().jdbcUrl();
            secrets = ColdStartSecretEndpoint.start(jdbcUrl);
            tls = ColdStartTlsServer.start();
            ColdStartLauncher launcher = new ColdStartLauncher(classPath, jdbcUrl, work, Map.of(
                    ColdStartTxfnSecret.class, secrets.extensionEnvironment(jdbcUrl),
                    ColdStartTxfnSecret.WithoutExtension.class, secrets.sdkEnvironment(jdbcUrl),
                    ColdStartTxfnTls.class, tls.tlsEnvironment(),
                    ColdStartTxfnTls.WithIamToken.class, tls.iamEnvironment()),
                    Map.of(ColdStartTxfnLambdaTraced.class, withOpenTelemetry(classPath)));
            // Page the jar and each JDK in; not counted. Quick runs warm up with the baseline alone.
            for (ColdStartJdk jdk : jdks) {
                for (Variant v : quick ? List.of(Variant.RAW_JDBC) : List.of(Variant.values())) {
                    launcher.run(jdk, v.main, List.of());
                }
            }
            List<CaseResult> results = new ArrayList<>();
            boolean fromJar = classPath.endsWith(".jar");
            Map<ColdStartJdk, String> archiveNotes = new LinkedHashMap<>();
            Map<ColdStartJdk, Map<Variant, Path>> archives = fromJar ? train(launcher, jdks, work, archiveNotes)
                    : Map.of();
            Flags archived = (jdk, v) -> jdk.archiveFlags(archives.get(jdk).get(v));
            Flags archivedC1 = (jdk, v) -> {
                List<String> flags = new ArrayList<>(archived.of(jdk, v));
                flags.add("-XX:TieredStopAtLevel=1");
                return flags;
            };
            // Every step in every round, so that the targets comparing steps divide figures measured side by side.
            List<Timings> steps = rounds(launcher, jdks, runs, fromJar ? List.of((jdk, v) -> List.of(), archived,
                    archivedC1) : List.of((jdk, v) -> List.of()));
            Timings plain = steps.get(0);
            Map<ColdStartJdk, Map<Variant, ClassLoadCensus>> plainCensus = census(launcher, jdks, work,
                    (jdk, v) -> List.of());
            for (ColdStartJdk jdk : jdks) {
                results.add(timing("spawn-to-result", "spawn → first result, default JVM", jdk, runs, plain,
                        ColdStartLauncher.Run::wallMs, targetNotes(jdk, plain)));
            }
            perJdk(results, jdks, jdk -> timing("jvm-start-to-result", "JVM start → first result (child's clock),"
                    + " default JVM", jdk, runs, plain, ColdStartLauncher.Run::jvmStartToResultMs, List.of()));
            perJdk(results, jdks, jdk -> timing("spawn-to-main", "of which spawn → `main` (JVM boot, opening the"
                    + " jar)", jdk, runs, plain, r -> r.wallMs() - r.mainToResultMs(), List.of()));
            perJdk(results, jdks, jdk -> timing("main-to-setup", "of which `main` → handler constructed (pool, Jdbi,"
                    + " routes)", jdk, runs, plain, ColdStartLauncher.Run::mainToSetupMs, List.of()));
            perJdk(results, jdks, jdk -> timing("setup-to-result", "of which handler constructed → first result"
                    + " (connect, first tx)", jdk, runs, plain, r -> r.mainToResultMs() - r.mainToSetupMs(),
                    List.of()));
            perJdk(results, jdks, jdk -> classes("classes", "classes loaded, default JVM", jdk, plainCensus.get(jdk),
                    ClassLoadCensus::total, libraryNotes(jdk, plainCensus.get(jdk))));
            perJdk(results, jdks, jdk -> classes("classes-from-jar", "of which parsed from bench.jar, default JVM",
                    jdk, plainCensus.get(jdk), ClassLoadCensus::appJar, List.of()));
            Optional<Path> agent = ColdStartCpuProfile.agent(classPath, work, notes);
            if (agent.isPresent()) {
                Map<ColdStartJdk, Map<Variant, ColdStartCpuProfile>> cpu = profiles(launcher, jdks, work,
                        agent.get(), quick ? 1 : PROFILED_RUNS);
                String unit = "ms of CPU (median of " + (quick ? 1 : PROFILED_RUNS) + ")";
                perJdk(results, jdks, jdk -> row("cpu-all", "CPU time of all threads, default JVM (async-profiler)",
                        jdk, unit, cpu.get(jdk), ColdStartCpuProfile::allMs, List.of()));
                perJdk(results, jdks, jdk -> row("cpu-jit", "of which JIT compiler threads", jdk, unit, cpu.get(jdk),
                        ColdStartCpuProfile::jitMs, List.of()));
                perJdk(results, jdks, jdk -> row("cpu-application", "of which the other threads (application, pool,"
                        + " JVM service)", jdk, unit, cpu.get(jdk), ColdStartCpuProfile::applicationMs,
                        cpuNotes(jdk, cpu.get(jdk))));
                perJdk(results, jdks, jdk -> row("cpu-txfn", "of which in txfn's own code (core and adapter; its"
                        + " frame innermost among the libraries')", jdk, unit, cpu.get(jdk),
                        ColdStartCpuProfile::txfnMs, List.of()));
            }
            if (!fromJar) {
                notes.add("AppCDS and AOT cache steps skipped: the children do not run from a jar (" + classPath
                        + ")");
                return withNote(results, notes);
            }
            Timings shared = steps.get(1);
            Timings sharedC1 = steps.get(2);
            Map<ColdStartJdk, Map<Variant, ClassLoadCensus>> sharedCensus = census(launcher, jdks, work, archived);
            perJdk(results, jdks, jdk -> timing(jdk.archiveKey() + "-spawn-to-result", "spawn → first result, + "
                    + jdk.archiveName(), jdk, runs, shared, ColdStartLauncher.Run::wallMs,
                    List.of(archiveNotes.get(jdk), gainNote(jdk.label() + ", " + jdk.archiveName(), plain.of(jdk),
                            shared.of(jdk)))));
            perJdk(results, jdks, jdk -> timing(jdk.archiveKey() + "-main-to-result", "of which `main` → first"
                    + " result, + " + jdk.archiveName(), jdk, runs, shared, ColdStartLauncher.Run::mainToResultMs,
                    List.of()));
            perJdk(results, jdks, jdk -> classes(jdk.archiveKey() + "-classes-from-jar", "classes still parsed from"
                    + " bench.jar, + " + jdk.archiveName(), jdk, sharedCensus.get(jdk), ClassLoadCensus::appJar,
                    List.of()));
            perJdk(results, jdks, jdk -> timing(jdk.archiveKey() + "-c1-spawn-to-result", "spawn → first result, + "
                    + jdk.archiveName() + " + TieredStopAtLevel=1", jdk, runs, sharedC1,
                    ColdStartLauncher.Run::wallMs, withAotTarget(jdk, plain, shared, sharedC1,
                            gainNote(jdk.label() + ", C1 only, on top of the " + jdk.archiveName(), shared.of(jdk),
                                    sharedC1.of(jdk)))));
            // Issue 12, the deployed form: txfn + adapter through the runtime client with its AOT cache.
            results.addAll(ColdStartDeployed.measure(launcher, jdks, Path.of(classPath), jdbcUrl, work, runs, notes));
            return withNote(results, notes);
        } finally {
            if (secrets != null) {
                secrets.close();
            }
            if (tls != null) {
                tls.close();
            }
            deleteTree(work);
        }
    }

    /** The JVM options of one child. */
    @FunctionalInterface
    private interface Flags {
        List<String> of(ColdStartJdk jdk, Variant variant);
    }

    /** The runs of one step, by JDK and variant. */
    private record Timings(Map<ColdStartJdk, Map<Variant, List<ColdStartLauncher.Run>>> byJdk) {
        Map<Variant, List<ColdStartLauncher.Run>> of(ColdStartJdk jdk) {
            return byJdk.get(jdk);
        }

        double median(ColdStartJdk jdk, Variant variant) {
            return ColdStartMeasure.median(byJdk.get(jdk).get(variant), ColdStartLauncher.Run::wallMs);
        }
    }

    private static void perJdk(List<CaseResult> results, List<ColdStartJdk> jdks,
            Function<ColdStartJdk, CaseResult> row) {
        jdks.forEach(jdk -> results.add(row.apply(jdk)));
    }

    /**
     * {@code runs} rounds, each starting every variant once on every JDK with the flags of every step; one
     * {@link Timings} per step, in the order of {@code steps}.
     */
    private static List<Timings> rounds(ColdStartLauncher launcher, List<ColdStartJdk> jdks, int runs,
            List<Flags> steps) throws IOException, InterruptedException {
        List<Map<ColdStartJdk, Map<Variant, List<ColdStartLauncher.Run>>>> all = new ArrayList<>();
        steps.forEach(step -> all.add(new LinkedHashMap<>()));
        for (int i = 0; i < runs; i++) {
            for (Variant v : Variant.values()) {
                for (ColdStartJdk jdk : jdks) {
                    for (int step = 0; step < steps.size(); step++) {
                        all.get(step).computeIfAbsent(jdk, k -> new EnumMap<>(Variant.class))
                                .computeIfAbsent(v, k -> new ArrayList<>())
                                .add(launcher.run(jdk, v.main, steps.get(step).of(jdk, v)));
                    }
                }
            }
        }
        return all.stream().map(Timings::new).toList();
    }

    private static Map<ColdStartJdk, Map<Variant, ClassLoadCensus>> census(ColdStartLauncher launcher,
            List<ColdStartJdk> jdks, Path work, Flags flags) throws IOException, InterruptedException {
        Map<ColdStartJdk, Map<Variant, ClassLoadCensus>> census = new LinkedHashMap<>();
        for (ColdStartJdk jdk : jdks) {
            Map<Variant, ClassLoadCensus> ofJdk = new EnumMap<>(Variant.class);
            for (Variant v : Variant.values()) {
                Path log = work.resolve(v.name() + "-" + jdk.key() + "-class-load.log");
                Files.deleteIfExists(log);
                List<String> options = new ArrayList<>(flags.of(jdk, v));
                options.add(ClassLoadCensus.logOption(log));
                launcher.run(jdk, v.main, options);
                ofJdk.put(v, ClassLoadCensus.read(log));
            }
            census.put(jdk, ofJdk);
        }
        return census;
    }

    /**
     * {@code runs} rounds under the profiler, every variant on every JDK in each; per variant and JDK the median
     * profile.
     */
    private static Map<ColdStartJdk, Map<Variant, ColdStartCpuProfile>> profiles(ColdStartLauncher launcher,
            List<ColdStartJdk> jdks, Path work, Path agent, int runs) throws IOException, InterruptedException {
        Map<ColdStartJdk, Map<Variant, List<ColdStartCpuProfile>>> all = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            for (Variant v : Variant.values()) {
                for (ColdStartJdk jdk : jdks) {
                    Path profile = work.resolve(v.name() + "-" + jdk.key() + "-cpu.collapsed");
                    Files.deleteIfExists(profile);
                    launcher.run(jdk, v.main, List.of(ColdStartCpuProfile.agentOption(agent, profile)));
                    all.computeIfAbsent(jdk, k -> new EnumMap<>(Variant.class))
                            .computeIfAbsent(v, k -> new ArrayList<>()).add(ColdStartCpuProfile.read(profile));
                }
            }
        }
        Map<ColdStartJdk, Map<Variant, ColdStartCpuProfile>> medians = new LinkedHashMap<>();
        all.forEach((jdk, byVariant) -> {
            Map<Variant, ColdStartCpuProfile> ofJdk = new EnumMap<>(Variant.class);
            byVariant.forEach((v, list) -> ofJdk.put(v, ColdStartCpuProfile.median(list)));
            medians.put(jdk, ofJdk);
        });
        return medians;
    }

    /** One training run per variant and JDK, writing its archive (JDK 17) or AOT cache (JDK 25) at exit. */
    private static Map<ColdStartJdk, Map<Variant, Path>> train(ColdStartLauncher launcher, List<ColdStartJdk> jdks,
            Path work, Map<ColdStartJdk, String> notes) throws IOException, InterruptedException {
        Map<ColdStartJdk, Map<Variant, Path>> archives = new LinkedHashMap<>();
        for (ColdStartJdk jdk : jdks) {
            Map<Variant, Path> ofJdk = new EnumMap<>(Variant.class);
            List<String> sizes = new ArrayList<>();
            for (Variant v : Variant.values()) {
                Path archive = work.resolve(jdk.archiveFileName(v.name()));
                launcher.run(jdk, v.main, jdk.trainingFlags(archive));
                if (!Files.isRegularFile(archive)) {
                    throw new IOException("the training run of " + v.key + " on " + jdk.label() + " wrote no "
                            + jdk.archiveName() + " " + archive);
                }
                ofJdk.put(v, archive);
                sizes.add(String.format(Locale.ROOT, "%s %.1f MB", v.key, Files.size(archive) / 1e6));
            }
            archives.put(jdk, ofJdk);
            notes.put(jdk, jdk.label() + " " + jdk.archiveName() + "s (one training run each, `"
                    + jdk.trainingFlags(Path.of("...")).get(0) + "`): " + String.join(", ", sizes));
        }
        return archives;
    }

    private static CaseResult timing(String name, String description, ColdStartJdk jdk, int runs, Timings measured,
            ToDoubleFunction<ColdStartLauncher.Run> figure, List<String> notes) {
        Map<String, Number> figures = new LinkedHashMap<>();
        measured.of(jdk).forEach((v, list) -> figures.put(v.key, median(list, figure)));
        return new CaseResult("cold-start", name + "-" + jdk.key(), description + ", " + jdk.label(),
                "ms (median of " + runs + ")", figures, ratios(figures), notes);
    }

    private static CaseResult classes(String name, String description, ColdStartJdk jdk,
            Map<Variant, ClassLoadCensus> census, Function<ClassLoadCensus, Integer> count, List<String> notes) {
        return row(name, description, jdk, "classes", census, count, notes);
    }

    /** One row of the variants' figures, each read off what was measured of it. */
    private static <T> CaseResult row(String name, String description, ColdStartJdk jdk, String unit,
            Map<Variant, T> measured, Function<T, ? extends Number> figure, List<String> notes) {
        Map<String, Number> figures = new LinkedHashMap<>();
        measured.forEach((v, m) -> figures.put(v.key, figure.apply(m)));
        return new CaseResult("cold-start", name + "-" + jdk.key(), description + ", " + jdk.label(), unit, figures,
                ratios(figures), notes);
    }

    /**
     * Each variant ÷ raw JDBC, then what the targets compare: txfn's core and txfn with the adapter ÷
     * Jdbi + HikariCP (txfn's own share at equal flags), and the adapter's share over the core.
     */
    private static Map<String, Double> ratios(Map<String, Number> figures) {
        Map<String, Double> ratios = RoundTripMeasure.ratiosToBaseline(figures);
        for (String[] pair : new String[][] {{Variant.TXFN.key, Variant.JDBI.key},
                {Variant.TXFN.key, Variant.JDBI_POSTGRES.key}, {Variant.TXFN_LAMBDA.key, Variant.JDBI.key},
                {Variant.TXFN_LAMBDA.key, Variant.TXFN.key}}) {
            ratios.put(pair[0] + "/" + pair[1], CaseResult.ratio(figures, pair[0], pair[1]));
        }
        return ratios;
    }

    private static double median(List<ColdStartLauncher.Run> runs, ToDoubleFunction<ColdStartLauncher.Run> figure) {
        return Percentiles.median(runs.stream().mapToDouble(figure).toArray());
    }

    private static List<String> targetNotes(ColdStartJdk jdk, Timings plain) {
        double raw = plain.median(jdk, Variant.RAW_JDBC);
        double jdbi = plain.median(jdk, Variant.JDBI);
        double jdbiPostgres = plain.median(jdk, Variant.JDBI_POSTGRES);
        double core = plain.median(jdk, Variant.TXFN);
        double lambda = plain.median(jdk, Variant.TXFN_LAMBDA);
        double cold = plain.median(jdk, Variant.TXFN_LAMBDA_NO_WARM_UP);
        double overTls = plain.median(jdk, Variant.TXFN_TLS);
        double iam = plain.median(jdk, Variant.TXFN_TLS_IAM);
        double traced = plain.median(jdk, Variant.TXFN_LAMBDA_TRACED);
        double ratio = lambda / raw;
        return List.of(String.format(Locale.ROOT, "%s: txfn + Lambda adapter ÷ raw JDBC = %.2f, %s the %.1f×"
                + " target (txfn core alone: %.2f); txfn's own share at default flags: core ÷ Jdbi + HikariCP"
                + " = %.2f (target ≤ 1.0; ÷ Jdbi + HikariCP + PostgresPlugin, whose factories txfn offers: %.2f),"
                + " adapter ÷ core = %.2f (target ≤ 1.1)", jdk.label(), ratio,
                ratio <= TARGET_RATIO ? "within" : "NOT within", TARGET_RATIO, core / raw, core / jdbi,
                core / jdbiPostgres, lambda / core), String.format(Locale.ROOT, "%s: the warm-up `LambdaResources.fromEnv()` starts"
                + " (connect and first transaction on a background thread while the handler is built) bought:"
                + " %.0f → %.0f ms (%+.0f%%)", jdk.label(), cold, lambda, (lambda - cold) / cold * 100),
                String.format(Locale.ROOT, "%s credentials and TLS: TLS (sslmode=require, a server of the measure's"
                + " own) cost txfn %.0f → %.0f ms (%+.0f%%); an RDS IAM token as the password over TLS %.0f → %.0f ms"
                + " (%+.0f ms); the password from Secrets Manager through the Lambda extension %.0f → %.0f ms (%+.0f"
                + " ms), through the AWS SDK → %.0f ms (%+.0f ms)", jdk.label(), core, overTls,
                (overTls - core) / core * 100, overTls, iam, iam - overTls, core,
                plain.median(jdk, Variant.TXFN_SECRET_EXTENSION),
                plain.median(jdk, Variant.TXFN_SECRET_EXTENSION) - core,
                plain.median(jdk, Variant.TXFN_SECRET_SDK), plain.median(jdk, Variant.TXFN_SECRET_SDK) - core),
                String.format(Locale.ROOT, "%s traces: registering the OpenTelemetry SDK and making and flushing"
                + " the invocation span cost %.0f → %.0f ms (%+.0f ms)", jdk.label(), lambda, traced,
                traced - lambda));
    }

    /**
     * {@code note}, and on a JDK with an AOT cache issue 12's targets for it: txfn + adapter against raw JDBC at
     * default flags, and against Jdbi + HikariCP at equal flags.
     */
    private static List<String> withAotTarget(ColdStartJdk jdk, Timings plain, Timings shared, Timings sharedC1,
            String note) {
        if (!jdk.hasAotCache()) {
            return List.of(note);
        }
        double raw = plain.median(jdk, Variant.RAW_JDBC);
        double aot = shared.median(jdk, Variant.TXFN_LAMBDA);
        double aotC1 = sharedC1.median(jdk, Variant.TXFN_LAMBDA);
        double jdbiRatio = aot / shared.median(jdk, Variant.JDBI);
        double jdbiRatioC1 = aotC1 / sharedC1.median(jdk, Variant.JDBI);
        return List.of(note, String.format(Locale.ROOT, "%s target: txfn + Lambda adapter with its AOT cache ÷ raw"
                + " JDBC at default flags = %.2f (%.2f with C1 only), %s the %.1f× target; ÷ Jdbi + HikariCP at"
                + " equal flags = %.2f (%.2f with C1 only), %s the %.1f× target", jdk.label(), aot / raw,
                aotC1 / raw, Math.min(aot, aotC1) / raw <= AOT_TARGET_RAW ? "within" : "NOT within", AOT_TARGET_RAW,
                jdbiRatio, jdbiRatioC1, Math.max(jdbiRatio, jdbiRatioC1) <= AOT_TARGET_JDBI ? "within"
                        : "NOT within", AOT_TARGET_JDBI));
    }

    private static List<String> libraryNotes(ColdStartJdk jdk, Map<Variant, ClassLoadCensus> census) {
        List<String> notes = new ArrayList<>();
        census.forEach((v, c) -> notes.add(String.format(Locale.ROOT, "%s: %s loads %d classes: %d from the JDK's"
                + " CDS archive, %d parsed from the JDK's modules, %d from bench.jar, %d generated at run time;"
                + " non-JDK classes by library: %s", jdk.label(), v.key, c.total(), c.jdkArchive(), c.jdkModules(),
                c.appJar(), c.generated(), c.librarySummary())));
        ClassLoadCensus jdbi = census.get(Variant.JDBI);
        for (Variant v : List.of(Variant.TXFN, Variant.TXFN_LAMBDA)) {
            notes.add(jdk.label() + ": " + v.key + " loads beyond Jdbi + HikariCP " + census.get(v).beyond(jdbi));
        }
        notes.add(jdk.label() + ": " + Variant.TXFN_LAMBDA.key + " loads beyond txfn "
                + census.get(Variant.TXFN_LAMBDA).beyond(census.get(Variant.TXFN)));
        return notes;
    }

    /** By library, for the variants issue 12's targets compare. */
    private static List<String> cpuNotes(ColdStartJdk jdk, Map<Variant, ColdStartCpuProfile> profiles) {
        List<String> notes = new ArrayList<>();
        for (Variant v : List.of(Variant.RAW_JDBC, Variant.JDBI, Variant.JDBI_POSTGRES, Variant.TXFN,
                Variant.TXFN_LAMBDA_NO_WARM_UP, Variant.TXFN_LAMBDA)) {
            notes.add(jdk.label() + ": " + v.key + ", CPU of the threads other than JIT and GC by library: "
                    + profiles.get(v).summary());
        }
        return notes;
    }

    private static String gainNote(String step, Map<Variant, List<ColdStartLauncher.Run>> before,
            Map<Variant, List<ColdStartLauncher.Run>> after) {
        List<String> parts = new ArrayList<>();
        for (Variant v : Variant.values()) {
            double was = median(before.get(v), ColdStartLauncher.Run::wallMs);
            double now = median(after.get(v), ColdStartLauncher.Run::wallMs);
            parts.add(String.format(Locale.ROOT, "%s %.0f → %.0f ms (%+.0f%%)", v.key, was, now,
                    (now - was) / was * 100));
        }
        return step + " bought: " + String.join("; ", parts);
    }

    private static List<CaseResult> withNote(List<CaseResult> results, List<String> notes) {
        if (notes.isEmpty()) {
            return results;
        }
        CaseResult first = results.get(0);
        List<String> merged = new ArrayList<>(first.notes());
        merged.addAll(notes);
        results.set(0, new CaseResult(first.measure(), first.name(), first.description(), first.unit(),
                first.figures(), first.ratios(), merged));
        return results;
    }

    /**
     * The traced variant's class path: the bench jar plus the OpenTelemetry jars {@code mvn package} copies next
     * to it (the jar leaves them out, so no other variant has OpenTelemetry on its class path); a class path that
     * is not a jar (run from an IDE) already holds them.
     */
    private static String withOpenTelemetry(String classPath) throws IOException {
        if (!classPath.endsWith(".jar")) {
            return classPath;
        }
        Path dir = Path.of(classPath).resolveSibling(OPENTELEMETRY_DIR);
        if (!Files.isDirectory(dir)) {
            throw new IOException("the traced cold-start variant needs the OpenTelemetry jars in " + dir
                    + ", which mvn package copies there; it is missing");
        }
        try (Stream<Path> jars = Files.list(dir)) {
            return classPath + File.pathSeparator + jars.filter(p -> p.toString().endsWith(".jar")).sorted()
                    .map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        }
    }

    /** The jar this class was loaded from, else this JVM's class path. */
    private static String classPath() throws URISyntaxException {
        var source = ColdStartMeasure.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            Path location = Path.of(source.getLocation().toURI());
            if (Files.isRegularFile(location)) {
                return location.toString();
            }
        }
        return System.getProperty("java.class.path");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
