package dev.txfn.lambda.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txfn.testing.PostgresTestDatabase;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A function without OpenTelemetry on its class path serves a request through the adapter without loading any
 * of it, nor txfn's tracing classes; with OpenTelemetry there, the same request loads them. Checked in fresh JVMs
 * with {@code -verbose:class}, the test's class path with and without the OpenTelemetry jars.
 */
class NoOpenTelemetryLoadedTest {
    private static final String OTEL_TRACING = "dev.txfn.lambda.internal.OtelInvocationTracing";

    @Test
    void withoutOpenTelemetryOnTheClassPathNothingOfItIsLoaded() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("opentelemetry"))
                .collect(Collectors.joining(File.pathSeparator));

        List<String> lines = runProbe(classPath);

        assertThat(lines).contains(TracingProbe.DONE + 200);
        assertThat(loaded(lines, "dev.txfn.lambda.internal.InvocationTracing")).as("the presence check ran")
                .isNotEmpty();
        assertThat(loaded(lines, "io.opentelemetry.")).isEmpty();
        assertThat(loaded(lines, OTEL_TRACING)).isEmpty();
        assertThat(loaded(lines, "dev.txfn.lambda.internal.XrayTraceHeader")).isEmpty();
    }

    @Test
    void withOpenTelemetryOnTheClassPathTheTracingClassesLoad() throws Exception {
        List<String> lines = runProbe(System.getProperty("java.class.path"));

        assertThat(lines).contains(TracingProbe.DONE + 200);
        assertThat(loaded(lines, OTEL_TRACING)).isNotEmpty();
        assertThat(loaded(lines, "io.opentelemetry.api.GlobalOpenTelemetry")).isNotEmpty();
    }

    private static List<String> loaded(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.contains("[class,load] " + prefix)).toList();
    }

    private static List<String> runProbe(String classPath) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-verbose:class", "-cp", classPath,
                TracingProbe.class.getName()).redirectErrorStream(true);
        builder.environment().put(TracingProbe.URL_VARIABLE, PostgresTestDatabase.shared().jdbcUrl());
        builder.environment().remove("AWS_LAMBDA_FUNCTION_NAME");
        builder.environment().remove("_X_AMZN_TRACE_ID");
        Process process = builder.start();
        try {
            byte[] out = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe exits within 60 s").isTrue();
            String text = new String(out, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(text.substring(Math.max(0, text.length() - 3000))).isZero();
            return text.lines().toList();
        } finally {
            process.destroyForcibly();
        }
    }
}
