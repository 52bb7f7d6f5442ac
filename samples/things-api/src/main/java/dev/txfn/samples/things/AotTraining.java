package dev.txfn.samples.things;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txfn.Database;
import dev.txfn.lambda.LocalRuntimeApi;
import dev.txfn.testing.TestCertificates;
import dev.txfn.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * {@code aot-training}: writes one Java 25 AOT cache per deployed handler, each from a training run of that
 * handler exactly as the container image starts it. The runtime command is the image's {@code ENTRYPOINT}
 * ({@code java [options] -cp <jars> com.amazonaws.services.lambda.runtime.api.client.AWSLambda}); for each handler
 * it is run with {@code -XX:AOTCacheOutput=<dir>/<HandlerClass>.aot} added, against a {@link LocalRuntimeApi} that
 * delivers a mix of the sample's recorded events, on an embedded PostgreSQL with TLS migrated with Flyway. After the last
 * response the JVM gets SIGTERM, as Lambda ends an execution environment, and writes the cache as it exits.
 *
 * <pre>
 * java -jar things-api.jar aot-training --output-dir DIR [--handler HANDLER]... \
 *     -- JAVA [JVM OPTION]... -cp CLASS_PATH com.amazonaws.services.lambda.runtime.api.client.AWSLambda
 * </pre>
 *
 * The cache is valid only for the JVM build, class path (same jars, same paths, same modification times) and
 * options it was trained with, so the Dockerfile runs this in the image, with the image's java and the
 * {@code ENTRYPOINT}'s own arguments. The training connects as the deployed functions do, over TLS with the server's
 * certificate verified ({@code PGSSLMODE=verify-full}; the authority is one made for the run, given as a file where
 * the template names the RDS bundle in the jar), so the cache holds the TLS handshake's classes too (some 800 of
 * the JDK's). What a training run does not load (Secrets Manager or IAM credentials: the embedded PostgreSQL
 * trusts a local login) is loaded from the jar as usual in production.
 */
final class AotTraining {
    /** The main class of the runtime interface client, the last word of the runtime command. */
    static final String RUNTIME_CLIENT_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    /** Each deployed handler (template.yaml) and the recorded events its training run delivers, in order. */
    static final Map<String, List<String>> TRAINING_EVENTS = trainingEvents();

    private static final String EVENTS = "aot-training/events/";
    private static final Duration INVOCATIONS_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to train.
     *
     * @param outputDir where the caches are written, one {@link #cacheFile(Path, String)} per handler
     * @param handlers the handlers, each a key of {@link #TRAINING_EVENTS}
     * @param runtimeCommand java, its options, {@code -cp} and class path, and {@link #RUNTIME_CLIENT_MAIN}
     */
    record Settings(Path outputDir, List<String> handlers, List<String> runtimeCommand) {
    }

    private AotTraining() {
    }

    private static Map<String, List<String>> trainingEvents() {
        Map<String, List<String>> events = new LinkedHashMap<>();
        events.put("dev.txfn.samples.things.ThingsApi::handleRequest", List.of(
                "http/create-thing.json", "http/get-thing-1.json", "http/list-things-limit-1.json",
                "http/list-things-limit-1-after-1.json", "http/patch-thing-1-clear-description.json",
                "http/patch-thing-1-unknown-member.json", "http/create-thing-empty-name.json",
                "http/delete-thing-1.json"));
        // Twice: the second delivery finds every message imported already (txfn_idempotency).
        events.put("dev.txfn.samples.things.ThingsImport::handleRequest", List.of(
                "sqs/import-batch.json", "sqs/import-batch.json"));
        // By class name only, as template.yaml names it: see EventHandler on "::handleRequest".
        events.put("dev.txfn.samples.things.PurgeIdempotencyKeys", List.of(
                "scheduled-purge.json", "scheduled-purge.json"));
        return Collections.unmodifiableMap(events);
    }

    /**
     * The cache of one handler: {@code <outputDir>/<simple class name>.aot}, e.g. {@code ThingsApi.aot}.
     *
     * @param outputDir the directory
     * @param handler a handler as Lambda names it, {@code package.Class::method} or {@code package.Class}
     * @return the file
     */
    static Path cacheFile(Path outputDir, String handler) {
        String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
        return outputDir.resolve(className.substring(className.lastIndexOf('.') + 1) + ".aot");
    }

    /**
     * Reads {@code --output-dir DIR [--handler HANDLER]... -- RUNTIME COMMAND}; without {@code --handler}, every
     * handler of {@link #TRAINING_EVENTS}.
     *
     * @throws IllegalArgumentException saying what is wrong with the arguments
     */
    static Settings parse(List<String> args) {
        Path outputDir = null;
        List<String> handlers = new ArrayList<>();
        int i = 0;
        for (; i < args.size() && !args.get(i).equals("--"); i += 2) {
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("aot-training: " + args.get(i) + " needs a value");
            }
            String value = args.get(i + 1);
            switch (args.get(i)) {
                case "--output-dir" -> outputDir = Path.of(value);
                case "--handler" -> {
                    if (!TRAINING_EVENTS.containsKey(value)) {
                        throw new IllegalArgumentException("aot-training: unknown handler '" + value
                                + "'; the handlers are " + TRAINING_EVENTS.keySet());
                    }
                    handlers.add(value);
                }
                default -> throw new IllegalArgumentException("aot-training: unknown option '" + args.get(i)
                        + "'; usage: aot-training --output-dir DIR [--handler HANDLER]... -- JAVA [OPTION]..."
                        + " -cp CLASS_PATH " + RUNTIME_CLIENT_MAIN);
            }
        }
        if (outputDir == null) {
            throw new IllegalArgumentException("aot-training: --output-dir is required");
        }
        List<String> runtimeCommand = i < args.size() ? List.copyOf(args.subList(i + 1, args.size())) : List.of();
        if (runtimeCommand.size() < 4 || !runtimeCommand.get(runtimeCommand.size() - 1).equals(RUNTIME_CLIENT_MAIN)
                || !List.of("-cp", "-classpath", "--class-path").contains(runtimeCommand.get(runtimeCommand.size() - 3))) {
            throw new IllegalArgumentException("aot-training: after --, the runtime command: JAVA [OPTION]... -cp"
                    + " CLASS_PATH " + RUNTIME_CLIENT_MAIN + ", was " + runtimeCommand);
        }
        if (runtimeCommand.stream().anyMatch(arg -> arg.startsWith("-XX:AOT"))) {
            throw new IllegalArgumentException("aot-training: the runtime command must not name an AOT cache or"
                    + " mode itself; training adds -XX:AOTCacheOutput");
        }
        return new Settings(outputDir, List.copyOf(handlers.isEmpty() ? TRAINING_EVENTS.keySet() : handlers),
                runtimeCommand);
    }

    /**
     * The training run's command: the runtime command with {@code -XX:AOTCacheOutput=<cache>} (and quieter AOT
     * logging) after java, and the handler after the main class, as Lambda passes it.
     */
    static List<String> trainingCommand(List<String> runtimeCommand, Path cache, String handler) {
        List<String> command = new ArrayList<>();
        command.add(runtimeCommand.get(0));
        command.add("-XX:AOTCacheOutput=" + cache.toAbsolutePath());
        // Logging only (no bearing on the cache): without it, one warning per class the cache cannot hold
        // (generated proxies, JFR event classes), hundreds of lines.
        command.add("-Xlog:aot=error");
        // Sized as a 1024 MB function, whatever the build machine has: on a machine with more than ~128 GB the
        // default heap would exceed 32 GB and turn compressed object pointers off, and a cache written that way
        // is refused by every JVM that has them on (all Lambda sizes).
        command.add("-XX:MaxRAM=1g");
        command.addAll(runtimeCommand.subList(1, runtimeCommand.size()));
        command.add(handler);
        return command;
    }

    /**
     * Trains every handler of {@code settings} in turn on one embedded PostgreSQL, and checks that each cache
     * was written.
     *
     * @throws IllegalStateException if a handler fails, answers an HTTP 5xx, or no cache is written
     */
    static void run(Settings settings, PrintStream out) throws IOException, InterruptedException, TimeoutException {
        Files.createDirectories(settings.outputDir());
        try (TrainingDatabase postgres = TrainingDatabase.start()) {
            try (Database db = Database.builder().url(postgres.jdbcUrl()).build()) {
                Main.migrate(db);
            }
            for (String handler : settings.handlers()) {
                Path cache = cacheFile(settings.outputDir(), handler);
                Files.deleteIfExists(cache);
                long started = System.nanoTime();
                train(settings.runtimeCommand(), handler, cache, postgres);
                if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
                    throw new IllegalStateException("aot-training: the training run of " + handler
                            + " ended without writing " + cache + " (see the JVM's output above)");
                }
                out.printf("aot-training: %s: %s, %d MB, in %d s%n", handler, cache, Files.size(cache) >> 20,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            }
        }
    }

    private static void train(List<String> runtimeCommand, String handler, Path cache, TrainingDatabase postgres)
            throws IOException, InterruptedException, TimeoutException {
        List<String> events = new ArrayList<>();
        for (String name : TRAINING_EVENTS.get(handler)) {
            events.add(resource(EVENTS + name));
        }
        String functionName = cache.getFileName().toString().replace(".aot", "");
        Path taskRoot = Files.createTempDirectory("aot-training-task");
        try (LocalRuntimeApi api = LocalRuntimeApi.start(functionName, events)) {
            ProcessBuilder builder = new ProcessBuilder(trainingCommand(runtimeCommand, cache, handler))
                    .directory(taskRoot.toFile()).inheritIO();
            lambdaEnvironment(builder.environment(), api, handler, postgres);
            Process runtimeClient = builder.start();
            try {
                check(handler, api.awaitInvocations(runtimeClient, INVOCATIONS_TIMEOUT));
            } catch (Throwable e) { // NOPMD: stopped whatever the failure was, and the failure is what is thrown
                TimeoutException late = stop(runtimeClient, handler);
                if (late != null) {
                    e.addSuppressed(late);
                }
                throw e;
            }
            TimeoutException late = stop(runtimeClient, handler);
            if (late != null) {
                throw late;
            }
        } finally {
            try {
                Files.deleteIfExists(taskRoot);
            } catch (DirectoryNotEmptyException e) {
                // Kept, not deleted: what the training JVM left there (a crash report, hs_err_pid*.log) explains it.
                System.err.println("aot-training: kept " + taskRoot + ", where the training JVM of " + handler
                        + " left files");
            }
        }
    }

    /**
     * Ends a training run with SIGTERM: the JVM exits through its shutdown sequence, which records the training
     * data and assembles the cache (in a child JVM) before the process ends.
     *
     * @return the failure to report if it did not exit in time (then it is killed), else {@code null}
     */
    private static TimeoutException stop(Process runtimeClient, String handler) throws InterruptedException {
        runtimeClient.destroy();
        if (runtimeClient.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            return null;
        }
        runtimeClient.destroyForcibly().waitFor();
        return new TimeoutException("aot-training: the training run of " + handler + " did not exit within "
                + EXIT_TIMEOUT.toSeconds() + " s of SIGTERM");
    }

    /**
     * What Lambda sets for a function (the reserved variables the runtime client and txfn read), and the
     * template's database settings pointed at the embedded PostgreSQL. Nothing is inherited but {@code PATH}, so
     * no {@code JAVA_TOOL_OPTIONS} of the build machine changes what is trained.
     */
    private static void lambdaEnvironment(Map<String, String> env, LocalRuntimeApi api, String handler,
            TrainingDatabase postgres) {
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.putAll(api.runtimeEnvironment(handler, "aot-training"));
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", Integer.toString(postgres.server().port()));
        env.put("PGDATABASE", "postgres");
        env.put("PGUSER", "postgres");
        env.put("PGSSLMODE", "verify-full");
        env.put("PGSSLROOTCERT", postgres.authority().toString());
        env.put("TXFN_POOLING", "transaction");
    }

    /**
     * The training's database: an embedded PostgreSQL on 127.0.0.1 with TLS on, its certificate signed by an
     * authority made for the run, written to a file the training trusts. {@link #close()} stops the server and
     * deletes the file.
     */
    private record TrainingDatabase(TestServer server, Path authority) implements AutoCloseable {
        static TrainingDatabase start() throws IOException {
            TestCertificates ca = TestCertificates.authority("txfn aot-training CA");
            TestServer server = TestServer.withTls(ca.issue(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
            try {
                Path authority = ca.writeCertificate(Files.createTempFile("aot-training-ca", ".pem"));
                return new TrainingDatabase(server, authority);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        }

        /** The URL Flyway's migration connects with, verifying the server as the training does. */
        String jdbcUrl() {
            return server.jdbcUrl("127.0.0.1", "sslmode=verify-full&sslrootcert="
                    + URLEncoder.encode(authority.toString(), StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException {
            try {
                server.close();
            } finally {
                Files.deleteIfExists(authority);
            }
        }
    }

    /** A training run that failed would put the failure's classes in the cache, not the working path's. */
    private static void check(String handler, List<LocalRuntimeApi.Invocation> invocations) throws IOException {
        for (LocalRuntimeApi.Invocation invocation : invocations) {
            if (invocation.failed()) {
                throw new IllegalStateException("aot-training: " + handler + " reported an error ("
                        + invocation.errorType() + ") for a training event");
            }
            JsonNode status = JSON.readTree(invocation.body()).path("statusCode");
            if (status.isInt() && status.intValue() >= 500) {
                throw new IllegalStateException("aot-training: " + handler + " answered HTTP " + status.intValue()
                        + " to a training event");
            }
        }
    }

    private static String resource(String name) {
        try (InputStream in = AotTraining.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("aot-training: the training event " + name
                        + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("aot-training: cannot read the training event " + name, e);
        }
    }
}
