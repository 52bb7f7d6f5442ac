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
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Measure 4: cold start. Each variant is a minimal handler with a {@code main} of its own in this jar
 * ({@link ColdStartRawJdbc}, {@link ColdStartJdbi}, {@link ColdStartTxfn}, {@link ColdStartTxfnLambda}), started
 * as a fresh JVM by {@link ColdStartLauncher} and timed to its first transaction's result; the variants take
 * turns run by run, so machine noise falls on all alike. Then the same with the deployment artifact's class-data
 * sharing: a dynamic AppCDS archive per variant ({@code -XX:ArchiveClassesAtExit} in one training run, then
 * {@code -XX:SharedArchiveFile}), and that plus C1 only ({@code -XX:TieredStopAtLevel=1}, the usual Lambda
 * setting). Where the time goes is read from a {@code -Xlog:class+load} log of one extra run per variant.
 * Not thread-safe.
 */
public final class ColdStartMeasure implements Measure {

    /** The target of issue 5: txfn with the adapter within this factor of raw JDBC. */
    static final double TARGET_RATIO = 1.3;

    /** Where {@code mvn package} copies the OpenTelemetry jars, next to bench.jar. */
    static final String OPENTELEMETRY_DIR = "opentelemetry";

    /** The variants, in column order; the first is the baseline. */
    private enum Variant {
        RAW_JDBC(Implementation.RAW_JDBC.key(), ColdStartRawJdbc.class),
        JDBI(Implementation.JDBI.key(), ColdStartJdbi.class),
        TXFN(Implementation.TXFN.key(), ColdStartTxfn.class),
        TXFN_SECRET_EXTENSION("txfn, password from Secrets Manager via the Lambda extension", ColdStartTxfnSecret.class),
        TXFN_SECRET_SDK("txfn, password from Secrets Manager via the AWS SDK", ColdStartTxfnSecret.WithoutExtension.class),
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
                + " one), txfn's core (`Database.fromEnv()`, `tx.readOnly`), the same with the password in Secrets"
                + " Manager (`TXFN_PASSWORD_SECRET`, read on the first connection through the Lambda extension, or"
                + " with the AWS SDK when no extension answers; both played by a loopback HTTP server of the parent"
                + " that answers at once, so the figures are the client side's cost: class loading and one local"
                + " request), and txfn with the Lambda adapter (an"
                + " `HttpApiHandler` with one route, called with an `APIGatewayV2HTTPEvent` and a `LocalContext`),"
                + " with its resources from `LambdaResources.of(Database.fromEnv())` (no warm-up) and as deployed,"
                + " from `LambdaResources.fromEnv()` (which starts `Tx.warmUp()`), and the same with the OpenTelemetry"
                + " SDK registered (simple span processor, no-op exporter, telemetry flush set: one invocation span"
                + " made and exported; the OpenTelemetry jars are on that variant's class path only)."
                + " Median of N runs, the variants taking turns; \"spawn\" figures are the parent's clock, the"
                + " others the child's (`main` entered, `RuntimeMXBean` start time). Then each step of class-data"
                + " sharing for the deployment artifact: a dynamic AppCDS archive per variant (one training run"
                + " with `-XX:ArchiveClassesAtExit`, then `-XX:SharedArchiveFile`), and that plus"
                + " `-XX:TieredStopAtLevel=1`. Target: txfn + adapter within " + TARGET_RATIO + "× raw JDBC.";
    }

    @Override
    public List<CaseResult> run(BenchContext context, boolean quick) throws Exception {
        int runs = quick ? 3 : 10;
        ColdStartSecretEndpoint secrets = null;
        Path work = Files.createTempDirectory("txfn-cold-start",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            String classPath = classPath();
            String jdbcUrl = context.database().direct().jdbcUrl();
            secrets = ColdStartSecretEndpoint.start(jdbcUrl);
            ColdStartLauncher launcher = new ColdStartLauncher(classPath, jdbcUrl, work, Map.of(
                    ColdStartTxfnSecret.class, secrets.extensionEnvironment(jdbcUrl),
                    ColdStartTxfnSecret.WithoutExtension.class, secrets.sdkEnvironment(jdbcUrl)),
                    Map.of(ColdStartTxfnLambdaTraced.class, withOpenTelemetry(classPath)));
            // Page the jar and the JDK in; not counted. Quick runs warm up with the baseline alone.
            for (Variant v : quick ? List.of(Variant.RAW_JDBC) : List.of(Variant.values())) {
                launcher.run(v.main, List.of());
            }
            List<CaseResult> results = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            Map<Variant, List<ColdStartLauncher.Run>> plain = rounds(launcher, runs, v -> List.of());
            Map<Variant, ClassLoadCensus> plainCensus = census(launcher, work, v -> List.of());
            results.add(timing("spawn-to-result", "spawn → first result, default JVM", runs, plain,
                    ColdStartLauncher.Run::wallMs, targetNote(plain)));
            results.add(timing("jvm-start-to-result", "JVM start → first result (child's clock), default JVM", runs,
                    plain, ColdStartLauncher.Run::jvmStartToResultMs, List.of()));
            results.add(timing("spawn-to-main", "of which spawn → `main` (JVM boot, opening the jar)", runs, plain,
                    r -> r.wallMs() - r.mainToResultMs(), List.of()));
            results.add(timing("main-to-setup", "of which `main` → handler constructed (pool, Jdbi, routes)", runs,
                    plain, ColdStartLauncher.Run::mainToSetupMs, List.of()));
            results.add(timing("setup-to-result", "of which handler constructed → first result (connect, first tx)",
                    runs, plain, r -> r.mainToResultMs() - r.mainToSetupMs(), List.of()));
            results.add(classes("classes", "classes loaded, default JVM", plainCensus, ClassLoadCensus::total,
                    libraryNotes(plainCensus)));
            results.add(classes("classes-from-jar", "of which parsed from bench.jar, default JVM", plainCensus,
                    ClassLoadCensus::appJar, List.of()));
            if (!classPath.endsWith(".jar")) {
                notes.add("AppCDS steps skipped: the children do not run from a jar (" + classPath + ")");
                return withNote(results, notes);
            }
            Map<Variant, Path> archives = train(launcher, work, notes);
            Function<Variant, List<String>> cds = v -> List.of("-XX:SharedArchiveFile=" + archives.get(v));
            Function<Variant, List<String>> cdsC1 = v -> List.of("-XX:SharedArchiveFile=" + archives.get(v),
                    "-XX:TieredStopAtLevel=1");
            Map<Variant, List<ColdStartLauncher.Run>> shared = rounds(launcher, runs, cds);
            Map<Variant, ClassLoadCensus> sharedCensus = census(launcher, work, cds);
            Map<Variant, List<ColdStartLauncher.Run>> sharedC1 = rounds(launcher, runs, cdsC1);
            results.add(timing("appcds-spawn-to-result", "spawn → first result, + AppCDS archive", runs, shared,
                    ColdStartLauncher.Run::wallMs, gainNotes("AppCDS", plain, shared)));
            results.add(timing("appcds-main-to-result", "of which `main` → first result, + AppCDS archive", runs,
                    shared, ColdStartLauncher.Run::mainToResultMs, List.of()));
            results.add(classes("appcds-classes-from-jar", "classes still parsed from bench.jar, + AppCDS archive",
                    sharedCensus, ClassLoadCensus::appJar, List.of()));
            results.add(timing("appcds-c1-spawn-to-result", "spawn → first result, + AppCDS + TieredStopAtLevel=1",
                    runs, sharedC1, ColdStartLauncher.Run::wallMs, gainNotes("C1 only, on top of AppCDS", shared,
                            sharedC1)));
            return withNote(results, notes);
        } finally {
            if (secrets != null) {
                secrets.close();
            }
            deleteTree(work);
        }
    }

    /** {@code runs} rounds, each starting every variant once with its flags. */
    private static Map<Variant, List<ColdStartLauncher.Run>> rounds(ColdStartLauncher launcher, int runs,
            Function<Variant, List<String>> flags) throws IOException, InterruptedException {
        Map<Variant, List<ColdStartLauncher.Run>> all = new EnumMap<>(Variant.class);
        for (int i = 0; i < runs; i++) {
            for (Variant v : Variant.values()) {
                all.computeIfAbsent(v, k -> new ArrayList<>()).add(launcher.run(v.main, flags.apply(v)));
            }
        }
        return all;
    }

    private static Map<Variant, ClassLoadCensus> census(ColdStartLauncher launcher, Path work,
            Function<Variant, List<String>> flags) throws IOException, InterruptedException {
        Map<Variant, ClassLoadCensus> census = new EnumMap<>(Variant.class);
        for (Variant v : Variant.values()) {
            Path log = work.resolve(v.name() + "-class-load.log");
            Files.deleteIfExists(log);
            List<String> options = new ArrayList<>(flags.apply(v));
            options.add(ClassLoadCensus.logOption(log));
            launcher.run(v.main, options);
            census.put(v, ClassLoadCensus.read(log));
        }
        return census;
    }

    /** One training run per variant, dumping its dynamic archive at exit. */
    private static Map<Variant, Path> train(ColdStartLauncher launcher, Path work, List<String> notes)
            throws IOException, InterruptedException {
        Map<Variant, Path> archives = new EnumMap<>(Variant.class);
        List<String> sizes = new ArrayList<>();
        for (Variant v : Variant.values()) {
            Path archive = work.resolve(v.name() + ".jsa");
            launcher.run(v.main, List.of("-XX:ArchiveClassesAtExit=" + archive));
            if (!Files.isRegularFile(archive)) {
                throw new IOException("the training run of " + v.key + " wrote no archive " + archive);
            }
            archives.put(v, archive);
            sizes.add(String.format(Locale.ROOT, "%s %.1f MB", v.key, Files.size(archive) / 1e6));
        }
        notes.add("AppCDS archives (one training run each, `-XX:ArchiveClassesAtExit`): " + String.join(", ", sizes));
        return archives;
    }

    private static CaseResult timing(String name, String description, int runs,
            Map<Variant, List<ColdStartLauncher.Run>> measured, ToDoubleFunction<ColdStartLauncher.Run> figure,
            List<String> notes) {
        Map<String, Number> figures = new LinkedHashMap<>();
        measured.forEach((v, list) -> figures.put(v.key, median(list, figure)));
        return new CaseResult("cold-start", name, description, "ms (median of " + runs + ")", figures,
                RoundTripMeasure.ratiosToBaseline(figures), notes);
    }

    private static CaseResult classes(String name, String description, Map<Variant, ClassLoadCensus> census,
            Function<ClassLoadCensus, Integer> count, List<String> notes) {
        Map<String, Number> figures = new LinkedHashMap<>();
        census.forEach((v, c) -> figures.put(v.key, count.apply(c)));
        return new CaseResult("cold-start", name, description, "classes", figures,
                RoundTripMeasure.ratiosToBaseline(figures), notes);
    }

    private static double median(List<ColdStartLauncher.Run> runs, ToDoubleFunction<ColdStartLauncher.Run> figure) {
        return Percentiles.median(runs.stream().mapToDouble(figure).toArray());
    }

    private static List<String> targetNote(Map<Variant, List<ColdStartLauncher.Run>> plain) {
        double raw = median(plain.get(Variant.RAW_JDBC), ColdStartLauncher.Run::wallMs);
        double lambda = median(plain.get(Variant.TXFN_LAMBDA), ColdStartLauncher.Run::wallMs);
        double core = median(plain.get(Variant.TXFN), ColdStartLauncher.Run::wallMs);
        double cold = median(plain.get(Variant.TXFN_LAMBDA_NO_WARM_UP), ColdStartLauncher.Run::wallMs);
        double traced = median(plain.get(Variant.TXFN_LAMBDA_TRACED), ColdStartLauncher.Run::wallMs);
        double ratio = lambda / raw;
        return List.of(String.format(Locale.ROOT, "target: txfn + Lambda adapter ÷ raw JDBC = %.2f, %s the %.1f×"
                + " target (txfn core alone: %.2f)", ratio, ratio <= TARGET_RATIO ? "within" : "NOT within",
                TARGET_RATIO, core / raw), String.format(Locale.ROOT, "the warm-up `LambdaResources.fromEnv()`"
                + " starts (connect and first transaction on a background thread while the handler is built)"
                + " bought: %.0f → %.0f ms (%+.0f%%)", cold, lambda, (lambda - cold) / cold * 100),
                String.format(Locale.ROOT, "traces: registering the OpenTelemetry SDK and making and flushing the"
                + " invocation span cost %.0f → %.0f ms (%+.0f ms)", lambda, traced, traced - lambda));
    }

    private static List<String> libraryNotes(Map<Variant, ClassLoadCensus> census) {
        List<String> notes = new ArrayList<>();
        census.forEach((v, c) -> notes.add(String.format(Locale.ROOT, "%s loads %d classes: %d from the JDK's CDS"
                + " archive, %d parsed from the JDK's modules, %d from bench.jar, %d generated at run time;"
                + " non-JDK classes by library: %s", v.key, c.total(), c.jdkArchive(), c.jdkModules(), c.appJar(),
                c.generated(), c.librarySummary())));
        return notes;
    }

    private static List<String> gainNotes(String step, Map<Variant, List<ColdStartLauncher.Run>> before,
            Map<Variant, List<ColdStartLauncher.Run>> after) {
        List<String> parts = new ArrayList<>();
        for (Variant v : Variant.values()) {
            double was = median(before.get(v), ColdStartLauncher.Run::wallMs);
            double now = median(after.get(v), ColdStartLauncher.Run::wallMs);
            parts.add(String.format(Locale.ROOT, "%s %.0f → %.0f ms (%+.0f%%)", v.key, was, now,
                    (now - was) / was * 100));
        }
        return List.of(step + " bought: " + String.join("; ", parts));
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
