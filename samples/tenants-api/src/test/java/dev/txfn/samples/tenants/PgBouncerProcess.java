package dev.txfn.samples.tenants;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A PgBouncer process in transaction mode in front of one PostgreSQL server (a trimmed copy of the benchmarks'
 * own): started from a generated configuration in a private directory, listening on a free port of 127.0.0.1
 * only (no Unix socket), letting in the one user of its auth file without a password and logging in to the
 * server as that user with the password the file holds, and stopped by {@link #close()}. PgBouncer
 * refuses to run as root; as root it is told to switch to {@value #UNPRIVILEGED_USER} after reading its
 * configuration. Not thread-safe.
 */
final class PgBouncerProcess implements AutoCloseable {

    /** The user PgBouncer switches to when started by root. */
    static final String UNPRIVILEGED_USER = "nobody";

    private static final long START_TIMEOUT_MS = 10_000;

    private final Process process;
    private final int port;
    private final Path log;

    private PgBouncerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Finds the {@code pgbouncer} executable on the {@code PATH}, or in {@code /usr/sbin} and
     * {@code /usr/local/sbin}, where Debian and source installs put it and which a non-root {@code PATH} often
     * lacks.
     *
     * @return the executable, or empty if there is none
     */
    static Optional<Path> find() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
        }
        dirs.add("/usr/sbin");
        dirs.add("/usr/local/sbin");
        return dirs.stream().filter(d -> !d.isBlank()).map(d -> Path.of(d, "pgbouncer"))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /**
     * Writes the configuration to {@code dir} and starts PgBouncer, waiting until it accepts connections.
     *
     * @param executable the {@code pgbouncer} program
     * @param dir an owner-only directory for the configuration and the log
     * @param serverHost the PostgreSQL server's host
     * @param serverPort the PostgreSQL server's port
     * @param user the one user PgBouncer lets in (trusted: no password) and connects to the server as
     * @param password the password PgBouncer logs in to the server with
     * @param poolSize the server connections per database and user ({@code default_pool_size})
     * @param maxClients {@code max_client_conn}
     * @return the running process
     * @throws IOException if it cannot be configured or started, or does not listen within 10 s; the message
     *     holds the end of its log
     * @throws InterruptedException if interrupted while waiting; the process is stopped
     */
    static PgBouncerProcess start(Path executable, Path dir, String serverHost, int serverPort, String user,
            String password, int poolSize, int maxClients) throws IOException, InterruptedException {
        int port = freePort();
        Path authFile = dir.resolve("userlist.txt");
        Files.writeString(authFile, "\"" + user + "\" \"" + password + "\"\n", StandardCharsets.UTF_8);
        Path config = dir.resolve("pgbouncer.ini");
        Files.writeString(config, String.join("\n",
                "[databases]",
                "* = host=" + serverHost + " port=" + serverPort,
                "",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + authFile,
                "pool_mode = transaction",
                "default_pool_size = " + poolSize,
                "min_pool_size = 0",
                "reserve_pool_size = 0",
                "max_client_conn = " + maxClients,
                // pgjdbc sends it in every startup packet; PgBouncer refuses unknown startup parameters
                "ignore_startup_parameters = extra_float_digits",
                "log_connections = 0",
                "log_disconnections = 0",
                "server_login_retry = 1",
                ""), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("-u");
            command.add(UNPRIVILEGED_USER); // PgBouncer reads its files first, then drops root
        }
        command.add(config.toString());
        Path log = dir.resolve("pgbouncer.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PgBouncerProcess bouncer = new PgBouncerProcess(process, port, log);
        try {
            bouncer.awaitListening();
            return bouncer;
        } catch (IOException | InterruptedException | RuntimeException e) {
            bouncer.close();
            throw e;
        }
    }

    /**
     * The port PgBouncer listens on, on 127.0.0.1.
     *
     * @return the port
     */
    int port() {
        return port;
    }

    /**
     * PgBouncer's version line, e.g. {@code PgBouncer 1.18.0}.
     *
     * @param executable the program
     * @return the first line of {@code pgbouncer --version}, or {@code unknown}
     */
    static String version(Path executable) {
        try {
            Process p = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(10, TimeUnit.SECONDS);
                return out.lines().findFirst().orElse("unknown").strip();
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Stops PgBouncer (SIGTERM, then SIGKILL after 10 s, or at once if interrupted) and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("pgbouncer exited with " + process.exitValue() + ": " + logTail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("pgbouncer did not listen on 127.0.0.1:" + port + " within "
                            + START_TIMEOUT_MS + " ms: " + logTail(), notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
