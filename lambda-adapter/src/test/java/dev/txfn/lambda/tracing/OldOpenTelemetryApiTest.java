package dev.txfn.lambda.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txfn.testing.PostgresTestDatabase;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry API is optional and the application's version wins: one older than 1.57 has no
 * {@code GlobalOpenTelemetry.getOrNoop()}. The handler then serves without invocation spans, saying so once when it
 * is built, not with a failed span start (and its stack trace) on every invocation. Checked in a child JVM
 * running {@link TracingProbe} with that older {@code GlobalOpenTelemetry} (compiled here, with the methods the
 * older API has) before the API jar on its class path.
 */
class OldOpenTelemetryApiTest {
    private static final String OLD_GLOBAL = """
            package io.opentelemetry.api;

            /** As opentelemetry-api 1.56 and earlier have it: get() and set(), no isSet(), no getOrNoop(). */
            public final class GlobalOpenTelemetry {
                private static volatile OpenTelemetry global;

                private GlobalOpenTelemetry() {
                }

                public static OpenTelemetry get() {
                    if (global == null) {
                        global = OpenTelemetry.noop();
                    }
                    return global;
                }

                public static void set(OpenTelemetry openTelemetry) {
                    global = openTelemetry;
                }
            }
            """;

    @Test
    void handlerServesWithoutSpansAndSaysWhyOnce(@TempDir Path dir) throws IOException, InterruptedException {
        String classPath = System.getProperty("java.class.path");
        Path source = dir.resolve("src/io/opentelemetry/api/GlobalOpenTelemetry.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, OLD_GLOBAL);
        Path classes = dir.resolve("old-api");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-cp", classPath, "-d", classes.toString(), source.toString()))
                .as("the older GlobalOpenTelemetry compiles").isZero();

        Path output = dir.resolve("child.out");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes + File.pathSeparator + classPath, TracingProbe.class.getName())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put(TracingProbe.URL_VARIABLE, PostgresTestDatabase.shared().jdbcUrl());
        builder.environment().remove("AWS_LAMBDA_FUNCTION_NAME");
        builder.environment().remove("_X_AMZN_TRACE_ID");
        Process process = builder.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe exits within 60 s").isTrue();
        } finally {
            process.destroyForcibly();
        }

        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        String text = String.join("\n", lines);
        assertThat(process.exitValue()).as("exit status; output:\n%s", text).isZero();
        assertThat(lines).as("the probe's output").contains(TracingProbe.DONE + 200)
                .noneMatch(l -> l.contains("has no span"))
                .filteredOn(l -> l.contains("invocation spans are off") && l.contains("older than 1.57")).hasSize(1);
    }
}
