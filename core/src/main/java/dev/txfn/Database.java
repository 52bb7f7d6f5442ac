package dev.txfn;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.txfn.internal.PoolStarter;
import dev.txfn.internal.ScopedDataSource;
import dev.txfn.internal.Tracing;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * A PostgreSQL connection pool (HikariCP) tuned for where it runs: one lazily opened connection per Lambda
 * sandbox, a small elastic pool elsewhere. Hand it to {@link Tx#create(Database)}; no public method hands out
 * a connection.
 *
 * <p>Building never connects: the first connection is opened by the first transaction. Connections are not
 * validated when borrowed (that would cost a round trip per Lambda invocation); a transaction whose
 * connection proves dead before any statement completed is re-run on a fresh one instead. Connections stay
 * in auto-commit mode between transactions, announce an application name in the startup packet and enable
 * TCP keepalive; with {@linkplain Builder#transactionPooling(boolean) transaction pooling} (PgBouncer in
 * transaction mode, RDS Proxy) no named server-side prepared statements are used.
 *
 * <p>Neither {@link #toString()}, nor {@link #jdbcUrl()}, nor any exception or log line of this class
 * contains the password.
 *
 * <p>Thread-safe: share one instance per process and close it on shutdown.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource pool;
    private final DatabaseSettings settings;
    /** An {@code io.opentelemetry.api.OpenTelemetry}, or {@code null} for the global one. */
    private final Object openTelemetry;

    private Database(HikariDataSource pool, DatabaseSettings settings, Object openTelemetry) {
        this.pool = pool;
        this.settings = settings;
        this.openTelemetry = openTelemetry;
    }

    /**
     * A pool configured from the process environment ({@link System#getenv()}); see {@link #fromEnv(Map)}.
     *
     * @return the pool, not yet connected
     * @throws InvalidConfigurationException if a variable is missing, malformed or out of range; the message
     *     names the variable and never contains the password
     */
    public static Database fromEnv() {
        return fromEnv(System.getenv());
    }

    /**
     * A pool configured from the given environment variables. Empty variables count as unset.
     *
     * <ul>
     *   <li>{@code DATABASE_URL}: a {@code postgres://} or {@code postgresql://} URI
     *       ({@code postgres://user:password@host:port/database?sslmode=require}, percent-encoded as in
     *       libpq) or a {@code jdbc:postgresql:} URL. Either may list several hosts
     *       ({@code postgres://h1:5432,h2:5433/db?target_session_attrs=read-write},
     *       {@code jdbc:postgresql://h1,h2/db?targetServerType=primary}); libpq's {@code target_session_attrs}
     *       becomes pgjdbc's {@code targetServerType}. {@code sslrootcert} may name a file or a classpath
     *       resource ({@code classpath:rds-global-bundle.pem}). Other query parameters become pgjdbc properties.
     *   <li>{@code PGHOST} (default {@code localhost}), {@code PGPORT} (5432), {@code PGDATABASE} (default:
     *       the user name), {@code PGUSER}, {@code PGPASSWORD}, {@code PGSSLMODE}, {@code PGSSLROOTCERT},
     *       {@code PGTARGETSESSIONATTRS}, {@code PGAPPNAME}: as in libpq, each fills in what
     *       {@code DATABASE_URL} leaves out, or everything when it is unset. {@code PGHOST} and {@code PGPORT}
     *       may be comma-separated lists (one port for all hosts, or one per host).
     *   <li>{@code TXFN_MAX_POOL_SIZE}, {@code TXFN_CONNECTION_TIMEOUT_MS}: override the pool size and the
     *       time to wait for a connection.
     *   <li>{@code TXFN_POOLING}: {@code session} (the default) or {@code transaction} when connecting
     *       through PgBouncer in transaction mode or RDS Proxy.
     *   <li>{@code AWS_LAMBDA_FUNCTION_NAME}: when non-empty, Lambda tuning applies and it is the default
     *       application name.
     *   <li>{@code TXFN_PASSWORD_SECRET}: the name or ARN of an AWS Secrets Manager secret holding the user name
     *       and password ({@link SecretsManagerCredentials}, read per new connection, re-read when the server
     *       refuses the password); then no password may be given otherwise, and the user may be left out.
     *       {@code PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}, {@code AWS_SESSION_TOKEN}, {@code AWS_REGION},
     *       {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} and {@code AWS_ENDPOINT_URL} are honoured.
     *   <li>{@code TXFN_IAM_AUTH}: {@code true} for RDS IAM authentication
     *       ({@link Builder#iamAuthentication(String)}) in the region {@code AWS_REGION}, as the user and to the
     *       host and port the URL or {@code PG*} name; requires {@code sslmode} {@code require} or stricter.
     * </ul>
     *
     * @param environment the variables, typically {@link System#getenv()}
     * @return the pool, not yet connected
     * @throws InvalidConfigurationException if a variable is missing, malformed or out of range, the CA bundle
     *     is missing or not PEM, or neither {@code DATABASE_URL} nor {@code PGUSER} is set; the message names the
     *     variable and never contains the password
     */
    public static Database fromEnv(Map<String, String> environment) {
        return DatabaseEnvironment.builder(environment).build();
    }

    /**
     * A builder, with Lambda tuning when the environment variable {@code AWS_LAMBDA_FUNCTION_NAME} is
     * non-empty.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(System.getenv());
    }

    /** The pool's connections, for {@link Tx} in this package only. */
    DataSource dataSource() {
        return pool;
    }

    /** The OpenTelemetry instance given to the builder, or {@code null}; for {@link Tx} in this package only. */
    Object openTelemetry() {
        return openTelemetry;
    }

    /**
     * The number of connections checked out of the pool right now.
     *
     * @return a snapshot, 0 once closed
     */
    public int activeConnections() {
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        return pool.isClosed() || mx == null ? 0 : mx.getActiveConnections();
    }

    /**
     * The number of open connections waiting in the pool right now.
     *
     * @return a snapshot, 0 once closed
     */
    public int idleConnections() {
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        return pool.isClosed() || mx == null ? 0 : mx.getIdleConnections();
    }

    /**
     * The number of open connections, checked out or idle, right now.
     *
     * @return a snapshot, 0 once closed
     */
    public int totalConnections() {
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        return pool.isClosed() || mx == null ? 0 : mx.getTotalConnections();
    }

    /**
     * Closes every idle connection now, and every checked-out one when it is returned (HikariCP's soft
     * eviction). Use it after a failover, a credential rotation, or when a Lambda sandbox is about to be
     * frozen for long. Does nothing once closed. Never throws.
     */
    public void evictIdleConnections() {
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        if (!pool.isClosed() && mx != null) {
            mx.softEvictConnections();
        }
    }

    /**
     * Removes one connection from the pool for good (closed when returned if checked out): a leaked one found by
     * {@link Tx#settle()}, or one on a server that turned out read-only.
     */
    void evictConnection(java.sql.Connection connection) {
        if (!pool.isClosed()) {
            pool.evictConnection(connection);
        }
    }

    /**
     * Whether Lambda tuning applies.
     *
     * @return {@code true} when built inside AWS Lambda or with {@link Builder#lambda(boolean) lambda(true)}
     */
    public boolean isLambda() {
        return settings.lambda();
    }

    /**
     * Whether connections go through a transaction-mode pooler (PgBouncer, RDS Proxy), so that no session
     * state and no named prepared statements are used.
     *
     * @return {@code true} in transaction pooling mode
     */
    public boolean transactionPooling() {
        return settings.transactionPooling();
    }

    /**
     * The most connections this pool opens at once.
     *
     * @return at least 1
     */
    public int maximumPoolSize() {
        return settings.maximumPoolSize();
    }

    /**
     * The {@code application_name} the connections announce (shown in {@code pg_stat_activity}).
     *
     * @return the application name
     */
    public String applicationName() {
        return settings.applicationName();
    }

    /**
     * The JDBC URL of this database without credentials, with the driver properties this pool uses, e.g.
     * {@code jdbc:postgresql://db.example.com:5432/app?ApplicationName=orders&assumeMinServerVersion=10...}.
     * For tools such as Flyway, {@link #useDataSource} lends a data source with the credentials too.
     *
     * @return the URL; never contains the password
     */
    public String jdbcUrl() {
        return settings.jdbcUrl();
    }

    /**
     * The user name connections log in as.
     *
     * @return the user name
     */
    public String user() {
        return settings.user();
    }

    /**
     * Lends a tool that speaks plain JDBC (Flyway or Liquibase, at deploy time or start-up) a {@link DataSource}
     * for this database: the same host, driver properties and credentials as the pool, without the password
     * being handed out, but connections of its own, each opened when the tool asks and closed by the tool,
     * never the pool's (a migration holding two connections cannot starve a pool of one). Once {@code work}
     * returns the data source opens nothing more. Transactions belong in {@link Tx}; this is for tools.
     *
     * <pre>{@code
     * db.useDataSource(ds -> Flyway.configure().dataSource(ds).load().migrate());
     * }</pre>
     *
     * @param work what to run with the data source
     * @param <X> what {@code work} may throw
     * @throws X when {@code work} throws it
     * @throws IllegalStateException if this database is closed
     * @throws CredentialsUnavailableException if the {@linkplain Builder#credentials credentials source} cannot
     *     give credentials
     */
    public <X extends Exception> void useDataSource(DataSourceConsumer<X> work) throws X {
        Objects.requireNonNull(work, "work");
        if (pool.isClosed()) {
            throw new IllegalStateException("the database is closed");
        }
        Properties properties = new Properties();
        properties.putAll(pool.getDataSourceProperties());
        String user = pool.getUsername();
        String password = pool.getPassword();
        if (pool.getCredentialsProvider() != null) {
            com.zaxxer.hikari.util.Credentials fromSource = pool.getCredentialsProvider().getCredentials();
            user = fromSource.getUsername();
            password = fromSource.getPassword();
        }
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        ScopedDataSource lent = new ScopedDataSource(pool.getJdbcUrl(), properties);
        try {
            work.accept(lent);
        } finally {
            lent.end();
        }
    }

    /**
     * Work done with the data source {@link #useDataSource} lends.
     *
     * @param <X> the exception the work may throw
     */
    @FunctionalInterface
    public interface DataSourceConsumer<X extends Exception> {
        /**
         * Does the work.
         *
         * @param dataSource valid until this method returns
         * @throws X when the work fails
         */
        void accept(DataSource dataSource) throws X;
    }

    /**
     * Closes every connection and stops the pool. Checked-out connections are closed as they are returned.
     * Idempotent; never throws.
     */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * Host, port, database, user and pool mode; never the password. Several hosts are shown as libpq lists them,
     * {@code host=h1,h2, port=5432,5433}.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        return "Database[host=" + String.join(",", settings.hosts()) + ", port=" + settings.ports().stream()
                .map(String::valueOf).collect(Collectors.joining(",")) + ", database="
                + settings.database() + ", user=" + settings.user() + ", pooling="
                + (settings.transactionPooling() ? "transaction" : "session") + ", maximumPoolSize="
                + settings.maximumPoolSize() + ", lambda=" + settings.lambda() + (pool.isClosed() ? ", closed" : "")
                + "]";
    }

    /**
     * Configures a {@link Database}. Setters only record values; {@link #build()} validates them all. A URL
     * given with {@link #url(String)} supplies defaults for host, port, database, user, password, sslmode,
     * application name and driver properties; the dedicated setters win over it whatever the call order.
     * Passing {@code null} to a setter clears it.
     *
     * <p>Not thread-safe; use one builder on one thread.
     */
    public static final class Builder {
        // Package-private: PoolTuning reads them to validate and resolve.
        final String functionName;
        /** For the AWS credentials of the built-in credentials sources. */
        final Map<String, String> environment;
        final Map<String, String> origins = new HashMap<>();
        final Map<String, String> properties = new LinkedHashMap<>();
        String url;
        String host;
        List<Integer> ports;
        String database;
        String user;
        String password;
        String sslMode;
        String sslRootCert;
        String applicationName;
        Integer maximumPoolSize;
        Duration connectionTimeout;
        Duration idleTimeout;
        Duration maxLifetime;
        boolean transactionPooling;
        Boolean lambda;
        CredentialsSource credentials;
        String iamRegion;
        Object openTelemetry;

        Builder(Map<String, String> environment) {
            String name = environment.get("AWS_LAMBDA_FUNCTION_NAME");
            this.functionName = name == null || name.isBlank() ? null : name;
            this.environment = environment;
        }

        /**
         * Where to connect, as a {@code postgres://} or {@code postgresql://} URI (percent-encoded as in
         * libpq) or a {@code jdbc:postgresql:} URL, with optional credentials and query parameters.
         *
         * @param url the URL, or {@code null}
         * @return this builder
         */
        public Builder url(String url) {
            this.url = url;
            return origin("url", "url");
        }

        /**
         * The same as {@link #url(String)}: accepts a {@code jdbc:postgresql:} URL or a {@code postgres://} URI.
         *
         * @param jdbcUrl the URL, or {@code null}
         * @return this builder
         */
        public Builder jdbcUrl(String jdbcUrl) {
            this.url = jdbcUrl;
            return origin("url", "jdbcUrl");
        }

        /**
         * The host name or IP address; default {@code localhost}. Several, separated by commas as in libpq's
         * {@code PGHOST} ({@code db1.example.com,db2.example.com}), are tried in order; with
         * {@code property("targetServerType", "primary")} (or {@code target_session_attrs=read-write} in a URL)
         * connections go only to the one that accepts writes.
         *
         * @param host the host, or a comma-separated list of hosts, or {@code null}
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return origin("host", "host");
        }

        /**
         * The port, 1 to 65535, of every host; default 5432, or the ports a URL gives.
         *
         * @param port the port
         * @return this builder
         */
        public Builder port(int port) {
            this.ports = List.of(port);
            return origin("port", "port");
        }

        /** libpq's {@code PGPORT} list: one port for every host, or one per host ({@code null}: 5432). */
        Builder ports(List<Integer> ports) {
            this.ports = ports;
            return this;
        }

        /**
         * The database name; default: the user name.
         *
         * @param database the database, or {@code null}
         * @return this builder
         */
        public Builder database(String database) {
            this.database = database;
            return origin("database", "database");
        }

        /**
         * The user name; required here or in the URL.
         *
         * @param user the user, or {@code null}
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return origin("user", "user");
        }

        /**
         * The password; none by default. Kept only by the pool, never shown.
         *
         * @param password the password, or {@code null}
         * @return this builder
         */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * Where each new connection takes its user name and password from, instead of
         * {@link #password(String)}: a secret that rotates ({@link CredentialsSource#secretsManager}) or a source
         * of your own. Asked whenever the pool opens a connection; when the server refuses a password the source
         * is told, and a source that rotates has the connection retried until the connection timeout. The user
         * it gives wins over {@link #user(String)}, which then only names the default database.
         *
         * @param credentials the source, or {@code null} for the user and password set here
         * @return this builder
         */
        public Builder credentials(CredentialsSource credentials) {
            this.credentials = credentials;
            return origin("credentials", "credentials");
        }

        /**
         * RDS IAM authentication: each new connection logs in as {@link #user(String)} with a token the AWS SDK
         * makes (module {@code software.amazon.awssdk:rds}, an optional dependency) from the AWS credentials of
         * the environment (in Lambda, the function's role, which needs {@code rds-db:connect}), reused while
         * younger than 10 minutes. Requires {@link #sslMode(String) sslMode} {@code require} or stricter.
         *
         * @param region the database's AWS region, e.g. {@code eu-west-1}, or {@code null} to switch it off
         * @return this builder
         */
        public Builder iamAuthentication(String region) {
            this.iamRegion = region;
            return origin("iamAuthentication", "iamAuthentication");
        }

        /**
         * The pgjdbc {@code sslmode}: {@code disable}, {@code allow}, {@code prefer} (the driver's default),
         * {@code require}, {@code verify-ca} or {@code verify-full}.
         *
         * @param sslMode the mode, or {@code null}
         * @return this builder
         */
        public Builder sslMode(String sslMode) {
            this.sslMode = sslMode;
            return origin("sslMode", "sslMode");
        }

        /**
         * The certificate authorities the server's certificate must chain to, for {@code sslmode} {@code verify-ca}
         * or {@code verify-full}: a PEM file ({@code /var/task/rds-global-bundle.pem}), or a classpath resource
         * ({@code classpath:rds-global-bundle.pem}, packaged in the deployment jar), which txfn reads once and hands
         * to pgjdbc from memory. Either is checked by {@link #build()}. The same as pgjdbc's {@code sslrootcert}
         * property and libpq's {@code PGSSLROOTCERT}; wins over both.
         *
         * @param sslRootCert a file path or {@code classpath:} and a resource name, or {@code null}
         * @return this builder
         */
        public Builder sslRootCert(String sslRootCert) {
            this.sslRootCert = sslRootCert;
            return origin("sslRootCert", "sslRootCert");
        }

        /**
         * The {@code application_name} shown in {@code pg_stat_activity}; default: the Lambda function name,
         * else {@code txfn}. Sent in the startup packet, so it costs no round trip.
         *
         * @param applicationName the name, or {@code null}
         * @return this builder
         */
        public Builder applicationName(String applicationName) {
            this.applicationName = applicationName;
            return origin("applicationName", "applicationName");
        }

        /**
         * The most connections open at once, at least 1; default 1 in Lambda (one invocation at a time per
         * sandbox), else 10.
         *
         * @param maximumPoolSize the size
         * @return this builder
         */
        public Builder maximumPoolSize(int maximumPoolSize) {
            this.maximumPoolSize = maximumPoolSize;
            return origin("maximumPoolSize", "maximumPoolSize");
        }

        /**
         * How long to wait for a connection, from the pool or from the server, at least 250 ms; default
         * 3 s in Lambda, else 10 s. Also sets the driver's TCP {@code connectTimeout} (rounded up to seconds).
         *
         * @param connectionTimeout the timeout, or {@code null}
         * @return this builder
         */
        public Builder connectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
            return origin("connectionTimeout", "connectionTimeout");
        }

        /**
         * How long a connection may sit idle before it is closed: zero (never) or at least 10 s, and at least
         * 1 s below {@link #maxLifetime(Duration) maxLifetime}; default 5 min in Lambda (below the 350 s after
         * which a NAT gateway drops idle flows), else 10 min.
         *
         * @param idleTimeout the timeout, or {@code null}
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return origin("idleTimeout", "idleTimeout");
        }

        /**
         * How long a connection may live: zero (forever) or at least 30 s; default 10 min in Lambda, else
         * 30 min.
         *
         * @param maxLifetime the lifetime, or {@code null}
         * @return this builder
         */
        public Builder maxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
            return origin("maxLifetime", "maxLifetime");
        }

        /**
         * Whether connections go through PgBouncer in transaction mode or RDS Proxy: then pgjdbc uses no
         * named server-side prepared statements ({@code prepareThreshold=0}). Default {@code false}.
         *
         * @param transactionPooling {@code true} behind a transaction-mode pooler
         * @return this builder
         */
        public Builder transactionPooling(boolean transactionPooling) {
            this.transactionPooling = transactionPooling;
            return this;
        }

        /**
         * Whether to apply Lambda tuning; default: whether {@code AWS_LAMBDA_FUNCTION_NAME} is non-empty.
         *
         * @param lambda {@code true} for Lambda tuning
         * @return this builder
         */
        public Builder lambda(boolean lambda) {
            this.lambda = lambda;
            return this;
        }

        /**
         * An extra pgjdbc connection property, e.g. {@code targetServerType} or {@code socketTimeout}. Wins over
         * txfn's defaults and over the URL's query parameters. {@code user}, {@code password} and {@code sslmode}
         * have their own setters; {@code sslrootcert} is the same as {@link #sslRootCert(String)}, below it.
         *
         * @param name the pgjdbc property name
         * @param value its value, or {@code null} to remove it
         * @return this builder
         */
        public Builder property(String name, String value) {
            if (value == null) {
                properties.remove(name);
            } else {
                properties.put(name, value);
            }
            return this;
        }

        /**
         * Where the transactions of a {@link Tx} over this database record their spans: a span per transaction and
         * a span per statement (see the README, "Observability"). Without this setting they go to the global
         * OpenTelemetry ({@code GlobalOpenTelemetry}) once the application has set one, and are not recorded
         * until then; without the OpenTelemetry API on the class path nothing is recorded and no OpenTelemetry
         * class is loaded.
         *
         * <p>The parameter is typed {@code Object} so that this class names no OpenTelemetry type: the API is an
         * optional dependency, and this class must load, and be inspected by reflection, without it.
         *
         * @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or {@code null} for the global one
         * @return this builder
         * @throws InvalidConfigurationException (from {@link #build()}) if it is not an {@code OpenTelemetry}, or
         *     the OpenTelemetry API is not on the class path
         */
        public Builder openTelemetry(Object openTelemetry) {
            this.openTelemetry = openTelemetry;
            return this;
        }

        /** Makes validation messages for {@code setting} name {@code source} (an environment variable). */
        Builder origin(String setting, String source) {
            origins.put(setting, source);
            return this;
        }

        /**
         * Validates the configuration and creates the pool, without connecting.
         *
         * @return the pool
         * @throws InvalidConfigurationException if a setting is missing, malformed or out of range, or the
         *     {@linkplain #sslRootCert(String) CA bundle} is missing or not PEM; the message names the setting and
         *     its bound, never the password nor the bundle's content
         */
        public Database build() {
            PoolTuning tuning = PoolTuning.of(this);
            if (openTelemetry != null) {
                try {
                    Tracing.of(openTelemetry);
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigurationException("openTelemetry", e.getMessage());
                }
            }
            return new Database(PoolStarter.start(tuning.hikari()), tuning.settings(), openTelemetry);
        }

        String nameOf(String setting) {
            return origins.getOrDefault(setting, setting);
        }
    }
}
