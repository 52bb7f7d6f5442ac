package dev.txfn;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test support: a PostgreSQL cluster of a test's own on {@code 127.0.0.1}, made and run with the server's own
 * tools ({@code initdb}, {@code pg_ctl}, {@code pg_basebackup}; the embedded binaries lack the last), so that a
 * test can crash it with SIGKILL, start it again on the same port, or make a streaming standby and promote it.
 *
 * <p>The tools are those of {@value #BIN_VARIABLE}, else {@value #DEFAULT_BIN} (Debian's PostgreSQL 15 package);
 * {@link #assumeToolsInstalled()} skips a test where they are missing. {@code initdb} refuses to run as root, so
 * as root every tool runs as the {@value #OS_USER} user, which owns the data directory. Trust authentication,
 * user {@code postgres}, no Unix socket. {@code fsync} is off: the tests crash processes, not the machine, and
 * the operating system keeps written WAL across a process crash.
 *
 * <p>{@link #close()} stops the server at once and deletes its directory; use it in try-with-resources or an
 * {@code @AfterAll}, so that a failing test stops it too. Not thread-safe.
 */
final class PostgresCluster implements AutoCloseable {
    /** The environment variable naming the directory of PostgreSQL's programs. */
    static final String BIN_VARIABLE = "TXFN_TEST_PG_BIN";
    static final String DEFAULT_BIN = "/usr/lib/postgresql/15/bin";
    static final String OS_USER = "postgres";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path directory;
    private final Path data;
    private final int port;

    private PostgresCluster(Path directory, int port) {
        this.directory = directory;
        this.data = directory.resolve("data");
        this.port = port;
    }

    /** Skips the calling test, saying why, when the tools are not installed here. */
    static void assumeToolsInstalled() {
        for (String tool : List.of("initdb", "pg_ctl", "pg_basebackup", "postgres")) {
            assumeTrue(Files.isExecutable(bin().resolve(tool)), "needs PostgreSQL's " + tool + " in " + bin()
                    + " (Debian: apt-get install postgresql-15; or set " + BIN_VARIABLE + ")");
        }
        assumeTrue(!ROOT || Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of(
                "/sbin/runuser")), "as root, needs runuser to run initdb as " + OS_USER);
    }

    /** A new cluster (not started yet) with {@code settings} appended to its {@code postgresql.conf}. */
    static PostgresCluster create(String... settings) {
        PostgresCluster cluster = new PostgresCluster(newDirectory(), freePort());
        try {
            cluster.run("initdb", "-D", cluster.data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--no-sync", "--no-instructions");
            cluster.configure(settings);
            return cluster;
        } catch (RuntimeException e) {
            cluster.delete();
            throw e;
        }
    }

    /**
     * A streaming standby of this running cluster ({@code pg_basebackup -R}: {@code standby.signal} and
     * {@code primary_conninfo} written for it), not started yet, on a port of its own.
     */
    PostgresCluster standby() {
        PostgresCluster standby = new PostgresCluster(newDirectory(), freePort());
        try {
            run("pg_basebackup", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres", "-D",
                    standby.data.toString(), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync");
            standby.configure(); // its own port, after the primary's settings it copied
            return standby;
        } catch (RuntimeException e) {
            standby.delete();
            throw e;
        }
    }

    int port() {
        return port;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&sslmode=disable";
    }

    /** Starts the server and returns once it accepts connections. */
    void start() {
        run("pg_ctl", "start", "-w", "-t", "60", "-D", data.toString(), "-l", directory.resolve("server.log")
                .toString());
    }

    /** Starts the server without waiting; see {@link #awaitAcceptingConnections()}. */
    void startWithoutWaiting() {
        run("pg_ctl", "start", "-W", "-D", data.toString(), "-l", directory.resolve("server.log").toString());
    }

    /** Returns once a connection opens, polling every 10 ms, as a client retrying would find the server. */
    void awaitAcceptingConnections() throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection c = DriverManager.getConnection(jdbcUrl())) {
                assert c.isValid(0);
                return;
            } catch (SQLException e) {
                if (System.nanoTime() - giveUp > 0) {
                    throw new IllegalStateException("the server did not accept connections within 60 s; its log:\n"
                            + logTail(), e);
                }
                Thread.sleep(10);
            }
        }
    }

    /** A clean stop ({@code pg_ctl stop -m fast}): sessions are terminated (57P01), WAL reaches the standbys. */
    void stop() {
        run("pg_ctl", "stop", "-w", "-m", "fast", "-D", data.toString());
    }

    /**
     * A crash: SIGKILL to the postmaster and every process of its, as the kernel's OOM killer or a lost host
     * would; nothing is shut down cleanly, and the next start runs crash recovery. Returns once all are gone.
     */
    void crash() throws InterruptedException {
        ProcessHandle postmaster = ProcessHandle.of(postmasterPid()).orElseThrow(
                () -> new IllegalStateException("the postmaster is not running"));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(0, postmaster);
        all.forEach(ProcessHandle::destroyForcibly);
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (all.stream().anyMatch(ProcessHandle::isAlive)) {
            if (System.nanoTime() - giveUp > 0) {
                throw new IllegalStateException("processes of the crashed server still alive: " + all);
            }
            Thread.sleep(5);
        }
    }

    /** Promotes this standby to a writable primary and returns once it is one. */
    void promote() {
        run("pg_ctl", "promote", "-w", "-t", "60", "-D", data.toString());
    }

    /** Stops the server at once if it runs, and deletes its directory. */
    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))
                    && ProcessHandle.of(postmasterPid()).map(ProcessHandle::isAlive).orElse(false)) {
                run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", data.toString());
            }
        } finally {
            delete();
        }
    }

    private long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.US_ASCII)
                    .get(0).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the postmaster's pid; is the server running?", e);
        }
    }

    private void configure(String... settings) {
        List<String> lines = new ArrayList<>(List.of("port = " + port, "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = ''", "fsync = off", "shared_buffers = 16MB", "max_connections = 40"));
        lines.addAll(List.of(settings));
        try {
            Files.write(data.resolve("postgresql.conf"), lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a PostgreSQL program (as {@value #OS_USER} when root), failing with its output if it fails. */
    private void run(String program, String... arguments) {
        List<String> command = new ArrayList<>();
        if (ROOT) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.add(bin().resolve(program).toString());
        command.addAll(List.of(arguments));
        Path output = directory.resolve(program + ".out");
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 90 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "):\n" + Files.readString(output) + "\nserver log:\n" + logTail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("server.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    private void delete() {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + directory, e);
        }
    }

    private static Path bin() {
        String configured = System.getenv(BIN_VARIABLE);
        return Path.of(configured == null || configured.isBlank() ? DEFAULT_BIN : configured);
    }

    /** An owner-only directory the server's user owns (the data directory and the log go in it). */
    private static Path newDirectory() {
        try {
            Path directory = Files.createTempDirectory("txfn-cluster",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (ROOT) {
                UserPrincipal owner = directory.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(OS_USER);
                Files.setOwner(directory, owner);
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("could not make a directory for a test cluster", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
