package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry API is optional and the application's version wins: one older than 1.57 has no
 * {@code GlobalOpenTelemetry.isSet()}. Transactions then run untraced through the global (never failing with
 * {@code NoSuchMethodError}) and traced through a given instance. Checked in a child JVM whose class path puts
 * that older {@code GlobalOpenTelemetry} (compiled here, with the methods the older API has) before the API jar.
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
                    if (global != null) {
                        throw new IllegalStateException("GlobalOpenTelemetry.set has already been called");
                    }
                    global = openTelemetry;
                }
            }
            """;

    @Test
    void transactionsRunUntracedThroughTheGlobalAndTracedThroughAGivenInstance(@TempDir Path dir)
            throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path source = dir.resolve("src/io/opentelemetry/api/GlobalOpenTelemetry.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, OLD_GLOBAL);
        Path classes = dir.resolve("old-api");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-cp", classPath, "-d", classes.toString(), source.toString()))
                .as("the older GlobalOpenTelemetry compiles").isZero();

        ChildJvm.Result child = ChildJvm.run(dir, List.of(classes.toString(), classPath),
                OldOpenTelemetryApiMain.class);

        List<String> lines = child.lines();
        assertThat(child.exitValue()).as("exit status; output:\n%s", String.join("\n", lines)).isZero();
        // Through the global: no span, and one WARN naming the way out. Through the instance: transaction + select.
        assertThat(lines).as("the child's output").contains("ok 12 spans 0 2")
                .anyMatch(l -> l.contains("WARN") && l.contains("older than 1.57"));
    }
}
