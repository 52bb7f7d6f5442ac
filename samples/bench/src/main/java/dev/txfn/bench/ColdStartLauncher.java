package dev.txfn.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts one cold-start child JVM and times it from the parent's side: from just before the process is spawned
 * to the moment its result line is read. The database URL travels in the child's environment
 * ({@value ColdStartProbe#URL_VARIABLE}), readable only by its owner, never on its command line; each run names the
 * JDK it runs on. Immutable and thread-safe; each {@link #run} starts one process.
 */
final class ColdStartLauncher {

    /** How long one child may take before it is killed and the measure fails. */
    private static final long TIMEOUT_SECONDS = 120;

    /**
     * What one child process measured.
     *
     * @param wallMs parent's view: spawn to result line, ms
     * @param jvmStartToResultMs child's view: the JVM's recorded start time to the result, ms
     * @param mainToSetupMs child's view: {@code main} entered to handler constructed, ms
     * @param mainToResultMs child's view: {@code main} entered to result, ms
     */
    record Run(double wallMs, double jvmStartToResultMs, double mainToSetupMs, double mainToResultMs) {
    }

    private final String classPath;
    private final String jdbcUrl;
    private final Path workDir;
    private final Map<Class<?>, Map<String, String>> extraEnvironment;
    private final Map<Class<?>, String> classPathByMain;

    /**
     * A launcher of children on {@code classPath}.
     *
     * @param classPath the bench jar (or class path) the children load from
     * @param jdbcUrl where the children connect
     * @param workDir an owner-only directory for the children's standard error
     */
    ColdStartLauncher(String classPath, String jdbcUrl, Path workDir) {
        this(classPath, jdbcUrl, workDir, Map.of());
    }

    /**
     * A launcher whose children of some main classes get extra environment variables.
     *
     * @param classPath the bench jar (or class path) the children load from
     * @param jdbcUrl where the children connect
     * @param workDir an owner-only directory for the children's standard error
     * @param extraEnvironment by main class, variables set in addition (or instead of {@code DATABASE_URL})
     */
    ColdStartLauncher(String classPath, String jdbcUrl, Path workDir,
            Map<Class<?>, Map<String, String>> extraEnvironment) {
        this(classPath, jdbcUrl, workDir, extraEnvironment, Map.of());
    }

    /**
     * A launcher whose children of some main classes get extra environment variables or another class path.
     *
     * @param classPath the bench jar (or class path) the children load from
     * @param jdbcUrl where the children connect
     * @param workDir an owner-only directory for the children's standard error
     * @param extraEnvironment by main class, variables set in addition (or instead of {@code DATABASE_URL})
     * @param classPathByMain by main class, the class path to use instead of {@code classPath}
     */
    ColdStartLauncher(String classPath, String jdbcUrl, Path workDir,
            Map<Class<?>, Map<String, String>> extraEnvironment, Map<Class<?>, String> classPathByMain) {
        this.classPath = classPath;
        this.jdbcUrl = jdbcUrl;
        this.workDir = workDir;
        this.extraEnvironment = Map.copyOf(extraEnvironment);
        this.classPathByMain = Map.copyOf(classPathByMain);
    }

    /**
     * Runs {@code mainClass} in a fresh JVM of {@code jdk} with {@code jvmFlags} and waits for it to exit.
     *
     * @param jdk the JDK whose {@code java} starts the child
     * @param mainClass the child's main class
     * @param jvmFlags extra JVM options, e.g. {@code -XX:SharedArchiveFile=...}
     * @return the timings
     * @throws IOException if the process cannot be started, fails, or prints no result
     * @throws InterruptedException if interrupted while waiting; the child is killed
     */
    Run run(ColdStartJdk jdk, Class<?> mainClass, List<String> jvmFlags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(jdk.java().toString());
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(classPathByMain.getOrDefault(mainClass, classPath));
        command.add(mainClass.getName());
        Path stderr = workDir.resolve(mainClass.getSimpleName() + ".stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile()).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.put(ColdStartProbe.URL_VARIABLE, jdbcUrl);
        env.put("AWS_LAMBDA_FUNCTION_NAME", "txfn-bench-cold-start"); // what Lambda sets: txfn tunes for it
        // HikariCP's default, as the Jdbi variant has: on a loaded machine, loading the AWS SDK on the first
        // connection can outlast txfn's 3 s Lambda default, and a cold start is measured, not a timeout.
        env.put("TXFN_CONNECTION_TIMEOUT_MS", "30000");
        env.putAll(extraEnvironment.getOrDefault(mainClass, Map.of()));
        long spawn = System.nanoTime();
        Process process = builder.start();
        try {
            String line;
            String result = null;
            long resultNanos = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                while ((line = out.readLine()) != null) {
                    if (result == null && line.startsWith(ColdStartProbe.RESULT_PREFIX)) {
                        resultNanos = System.nanoTime();
                        result = line;
                    }
                }
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException(mainClass.getSimpleName() + " on " + jdk.label() + " did not exit within "
                        + TIMEOUT_SECONDS + " s");
            }
            if (result == null || process.exitValue() != 0) {
                throw new IOException(mainClass.getSimpleName() + " on " + jdk.label() + " exited with "
                        + process.exitValue() + " without a result; its standard error ends:\n" + tail(stderr));
            }
            return parse(result, (resultNanos - spawn) / 1e6);
        } finally {
            process.destroyForcibly();
        }
    }

    private static Run parse(String line, double wallMs) {
        Map<String, String> fields = new HashMap<>();
        for (String field : line.substring(ColdStartProbe.RESULT_PREFIX.length()).split(" ")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                fields.put(field.substring(0, eq), field.substring(eq + 1));
            }
        }
        return new Run(wallMs, Long.parseLong(fields.get("jvmStartToResultMs")),
                Long.parseLong(fields.get("mainToSetupNs")) / 1e6, Long.parseLong(fields.get("mainToResultNs")) / 1e6);
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
