package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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

        ChildJvm.Result child = ChildJvm.run(dir, without, WithoutOpenTelemetryMain.class, "-Xlog:class+load=info");
        List<String> lines = child.lines();
        String log = lines.stream().filter(l -> !l.contains("[class,load]")).collect(Collectors.joining("\n"));
        assertThat(child.exitValue()).as("exit status; output:\n%s", log).isZero();
        assertThat(lines).as("the child's output").anyMatch(l -> l.startsWith("ok 123"))
                .anyMatch(l -> l.startsWith("refused: openTelemetry: ") && l.contains("not on the class path"));
        assertThat(lines).as("classes the child loaded").anyMatch(l -> l.contains("[class,load] dev.txfn.Tx "))
                .noneMatch(l -> l.contains("io.opentelemetry"));
    }
}
