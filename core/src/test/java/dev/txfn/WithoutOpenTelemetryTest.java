package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry API is an optional dependency: without it on the class path txfn runs transactions (options,
 * deadline and one-flight paths included) and loads no OpenTelemetry class. Checked in a child JVM started with
 * this module's test class path minus the OpenTelemetry jars, logging every class it loads.
 */
class WithoutOpenTelemetryTest {

    @Test
    void transactionsRunAndNoOpenTelemetryClassIsLoaded(@TempDir Path dir) throws IOException,
            InterruptedException {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = Arrays.asList(full.split(File.pathSeparator));
        List<String> without = entries.stream().filter(e -> !e.contains("opentelemetry")).toList();
        assertThat(entries.size() - without.size()).as("OpenTelemetry jars removed from %s", full).isPositive();

        Path output = dir.resolve("child.out");
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info", "-cp", String.join(File.pathSeparator, without),
                WithoutOpenTelemetryMain.class.getName())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        child.environment().put("TXFN_CHILD_URL", TestDb.server().jdbcUrl());
        child.environment().put("TXFN_CHILD_USER", TestDb.server().user());
        child.environment().put("TXFN_CHILD_PASSWORD", TestDb.server().password());
        Process process = child.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended within 60 s").isTrue();
        } finally {
            process.destroyForcibly();
        }

        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        String log = lines.stream().filter(l -> !l.contains("[class,load]")).collect(Collectors.joining("\n"));
        assertThat(process.exitValue()).as("exit status; output:\n%s", log).isZero();
        assertThat(lines).as("the child's output").anyMatch(l -> l.startsWith("ok 123"))
                .anyMatch(l -> l.startsWith("refused: openTelemetry: ") && l.contains("not on the class path"));
        assertThat(lines).as("classes the child loaded").anyMatch(l -> l.contains("[class,load] dev.txfn.Tx "))
                .noneMatch(l -> l.contains("io.opentelemetry"));
    }
}
