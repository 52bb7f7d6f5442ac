package dev.txfn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.txfn.lambda.LocalRuntimeApi;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Starts a handler ({@link ColdStartTxfnLambda.Handler}, or {@link ColdStartJdbiHandler}) as a Lambda container image starts a function: the image's
 * {@code ENTRYPOINT} ({@code java [options] -cp <handler jar + runtime client> }{@value #RUNTIME_CLIENT_MAIN}, as
 * in samples/things-api/Dockerfile) with the handler as its argument, the AOT cache named in
 * {@code JAVA_TOOL_OPTIONS} (as template-container.yaml names it per function), and the reserved Lambda variables
 * in an otherwise empty environment. A {@link LocalRuntimeApi} hands the real runtime client one API Gateway HTTP
 * API event, {@code GET /things/7}; the time is from just before the process is spawned to the moment its
 * response reaches the emulator. Then the process gets SIGTERM, as Lambda ends an execution environment.
 * Immutable and thread-safe; each {@link #run} and {@link #train} starts one process.
 */
final class ColdStartRuntimeClient {

    /** The main class of the runtime interface client, the container image's {@code ENTRYPOINT}. */
    static final String RUNTIME_CLIENT_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    /** Where {@code mvn package} copies the runtime client's jar, next to bench.jar. */
    static final String RUNTIME_CLIENT_DIR = "lambda-runtime-client";

    /** txfn's handler, as a function's {@code CMD} (or template's {@code ImageConfig.Command}) names it. */
    static final String TXFN_HANDLER = ColdStartTxfnLambda.Handler.class.getName() + "::handleRequest";

    /** The hand-written Jdbi + HikariCP handler, named the same way. */
    static final String JDBI_HANDLER = ColdStartJdbiHandler.class.getName() + "::handleRequest";

    /** The raw-JDBC handler, as deployed without a cache at default flags. */
    static final String RAW_JDBC_HANDLER = ColdStartRawJdbcHandler.class.getName() + "::handleRequest";

    /** The JVM options of the things sample's {@code ENTRYPOINT} (samples/things-api/Dockerfile). */
    static final List<String> ENTRYPOINT_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED");

    private static final String FUNCTION_NAME = "txfn-bench-cold-start";
    /** Events per training run: the first is the cold path, the others what a warm container runs. */
    static final int TRAINING_EVENTS = 3;
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How the JVM says it cannot use a cache, e.g. {@code [0.015s][error  ][aot] Unable to map shared spaces}. */
    private static final Pattern AOT_ERROR = Pattern.compile("\\[error\\s*\\]\\[aot");

    private final String classPath;
    private final String jdbcUrl;
    private final Path workDir;

    private ColdStartRuntimeClient(String classPath, String jdbcUrl, Path workDir) {
        this.classPath = classPath;
        this.jdbcUrl = jdbcUrl;
        this.workDir = workDir;
    }

    /**
     * A launcher of the handler in {@code benchJar} with the runtime client's jar that {@code mvn package} copies
     * to {@value #RUNTIME_CLIENT_DIR} next to it.
     *
     * @param benchJar the bench jar
     * @param jdbcUrl where the handler connects ({@code DATABASE_URL})
     * @param workDir an owner-only directory for the children's output
     * @return the launcher
     * @throws IOException if the runtime client's jar is not next to {@code benchJar}
     */
    static ColdStartRuntimeClient beside(Path benchJar, String jdbcUrl, Path workDir) throws IOException {
        Path dir = benchJar.resolveSibling(RUNTIME_CLIENT_DIR);
        List<Path> jars = List.of();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            }
        }
        if (jars.isEmpty()) {
            throw new IOException("the deployed cold-start variant needs the Lambda runtime interface client's jar"
                    + " in " + dir + ", which mvn package copies there; it is missing");
        }
        StringBuilder classPath = new StringBuilder(benchJar.toString());
        jars.forEach(jar -> classPath.append(File.pathSeparator).append(jar));
        return new ColdStartRuntimeClient(classPath.toString(), jdbcUrl, workDir);
    }

    /**
     * Starts the handler through the runtime client on {@code jdk} with {@code options} (and the cache
     * {@code aotCache} in {@code JAVA_TOOL_OPTIONS}, if not {@code null}), serves it one event and ends it.
     *
     * @param jdk the JDK whose {@code java} starts the runtime client
     * @param handler {@link #TXFN_HANDLER}, {@link #JDBI_HANDLER} or {@link #RAW_JDBC_HANDLER}
     * @param options the JVM options before {@code -cp}
     * @param aotCache the AOT cache to start from, or {@code null}
     * @return spawn to the response's arrival at the emulator, ms
     * @throws IOException if the process cannot be started, fails, or answers anything but a 200
     * @throws InterruptedException if interrupted while waiting; the child is killed
     */
    double run(ColdStartJdk jdk, String handler, List<String> options, Path aotCache)
            throws IOException, InterruptedException {
        List<String> command = command(jdk, List.of(), options, handler);
        Map<String, String> environment = aotCache == null ? Map.of()
                : Map.of("JAVA_TOOL_OPTIONS", "-XX:AOTCache=" + aotCache);
        double wallMs = serve(jdk, command, handler, environment, 1, "run");
        if (aotCache != null) {
            refusedCache(jdk, handler, aotCache);
        }
        return wallMs;
    }

    /** A cache the JVM refuses is an {@code [error][aot]} line, not a failure: the run would be a cold one. */
    private void refusedCache(ColdStartJdk jdk, String handler, Path aotCache) throws IOException {
        for (String what : List.of("stdout", "stderr")) {
            for (String line : Files.readAllLines(workDir.resolve("runtime-client-run." + what + ".txt"),
                    StandardCharsets.UTF_8)) {
                if (AOT_ERROR.matcher(line).find()) {
                    throw new IOException(handler + " on " + jdk.label() + " did not start from its AOT cache " + aotCache + ", the JVM said: " + line);
                }
            }
        }
    }

    /**
     * The training step of the container image's build ({@code things-api.jar aot-training}), for this handler
     * against the bench's database: the same command with {@code -XX:AOTCacheOutput=<cache>}, quieter AOT
     * logging and the heap sized as a 1024 MB function, served {@value #TRAINING_EVENTS} events; the cache is
     * written as the JVM exits on SIGTERM.
     *
     * @param jdk a JDK with AOT caches
     * @param handler {@link #TXFN_HANDLER} or {@link #JDBI_HANDLER}
     * @param options the JVM options the cache will be used with
     * @param cache where to write it
     * @throws IOException if the run fails or writes no cache
     * @throws InterruptedException if interrupted while waiting; the child is killed
     */
    void train(ColdStartJdk jdk, String handler, List<String> options, Path cache)
            throws IOException, InterruptedException {
        Files.deleteIfExists(cache);
        List<String> training = List.of("-XX:AOTCacheOutput=" + cache, "-Xlog:aot=error", "-XX:MaxRAM=1g");
        serve(jdk, command(jdk, training, options, handler), handler, Map.of(), TRAINING_EVENTS, "training");
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            throw new IOException("the training run of " + handler + " on " + jdk.label() + " wrote no AOT"
                    + " cache " + cache + "; its output is in " + workDir);
        }
    }

    private List<String> command(ColdStartJdk jdk, List<String> first, List<String> options, String handler) {
        List<String> command = new ArrayList<>();
        command.add(jdk.java().toString());
        command.addAll(first);
        command.addAll(options);
        command.add("-cp");
        command.add(classPath);
        command.add(RUNTIME_CLIENT_MAIN);
        command.add(handler);
        return command;
    }

    private double serve(ColdStartJdk jdk, List<String> command, String handler, Map<String, String> extraEnvironment,
            int events, String what) throws IOException, InterruptedException {
        Path stdout = workDir.resolve("runtime-client-" + what + ".stdout.txt");
        Path stderr = workDir.resolve("runtime-client-" + what + ".stderr.txt");
        try (LocalRuntimeApi api = LocalRuntimeApi.start(FUNCTION_NAME, Collections.nCopies(events, event()))) {
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            lambdaEnvironment(builder.environment(), api, handler);
            builder.environment().putAll(extraEnvironment);
            long spawn = System.nanoTime();
            Process process = builder.start();
            try {
                List<LocalRuntimeApi.Invocation> invocations = api.awaitInvocations(process, RESPONSE_TIMEOUT);
                double wallMs = (System.nanoTime() - spawn) / 1e6;
                for (LocalRuntimeApi.Invocation invocation : invocations) {
                    check(jdk, handler, invocation, stderr);
                }
                process.destroy(); // SIGTERM: a training run writes its cache on the way out
                if (!process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IOException("the runtime client (" + what + ") on " + jdk.label()
                            + " did not exit within " + EXIT_TIMEOUT.toSeconds() + " s of SIGTERM");
                }
                return wallMs;
            } catch (TimeoutException | IllegalStateException e) {
                throw new IOException("the runtime client (" + what + ") on " + jdk.label() + " gave no response: "
                        + e.getMessage() + "; its standard error ends:\n" + tail(stderr), e);
            } finally {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * What Lambda sets for a function and the runtime client reads, and the handler's database; nothing is
     * inherited but {@code PATH}, so no {@code JAVA_TOOL_OPTIONS} of the machine changes what is measured.
     */
    private void lambdaEnvironment(Map<String, String> env, LocalRuntimeApi api, String handler) {
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.putAll(api.runtimeEnvironment(handler, "cold-start"));
        env.put(ColdStartProbe.URL_VARIABLE, jdbcUrl);
        // As ColdStartLauncher sets for the other variants: a cold start is measured, not a timeout.
        env.put("TXFN_CONNECTION_TIMEOUT_MS", "30000");
    }

    /** {@code GET /things/7} as API Gateway's HTTP API (payload format 2.0) delivers it. */
    private static String event() {
        String path = "/things/" + ColdStartProbe.THING_ID;
        ObjectNode event = JSON.createObjectNode()
                .put("version", "2.0")
                .put("routeKey", "$default")
                .put("rawPath", path)
                .put("rawQueryString", "")
                .put("isBase64Encoded", false);
        event.putObject("headers").put("accept", "application/json").put("host", "localhost");
        ObjectNode context = event.putObject("requestContext")
                .put("accountId", "123456789012")
                .put("apiId", "local")
                .put("requestId", "cold-start")
                .put("routeKey", "$default")
                .put("stage", "$default")
                .put("timeEpoch", 0L);
        context.putObject("http").put("method", "GET").put("path", path).put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1").put("userAgent", "txfn-bench");
        return event.toString();
    }

    private static void check(ColdStartJdk jdk, String handler, LocalRuntimeApi.Invocation invocation, Path stderr)
            throws IOException {
        if (invocation.failed()) {
            throw new IOException(handler + " on " + jdk.label() + " reported an error ("
                    + invocation.errorType() + "); its standard error ends:\n" + tail(stderr));
        }
        JsonNode response = JSON.readTree(invocation.body());
        if (response.path("statusCode").asInt() != 200) {
            throw new IOException(handler + " on " + jdk.label() + " answered GET /things/"
                    + ColdStartProbe.THING_ID + " with status " + response.path("statusCode").asText()
                    + " instead of 200: " + response.path("body").asText());
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
