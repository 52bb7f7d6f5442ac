package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.txfn.Database;
import dev.txfn.lambda.LocalRuntimeApi;
import dev.txfn.testing.TestCertificates;
import dev.txfn.testing.TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image's build step, as CI runs it: {@code things-api.jar aot-training} with JDK 25 and the
 * Dockerfile's own {@code ENTRYPOINT} options, on the packaged {@code things-api-container.jar}; then each handler
 * started as its function is (the {@code ENTRYPOINT}, the function's {@code JAVA_TOOL_OPTIONS} from
 * template-container.yaml naming its cache), through the real runtime interface client, plus
 * {@code -XX:AOTMode=on} (the JVM refuses to start when the cache cannot be used), serving a recorded event. The
 * response must be right, and the classes of the cold path must come from the cache ({@code -Xlog:class+load}
 * says {@code source: shared objects file}).
 *
 * <p>JDK 25 is {@code TXFN_JDK25_HOME}, else {@code /usr/lib/jvm/temurin-25-jdk-amd64}; without it the tests skip.
 */
class AotTrainingIT {
    private static final Path JDK25 = Path.of(System.getenv().getOrDefault("TXFN_JDK25_HOME",
            "/usr/lib/jvm/temurin-25-jdk-amd64"));
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path CACHES = TARGET.resolve("aot-it");
    private static final Pattern CLASS_LOAD = Pattern.compile("\\[class,load\\] (\\S+) source: (.+)$");
    private static final List<String> APPLICATION_PACKAGES = List.of("dev.txfn.", "org.jdbi.", "org.postgresql.",
            "com.zaxxer.", "com.fasterxml.", "com.amazonaws.");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> runtimeCommand;
    /** Where the image keeps its caches (the Dockerfile's --output-dir), as the template names them. */
    private static String imageCaches;
    private static ThingsDatabase db;

    @BeforeAll
    static void trainLikeTheImageBuild() throws Exception {
        Path java = JDK25.resolve("bin/java");
        assumeTrue(Files.isExecutable(java), "no JDK 25 at " + JDK25 + " (set TXFN_JDK25_HOME): the AOT caches"
                + " are neither trained nor checked");
        // The Dockerfile's ENTRYPOINT with this JDK and the jar Maven just packaged in place of the image's paths.
        ContainerImage image = ContainerImage.read(Path.of("Dockerfile"));
        imageCaches = AotTraining.parse(image.trainingArguments()).outputDir().toString();
        List<String> entrypoint = image.entrypoint();
        runtimeCommand = new ArrayList<>(entrypoint);
        runtimeCommand.set(0, java.toString());
        runtimeCommand.set(runtimeCommand.indexOf("-cp") + 1, TARGET.resolve("things-api-container.jar").toString());

        List<String> training = new ArrayList<>(List.of(java.toString(), "-jar",
                TARGET.resolve("things-api.jar").toString(), "aot-training", "--output-dir", CACHES.toString(), "--"));
        training.addAll(runtimeCommand);
        Process process = new ProcessBuilder(training).inheritIO().start();
        try {
            assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("aot-training ends within 10 minutes").isTrue();
            assertThat(process.exitValue()).as("aot-training's exit status (its output is above)").isZero();
        } finally {
            process.destroyForcibly().waitFor();
        }
        db = ThingsDatabase.createMigrated();
    }

    @AfterAll
    static void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void emptyTables() {
        db.reset();
    }

    @Test
    void theApiCreatesAThingWithItsClassesFromTheCache() throws Exception {
        Run run = runWithCache("dev.txfn.samples.things.ThingsApi::handleRequest", "http/create-thing.json");

        JsonNode response = JSON.readTree(run.invocation().body());
        assertThat(response.get("statusCode").asInt()).as(run.invocation().body()).isEqualTo(201);
        assertThat(JSON.readTree(response.get("body").asText()).get("name").asText()).isEqualTo("lamp");
        assertThat(db.queryLong("select count(*) from thing where name = 'lamp'")).isEqualTo(1);
        run.assertColdPathFromCache("dev.txfn.samples.things.ThingsApi");
    }

    @Test
    void theImportReportsItsBadMessagesWithItsClassesFromTheCache() throws Exception {
        Run run = runWithCache("dev.txfn.samples.things.ThingsImport::handleRequest", "sqs/import-batch.json");

        JsonNode failures = JSON.readTree(run.invocation().body()).get("batchItemFailures");
        assertThat(failures.findValuesAsText("itemIdentifier")).as(run.invocation().body()).containsExactly(
                "5f1d1c2e-0000-4000-8000-000000000002", "5f1d1c2e-0000-4000-8000-000000000004");
        assertThat(db.queryLong("select count(*) from thing")).isEqualTo(3);
        run.assertColdPathFromCache("dev.txfn.samples.things.ThingsImport");
    }

    @Test
    void thePurgeDeletesExpiredKeysWithItsClassesFromTheCache() throws Exception {
        db.execute("insert into txfn_idempotency(key, processed_at, expires_at) values"
                + " ('aot-expired', now() - interval '8 days', now() - interval '1 day'),"
                + " ('aot-fresh', now(), now() + interval '7 days')");

        Run run = runWithCache("dev.txfn.samples.things.PurgeIdempotencyKeys", "scheduled-purge.json");

        assertThat(run.invocation().failed()).as(run.invocation().body()).isFalse();
        assertThat(run.invocation().body()).isEqualTo("1");
        run.assertColdPathFromCache("dev.txfn.samples.things.PurgeIdempotencyKeys");
    }

    @Test
    void theApiConnectsOverTlsWithTheHandshakeFromTheCache(@TempDir Path dir) throws Exception {
        TestCertificates authority = TestCertificates.authority("txfn AotTrainingIT CA");
        try (TestServer tls = TestServer.withTls(authority.issue(new GeneralName(GeneralName.iPAddress,
                "127.0.0.1")))) {
            Path ca = authority.writeCertificate(dir.resolve("ca.pem"));
            String url = tls.jdbcUrl("127.0.0.1", "sslmode=verify-full&sslrootcert="
                    + URLEncoder.encode(ca.toString(), StandardCharsets.UTF_8));
            try (Database tlsDb = Database.builder().url(url).build()) {
                Main.migrate(tlsDb);
            }

            Run run = runWithCache("dev.txfn.samples.things.ThingsApi::handleRequest", "http/create-thing.json", url);

            JsonNode response = JSON.readTree(run.invocation().body());
            assertThat(response.get("statusCode").asInt()).as(run.invocation().body()).isEqualTo(201);
            // What the training over TLS put in the cache: without it these come from the JDK's modules (jrt:/).
            assertThat(run.loadedFromCache()).as("the TLS handshake's classes from the AOT cache")
                    .contains("sun.security.ssl.SSLSocketImpl", "sun.security.ssl.ClientHello",
                            "sun.security.validator.PKIXValidator");
        }
    }

    /** One invocation of {@code handler} through the runtime client, started as its function is, plus the cache. */
    private static Run runWithCache(String handler, String event) throws Exception {
        return runWithCache(handler, event, db.jdbcUrl());
    }

    private static Run runWithCache(String handler, String event, String databaseUrl) throws Exception {
        Path cache = AotTraining.cacheFile(CACHES, handler);
        assertThat(cache).as("the cache aot-training wrote for " + handler).isRegularFile();
        Path classLog = Files.createTempFile(TARGET, "class-load", ".log");
        List<String> command = new ArrayList<>();
        command.add(runtimeCommand.get(0));
        command.add("-Xlog:class+load=info:file=" + classLog);
        command.addAll(runtimeCommand.subList(1, runtimeCommand.size()));
        command.add(handler);
        String eventJson = Files.readString(Path.of("src/test/resources/events", event), StandardCharsets.UTF_8);
        Path taskRoot = Files.createTempDirectory(TARGET, "task");
        try (LocalRuntimeApi api = LocalRuntimeApi.start("aot-it", List.of(eventJson))) {
            ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile()).inheritIO();
            Map<String, String> env = builder.environment();
            // The function's own JAVA_TOOL_OPTIONS (template-container.yaml), with this run's cache directory, and
            // -XX:AOTMode=on: the JVM refuses to start if that cache cannot be used.
            env.put("JAVA_TOOL_OPTIONS", functionToolOptions(handler).replace(imageCaches + "/", CACHES + "/")
                    + " -XX:AOTMode=on");
            env.put("AWS_LAMBDA_RUNTIME_API", api.address());
            env.put("AWS_LAMBDA_FUNCTION_NAME", "aot-it");
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
            env.put("DATABASE_URL", databaseUrl);
            Process process = builder.start();
            try {
                LocalRuntimeApi.Invocation invocation =
                        api.awaitInvocations(process, Duration.ofMinutes(2)).get(0);
                return new Run(invocation, Files.readAllLines(classLog));
            } finally {
                process.destroy();
                if (!process.waitFor(1, TimeUnit.MINUTES)) {
                    process.destroyForcibly().waitFor();
                }
            }
        } finally {
            Files.deleteIfExists(taskRoot);
            Files.deleteIfExists(classLog);
        }
    }

    /** The {@code JAVA_TOOL_OPTIONS} that template-container.yaml gives the function of {@code handler}. */
    private static String functionToolOptions(String handler) throws IOException {
        JsonNode resources = new YAMLMapper().readTree(Path.of("template-container.yaml").toFile()).get("Resources");
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            JsonNode properties = resource.getValue().path("Properties");
            if (properties.at("/ImageConfig/Command/0").asText().equals(handler)) {
                return properties.at("/Environment/Variables/JAVA_TOOL_OPTIONS").asText();
            }
        }
        throw new IllegalStateException("template-container.yaml has no function with the handler " + handler);
    }

    /** What one run answered, and its {@code -Xlog:class+load} lines. */
    private record Run(LocalRuntimeApi.Invocation invocation, List<String> classLoads) {
        /** Every class the run loaded from the AOT cache. */
        List<String> loadedFromCache() {
            List<String> fromCache = new ArrayList<>();
            for (String line : classLoads) {
                Matcher load = CLASS_LOAD.matcher(line);
                if (load.find() && load.group(2).equals("shared objects file")) {
                    fromCache.add(load.group(1));
                }
            }
            return fromCache;
        }

        void assertColdPathFromCache(String handlerClass) {
            List<String> fromCache = new ArrayList<>();
            List<String> fromJar = new ArrayList<>();
            for (String line : classLoads) {
                Matcher load = CLASS_LOAD.matcher(line);
                if (load.find() && APPLICATION_PACKAGES.stream().anyMatch(load.group(1)::startsWith)) {
                    (load.group(2).equals("shared objects file") ? fromCache : fromJar).add(load.group(1));
                }
            }
            assertThat(fromCache).as("classes of the handler, txfn, Jdbi, pgjdbc and the runtime client from the"
                    + " AOT cache").contains(handlerClass, "dev.txfn.Tx", "org.jdbi.v3.core.Jdbi",
                    "org.postgresql.Driver", "com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
            // The rest are generated at run time (lambda forms, proxies) or missed by the training; a cache that
            // was not used would leave all of them here.
            assertThat(fromJar.size()).as("application classes parsed from the jar instead: " + fromJar)
                    .isLessThan(fromCache.size() / 10);
        }
    }
}
