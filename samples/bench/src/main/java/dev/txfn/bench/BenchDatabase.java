package dev.txfn.bench;

import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.RoundTripCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * The PostgreSQL server the benchmarks run against: {@value #URL_VARIABLE} (a {@code jdbc:postgresql:} URL)
 * when set, otherwise the embedded PostgreSQL of core's test kit ({@link PostgresTestDatabase#shared()},
 * which itself honours {@code TXFN_TEST_DATABASE_URL}).
 *
 * <p>JMH runs each benchmark in a forked JVM; {@link #handOver()} writes the URL to an owner-only file whose
 * path the fork receives as the system property {@value #URL_FILE_PROPERTY}, so the fork uses the same server
 * (rather than starting an embedded one of its own) and no password appears in a JVM command line.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the password.
 */
public final class BenchDatabase {

    /** The environment variable naming the server to benchmark. */
    public static final String URL_VARIABLE = "TXFN_BENCH_DATABASE_URL";

    /** The system property a forked JVM reads the URL file's path from. */
    public static final String URL_FILE_PROPERTY = "txfn.bench.urlFile";

    private static BenchDatabase instance; // guarded by BenchDatabase.class

    private final String jdbcUrl;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final boolean embedded;
    private final String serverVersion;

    private BenchDatabase(String jdbcUrl, String host, int port, String database, String user, String password,
            boolean embedded) {
        this.jdbcUrl = jdbcUrl;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
        this.serverVersion = queryServerVersion();
    }

    /**
     * The server of this JVM: from {@value #URL_FILE_PROPERTY} in a JMH fork, else from {@value #URL_VARIABLE},
     * else the embedded one, started on the first call.
     *
     * @return the same instance on every call
     * @throws IllegalArgumentException if the URL cannot be parsed
     * @throws IllegalStateException if the server cannot be reached or started
     */
    public static synchronized BenchDatabase shared() {
        if (instance == null) {
            instance = resolve();
        }
        return instance;
    }

    private static BenchDatabase resolve() {
        String urlFile = System.getProperty(URL_FILE_PROPERTY);
        if (urlFile != null && !urlFile.isBlank()) {
            try {
                return fromUrl(Files.readString(Path.of(urlFile), StandardCharsets.UTF_8).strip(), false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + URL_FILE_PROPERTY + " " + urlFile, e);
            }
        }
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return fromUrl(url.strip(), false);
        }
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        return new BenchDatabase(server.jdbcUrl(), server.host(), server.port(), server.database(), server.user(),
                server.password(), server.isEmbedded());
    }

    private static BenchDatabase fromUrl(String url, boolean embedded) {
        Properties parsed = Driver.parseURL(url, new Properties());
        if (parsed == null) {
            throw new IllegalArgumentException(URL_VARIABLE + " is not a jdbc:postgresql: URL");
        }
        String host = parsed.getProperty("PGHOST", "localhost");
        String port = parsed.getProperty("PGPORT", "5432");
        if (host.contains(",")) {
            throw new IllegalArgumentException(URL_VARIABLE + " names several hosts; name one");
        }
        return new BenchDatabase(url, host, Integer.parseInt(port), parsed.getProperty("PGDBNAME", "postgres"),
                parsed.getProperty("user", System.getProperty("user.name")), parsed.getProperty("password", ""),
                embedded);
    }

    /**
     * Connects straight to the server, for the CPU-cost benchmarks.
     *
     * @return the target
     */
    public DbTarget direct() {
        return new DbTarget(jdbcUrl, "");
    }

    /**
     * Connects through {@code counter}, which must forward to this server.
     *
     * @param counter a proxy started with {@link #startCounter()}
     * @return the target
     */
    public DbTarget through(RoundTripCounter counter) {
        return new DbTarget(counter.jdbcUrl(database, user), password);
    }

    /**
     * Starts a round-trip counting proxy in front of this server.
     *
     * @return the running proxy; the caller closes it
     */
    public RoundTripCounter startCounter() {
        return RoundTripCounter.start(host, port);
    }

    /**
     * Opens an auto-commit connection for setup; the caller closes it.
     *
     * @return the connection
     * @throws SQLException if it cannot be opened
     */
    public Connection openAdminConnection() throws SQLException {
        return direct().connect();
    }

    /**
     * Writes the URL to an owner-only temporary file, deleted when this JVM exits, for JMH forks.
     *
     * @return the system property setting to pass to a forked JVM, {@code -D...=path}
     * @throws IOException if the file cannot be written
     */
    public String handOver() throws IOException {
        Path file = Files.createTempFile("txfn-bench-url", ".txt",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        file.toFile().deleteOnExit();
        Files.writeString(file, jdbcUrl, StandardCharsets.UTF_8);
        return "-D" + URL_FILE_PROPERTY + "=" + file;
    }

    /**
     * The server's version.
     *
     * @return {@code SHOW server_version}, for example {@code 17.7}
     */
    public String serverVersion() {
        return serverVersion;
    }

    /**
     * Whether this is the embedded server this JVM started; a JMH fork, handed the URL, says {@code false}.
     *
     * @return {@code true} for the embedded server
     */
    public boolean isEmbedded() {
        return embedded;
    }

    /** Describes the server without its password. */
    @Override
    public String toString() {
        return (embedded ? "embedded" : "external") + " PostgreSQL " + serverVersion + " at " + host + ":" + port
                + "/" + database;
    }

    private String queryServerVersion() {
        try (Connection connection = openAdminConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("show server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query " + host + ":" + port + "/" + database, e);
        }
    }
}
