package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's {@code main} in a JVM of its own, on a class path the test chose, connected to the test server
 * through {@code TXFN_CHILD_URL}, {@code TXFN_CHILD_USER} and {@code TXFN_CHILD_PASSWORD}; for what one JVM's
 * class path cannot show (a jar missing, an older version of one).
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Runs {@code main} and returns its output lines (standard output and error), once it ended within 60 s.
     *
     * @param dir where the output is written
     * @param classPath the child's class path entries
     * @param main the class whose {@code main} runs
     * @param jvmOptions options before {@code -cp}
     */
    static Result run(Path dir, List<String> classPath, Class<?> main, String... jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath));
        command.add(main.getName());
        Path output = dir.resolve("child.out");
        ProcessBuilder child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        child.environment().put("TXFN_CHILD_URL", TestDb.server().jdbcUrl());
        child.environment().put("TXFN_CHILD_USER", TestDb.server().user());
        child.environment().put("TXFN_CHILD_PASSWORD", TestDb.server().password());
        Process process = child.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended within 60 s").isTrue();
        } finally {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readAllLines(output, StandardCharsets.UTF_8));
    }

    /** What the child ended with, and what it wrote. */
    record Result(int exitValue, List<String> lines) {
    }
}
