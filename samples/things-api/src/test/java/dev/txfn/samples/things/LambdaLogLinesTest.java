package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txfn.lambda.LambdaEvents;
import dev.txfn.lambda.LocalContext;
import dev.txfn.testing.PostgresTestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * The sample's logs in Lambda's terms, read from a child JVM that runs the handler ({@link LogLinesProbe}) with
 * {@code AWS_LAMBDA_LOG_FORMAT} and {@code AWS_LAMBDA_LOG_LEVEL} in its environment, as Lambda starts one: the
 * backend reads them when it starts, so only a fresh JVM tests them honestly. Under JSON every line is one JSON
 * object with an RFC 3339 timestamp, level, message, logger and, inside an invocation, its request id and trace
 * id; the level is honoured; in text every line of an invocation carries its request id; and the marker (request
 * body, bearer token, bound value, unique-violation and trigger detail, database password) is in no line.
 */
class LambdaLogLinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE_ROOT = "1-5759e988-bd862e3fe1be46a994272793";
    private static final String TRACE_HEADER = "Root=" + TRACE_ROOT + ";Parent=53995c3f42cd8ad8;Sampled=1";
    private static ThingsDatabase db;

    @TempDir
    Path temp;

    @BeforeAll
    static void createDatabase() {
        db = ThingsDatabase.createMigrated();
        // The failures the probe provokes: a unique violation and a trigger that puts the value in its detail.
        db.execute("create unique index thing_name_unique on thing (name)");
        db.execute("create function refuse_description() returns trigger language plpgsql as $$ begin"
                + " raise exception using errcode = 'XX000', message = 'description refused',"
                + " detail = 'refused: ' || new.description; end $$");
        db.execute("create trigger refuse_description before update on thing for each row"
                + " execute function refuse_description()");
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @Test
    void everyLineIsAJsonObjectInLambdasShapeWithTheInvocationsRequestIdAndTraceId() throws Exception {
        String marker = marker();

        Run run = runProbe(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "DEBUG"), marker);

        assertThat(run.stdout).isNotEmpty();
        assertThat(run.stderr).as("standard error: every line goes to standard output").isEmpty();
        String current = null;
        int invocationLines = 0;
        for (String text : run.stdout) {
            JsonNode line = JSON.readTree(text);
            assertThat(line.isObject()).as("a JSON object: %s", text).isTrue();
            assertThat(OffsetDateTime.parse(line.path("timestamp").asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                    .as("RFC 3339 timestamp: %s", text).isNotNull();
            assertThat(line.path("level").asText()).as(text).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(line.path("message").isTextual()).as(text).isTrue();
            assertThat(line.path("logger").asText()).as(text).isNotEmpty();
            if (line.path("logger").asText().equals(LogLinesProbe.LOGGER)) {
                String message = line.path("message").asText();
                current = message.startsWith("invocation ") ? message.substring("invocation ".length()) : null;
                continue;
            }
            if (current != null) {
                assertThat(line.path("requestId").asText()).as(text).isEqualTo(current);
                assertThat(line.path("traceId").asText()).as(text).isEqualTo(TRACE_ROOT);
            }
            if (line.path("logger").asText().equals("dev.txfn.lambda.Invocation") && line.has("kind")) {
                invocationLines++;
                assertThat(line.path("kind").asText()).isEqualTo("http");
                assertThat(line.path("outcome").asText()).isIn("201", "409", "200", "500");
                assertThat(line.has("target") && line.has("durationMs") && line.has("settled")).as(text).isTrue();
            }
        }
        assertThat(invocationLines).isEqualTo(LogLinesProbe.REQUEST_IDS.length);
        // The failed statement: one line, its exception as fields, not as lines of its own.
        assertThat(run.stdout).anySatisfy(text -> {
            JsonNode line = JSON.readTree(text);
            assertThat(line.path("level").asText()).isEqualTo("ERROR");
            assertThat(line.path("requestId").asText()).isEqualTo("req-log-fail");
            assertThat(line.path("errorType").asText()).isEqualTo("dev.txfn.DatabaseException");
            assertThat(line.path("stackTrace").asText()).contains("\tat ");
        });
        assertThat(run.stdout).last().satisfies(text -> assertThat(JSON.readTree(text).path("message").asText())
                .isEqualTo("statuses 201 409 200 500"));
        assertNoMarker(run, marker);
    }

    @Test
    void theLambdaLogLevelDropsTheLinesBelowIt() throws Exception {
        String marker = marker();

        Run run = runProbe(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "WARN"), marker);

        List<String> levels = new ArrayList<>();
        for (String text : run.stdout) {
            levels.add(JSON.readTree(text).path("level").asText());
        }
        assertThat(levels).contains("WARN", "ERROR").doesNotContain("INFO", "DEBUG", "TRACE");
        assertThat(run.stdout).last().satisfies(text -> assertThat(JSON.readTree(text).path("message").asText())
                .isEqualTo("statuses 201 409 200 500"));
        assertNoMarker(run, marker);
    }

    @Test
    void inTextEveryLineOfAnInvocationCarriesItsRequestId() throws Exception {
        String marker = marker();

        Run run = runProbe(Map.of(), marker);

        String current = null;
        int checked = 0;
        for (String text : run.stdout) {
            if (text.contains(" " + LogLinesProbe.LOGGER + " - ")) {
                int at = text.indexOf(" - invocation ");
                current = at < 0 ? null : text.substring(at + " - invocation ".length());
                continue;
            }
            if (current != null) {
                assertThat(text).as("a line of invocation %s", current)
                        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z " + current + " .*")
                        .doesNotStartWith("{");
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(LogLinesProbe.REQUEST_IDS.length);
        assertThat(run.stdout).anyMatch(text -> text.contains(" dev.txfn.lambda.Invocation - http POST /things 201"));
        assertNoMarker(run, marker);
    }

    @Test
    void afterAnInvocationTheCallersMdcValuesAreBack() {
        db.reset();
        MDC.put("AWSRequestId", "outer");
        try {
            ThingsApi api = new ThingsApi(db.resources());

            APIGatewayV2HTTPResponse response = api.handleRequest(
                    LambdaEvents.fromResource("events/http/get-thing-1.json", APIGatewayV2HTTPEvent.class),
                    LocalContext.create().withRequestId("req-mdc"));

            assertThat(response.getStatusCode()).isEqualTo(404);
            assertThat(MDC.get("AWSRequestId")).isEqualTo("outer");
            assertThat(MDC.get("xray_trace_id")).isNull();
        } finally {
            MDC.remove("AWSRequestId");
        }
    }

    private static void assertNoMarker(Run run, String marker) {
        assertThat(run.stdout).noneMatch(line -> line.contains(marker));
        assertThat(run.stderr).noneMatch(line -> line.contains(marker));
    }

    private static String marker() {
        return "mkr" + UUID.randomUUID().toString().replace("-", "");
    }

    private Run runProbe(Map<String, String> environment, String marker) throws IOException, InterruptedException {
        db.reset();
        Path out = temp.resolve("stdout-" + UUID.randomUUID() + ".txt");
        Path err = temp.resolve("stderr-" + UUID.randomUUID() + ".txt");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcom.amazonaws.xray.traceHeader=" + TRACE_HEADER, "-cp", System.getProperty("java.class.path"),
                LogLinesProbe.class.getName(), db.jdbcUrl(), db.applicationName(), marker,
                Boolean.toString(PostgresTestDatabase.shared().behindTransactionPooler()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("AWS_LAMBDA_LOG_FORMAT");
        builder.environment().remove("AWS_LAMBDA_LOG_LEVEL");
        builder.environment().remove("_X_AMZN_TRACE_ID");
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            boolean ended = process.waitFor(120, TimeUnit.SECONDS);
            assertThat(ended).as("the probe JVM ended within 120 s").isTrue();
            List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("the probe's exit code; its standard error: %s", stderr).isZero();
            return new Run(Files.readAllLines(out, StandardCharsets.UTF_8), stderr);
        } finally {
            process.destroyForcibly();
        }
    }

    private record Run(List<String> stdout, List<String> stderr) {
    }
}
