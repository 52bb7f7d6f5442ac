package dev.txfn;

import com.zaxxer.hikari.HikariConfig;
import dev.txfn.internal.CaBundle;
import dev.txfn.internal.ClasspathCaSocketFactory;
import dev.txfn.internal.PoolCredentials;
import dev.txfn.internal.PoolEvents;
import dev.txfn.internal.PostgresUrl;
import dev.txfn.internal.RdsIamCredentials;
import dev.txfn.internal.SecretReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A validated {@link Database.Builder}: the HikariCP configuration to start and what the database reports
 * about itself. Validation messages name the setting (or the environment variable it came from) and its
 * bound, HikariCP style, and never the password; values that came out of a URL were validated, without being
 * quoted, by {@link PostgresUrl}.
 *
 * @param hikari the pool configuration, password included
 * @param settings the description, password excluded
 */
record PoolTuning(HikariConfig hikari, DatabaseSettings settings) {
    private static final String DRIVER_CLASS = "org.postgresql.Driver";
    private static final String APPLICATION_NAME_PROPERTY = "ApplicationName";
    private static final Set<String> DEDICATED_PROPERTIES = Set.of("user", "password", "sslmode");
    private static final Set<String> SECRET_PROPERTIES = Set.of("password", "sslpassword");
    private static final String ROOT_CERT_PROPERTY = "sslrootcert";
    private static final String TARGET_SERVER_TYPE_PROPERTY = "targetServerType";
    private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
    private static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MIN_MAX_LIFETIME = Duration.ofSeconds(30);
    private static final long MAX_VALIDATION_TIMEOUT_MS = 5_000;
    private static final Set<String> IAM_SSL_MODES = Set.of("require", "verify-ca", "verify-full");

    static PoolTuning of(Database.Builder b) {
        PostgresUrl parsed = b.url == null ? PostgresUrl.EMPTY : PostgresUrl.parse(b.url, b.nameOf("url"));
        String user = nonEmpty(b, "user", first(b.user, parsed.user()));
        if (user == null && (b.credentials == null || b.iamRegion != null)) {
            throw invalid(b, "user", "is required, in a URL or with user(String)");
        }
        List<String> hosts = hosts(b, parsed);
        List<Integer> ports = ports(b, parsed, hosts.size());
        String database = first(nonEmpty(b, "database", first(b.database, parsed.database())), user);
        if (database == null) {
            throw invalid(b, "database", "is required when the user name comes from the credentials source");
        }
        boolean lambda = b.lambda != null ? b.lambda : b.functionName != null;
        int poolSize = first(b.maximumPoolSize, lambda ? 1 : 10);
        if (poolSize < 1) {
            throw invalid(b, "maximumPoolSize", "must be at least 1, was " + poolSize);
        }
        long connectionMs = millis(b, "connectionTimeout",
                first(b.connectionTimeout, Duration.ofSeconds(lambda ? 3 : 10)), MIN_CONNECTION_TIMEOUT, false);
        long lifetimeMs = millis(b, "maxLifetime",
                first(b.maxLifetime, Duration.ofMinutes(lambda ? 10 : 30)), MIN_MAX_LIFETIME, true);
        long idleMs = millis(b, "idleTimeout",
                first(b.idleTimeout, Duration.ofMinutes(lambda ? 5 : 10)), MIN_IDLE_TIMEOUT, true);
        if (lifetimeMs > 0 && idleMs > lifetimeMs - 1_000) {
            throw invalid(b, "idleTimeout", "must be at most " + b.nameOf("maxLifetime") + " - 1 s ("
                    + (lifetimeMs - 1_000) + " ms), was " + idleMs + " ms");
        }
        String applicationName = nonEmpty(b, "applicationName", first(b.applicationName,
                b.properties.get(APPLICATION_NAME_PROPERTY), parsed.applicationName(), b.functionName, "txfn"));
        Map<String, String> properties = driverProperties(b, parsed, applicationName, connectionMs);

        StringJoiner servers = new StringJoiner(",");
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i);
            servers.add((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + ports.get(i));
        }
        String baseUrl = "jdbc:postgresql://" + servers + "/" + encode(database);
        HikariConfig config = new HikariConfig();
        config.setPoolName("txfn");
        config.setDriverClassName(DRIVER_CLASS);
        config.setJdbcUrl(baseUrl);
        config.setUsername(user);
        config.setPassword(first(b.password, parsed.password()));
        // An IAM token is signed for one host: the first listed (the usual single endpoint).
        CredentialsSource source = credentialsSource(b, parsed, hosts.get(0), ports.get(0), user);
        if (source != null) {
            config.setPassword(null);
            config.setCredentialsProvider(new PoolCredentials(source));
        }
        for (Map.Entry<String, String> property : properties.entrySet()) {
            config.addDataSourceProperty(property.getKey(), property.getValue());
        }
        // Jdbi believes a transaction is already open on an auto-commit-off connection and never commits.
        config.setAutoCommit(true);
        // HikariCP asks the pool's first connection for the default isolation, once; if that connection dies right
        // then (a failover, pg_terminate_backend), it keeps -1 and sets -1 on every later connection, which pgjdbc
        // refuses: the pool could never connect again. With the level given it never keeps -1. PostgreSQL's
        // default, so a server left at its default sees no SET; transactions choose theirs with TxOptions.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        // Building never connects; the first transaction opens the first connection.
        config.setInitializationFailTimeout(-1);
        // Nothing is opened ahead of demand (HikariCP's default, minimumIdle = maximumPoolSize, would fill the
        // pool in the background right after building) and a quiet service holds no sessions after idleTimeout.
        config.setMinimumIdle(0);
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(connectionMs);
        config.setValidationTimeout(Math.min(MAX_VALIDATION_TIMEOUT_MS, connectionMs));
        config.setIdleTimeout(idleMs);
        config.setMaxLifetime(lifetimeMs);
        // Keepalive would be an isValid round trip per idle connection; TCP keepalive covers NATs for free.
        config.setKeepaliveTime(0);
        // Counts the connections the pool opens (TxMetrics.connectionsOpened) and passes HikariCP's events on.
        config.setMetricsTrackerFactory(new PoolEvents());
        DatabaseSettings settings = new DatabaseSettings(hosts, ports, database, user, applicationName, lambda,
                b.transactionPooling, poolSize, baseUrl + "?" + query(properties));
        return new PoolTuning(config, settings);
    }

    private static Map<String, String> driverProperties(
            Database.Builder b, PostgresUrl parsed, String applicationName, long connectionMs) {
        for (String name : b.properties.keySet()) {
            if (name == null || name.isBlank()) {
                throw invalid(b, "property", "names must not be empty");
            }
            if (DEDICATED_PROPERTIES.contains(name)) {
                String setter = name.equals("sslmode") ? "sslMode" : name;
                throw invalid(b, "property", "'" + name + "' has its own setter; use " + setter + "(String)");
            }
        }
        Map<String, String> result = new LinkedHashMap<>();
        result.put(APPLICATION_NAME_PROPERTY, applicationName);
        // pgjdbc then sends application_name in the startup packet instead of a SET after connecting.
        result.put("assumeMinServerVersion", "10");
        result.put("tcpKeepAlive", "true");
        // The server's DETAIL and WHERE lines carry row values ("Key (email)=(...) already exists"): keep them out
        // of exception messages and so out of every log line.
        result.put("logServerErrorDetail", "false");
        result.put("connectTimeout", Long.toString(Math.min(Integer.MAX_VALUE, (connectionMs + 999) / 1_000)));
        String sslMode = first(b.sslMode, parsed.sslMode());
        if (sslMode != null && !PostgresUrl.SSL_MODES.contains(sslMode)) {
            throw invalid(b, "sslMode", "must be one of " + String.join(", ", PostgresUrl.SSL_MODES)
                    + ", was '" + sslMode + "'");
        }
        if (sslMode != null) {
            result.put("sslmode", sslMode);
        }
        if (b.transactionPooling) {
            // Otherwise even COMMIT becomes a named prepared statement, which pins or breaks the pooler.
            result.put("prepareThreshold", "0");
        }
        result.putAll(parsed.properties());
        result.putAll(b.properties);
        result.put(APPLICATION_NAME_PROPERTY, applicationName);
        String targetServerType = result.get(TARGET_SERVER_TYPE_PROPERTY);
        if (targetServerType != null && !PostgresUrl.TARGET_SERVER_TYPES.contains(targetServerType)) {
            String setting = b.properties.containsKey(TARGET_SERVER_TYPE_PROPERTY) ? "property" : b.nameOf("url");
            throw new InvalidConfigurationException(setting, "targetServerType must be one of "
                    + String.join(", ", PostgresUrl.TARGET_SERVER_TYPES));
        }
        trust(b, result);
        return result;
    }

    /**
     * Checks the CA bundle, if any, and hands a classpath bundle to pgjdbc through txfn's socket factory. A
     * bundle with an sslmode that does not verify is refused: pgjdbc would silently not use it.
     */
    private static void trust(Database.Builder b, Map<String, String> properties) {
        String setting = b.sslRootCert != null ? b.nameOf("sslRootCert")
                : b.properties.containsKey(ROOT_CERT_PROPERTY) ? "property" : b.nameOf("url");
        if (b.sslRootCert != null) {
            properties.put(ROOT_CERT_PROPERTY, b.sslRootCert);
        }
        String location = properties.get(ROOT_CERT_PROPERTY);
        if (location == null) {
            return;
        }
        String sslMode = properties.get("sslmode");
        if (sslMode == null || !sslMode.startsWith("verify-")) {
            throw new InvalidConfigurationException(setting, "sslrootcert is used only with sslmode verify-ca or"
                    + " verify-full; with sslmode " + (sslMode == null ? "prefer (the default)" : sslMode)
                    + " pgjdbc does not check the server's certificate");
        }
        if (!CaBundle.isResource(location)) {
            CaBundle.checkFile(location, setting);
            return;
        }
        for (String other : List.of("sslfactory", "sslcert", "sslkey")) {
            if (properties.containsKey(other)) {
                throw new InvalidConfigurationException(setting, "sslrootcert as a classpath resource cannot be"
                        + " combined with " + other + "; give the CA bundle as a file");
            }
        }
        String resource = location.substring(CaBundle.CLASSPATH_PREFIX.length());
        CaBundle.loadResource(resource, setting);
        properties.remove(ROOT_CERT_PROPERTY);
        properties.put("sslfactory", ClasspathCaSocketFactory.class.getName());
        properties.put(ClasspathCaSocketFactory.RESOURCE_PROPERTY, resource);
    }

    /** The builder's hosts (a libpq-style comma-separated list), else the URL's, else localhost. */
    private static List<String> hosts(Database.Builder b, PostgresUrl parsed) {
        if (b.host == null) {
            return parsed.hosts().isEmpty() ? List.of("localhost") : parsed.hosts();
        }
        List<String> hosts = new ArrayList<>();
        for (String host : b.host.split(",", -1)) {
            hosts.add(checkHost(b, host));
        }
        return hosts;
    }

    /** One port per host: the builder's (or PGPORT's) list, else the URL's; one port stands for every host. */
    private static List<Integer> ports(Database.Builder b, PostgresUrl parsed, int hostCount) {
        List<Integer> given = b.ports != null ? b.ports : parsed.ports();
        if (given.size() > 1 && given.size() != hostCount) {
            throw invalid(b, "port", "gives " + given.size() + " ports for " + hostCount + " hosts;"
                    + " give one port, or one per host");
        }
        List<Integer> ports = new ArrayList<>(hostCount);
        for (int i = 0; i < hostCount; i++) {
            Integer port = given.isEmpty() ? null : given.get(given.size() == 1 ? 0 : i);
            int value = port == null ? 5432 : port;
            if (value < 1 || value > 65535) {
                throw invalid(b, "port", "must be between 1 and 65535, was " + value);
            }
            ports.add(value);
        }
        return List.copyOf(ports);
    }

    /**
     * The source of each new connection's credentials, or {@code null} for the fixed user and password (nothing
     * of the AWS SDK or Jackson is loaded then). RDS IAM tokens travel as passwords in clear text unless the
     * connection is encrypted, so IAM authentication requires sslmode require or stricter.
     */
    private static CredentialsSource credentialsSource(
            Database.Builder b, PostgresUrl parsed, String host, int port, String user) {
        boolean passwordGiven = first(b.password, parsed.password()) != null;
        if (b.iamRegion != null) {
            if (b.iamRegion.isBlank()) {
                throw invalid(b, "iamAuthentication", "needs an AWS region, was empty");
            }
            if (b.credentials != null) {
                throw invalid(b, "iamAuthentication", "cannot be combined with " + b.nameOf("credentials"));
            }
            if (passwordGiven) {
                throw invalid(b, "iamAuthentication", "cannot be combined with a password (in the URL,"
                        + " PGPASSWORD or password(String)); the token is the password");
            }
            String sslMode = first(b.sslMode, parsed.sslMode());
            if (sslMode == null || !IAM_SSL_MODES.contains(sslMode)) {
                throw invalid(b, "sslMode", "must be require, verify-ca or verify-full with IAM authentication"
                        + " (the token is sent as the password), was " + (sslMode == null ? "unset (prefer)"
                        : "'" + sslMode + "'"));
            }
            return new RdsIamCredentials(host, port, user, b.iamRegion.strip(), SecretReader.AwsKeys.of(
                    env(b, "AWS_ACCESS_KEY_ID"), env(b, "AWS_SECRET_ACCESS_KEY"), env(b, "AWS_SESSION_TOKEN")),
                    System::nanoTime);
        }
        if (b.credentials != null && passwordGiven) {
            throw invalid(b, "credentials", "cannot be combined with a password (in the URL, PGPASSWORD or"
                    + " password(String)); give one or the other");
        }
        return b.credentials;
    }

    private static String env(Database.Builder b, String variable) {
        String value = b.environment.get(variable);
        return value == null || value.isBlank() ? null : value;
    }

    private static String checkHost(Database.Builder b, String host) {
        if (host.isBlank() || PostgresUrl.hasWhitespace(host)) {
            throw invalid(b, "host", "must be a host name or IP address, was '" + host + "'");
        }
        if (host.startsWith("/")) {
            throw invalid(b, "host", "Unix-domain sockets are not supported; give a TCP host name, was '"
                    + host + "'");
        }
        return host;
    }

    private static String nonEmpty(Database.Builder b, String setting, String value) {
        if (value != null && value.isBlank()) {
            throw invalid(b, setting, "must not be empty");
        }
        return value;
    }

    private static long millis(
            Database.Builder b, String setting, Duration value, Duration minimum, boolean zeroMeansNever) {
        if (zeroMeansNever && value.isZero()) {
            return 0;
        }
        if (value.compareTo(minimum) < 0) {
            throw invalid(b, setting, "must be " + (zeroMeansNever ? "0 (never) or " : "") + "at least "
                    + minimum.toMillis() + " ms, was " + value.toMillis() + " ms");
        }
        try {
            return value.toMillis();
        } catch (ArithmeticException e) {
            throw invalid(b, setting, "is too large, was " + value);
        }
    }

    private static InvalidConfigurationException invalid(Database.Builder b, String setting, String problem) {
        return new InvalidConfigurationException(b.nameOf(setting), problem);
    }

    private static String query(Map<String, String> properties) {
        StringJoiner query = new StringJoiner("&");
        for (Map.Entry<String, String> property : properties.entrySet()) {
            if (!SECRET_PROPERTIES.contains(property.getKey())) {
                query.add(encode(property.getKey()) + "=" + encode(property.getValue()));
            }
        }
        return query.toString();
    }

    /** pgjdbc decodes URL parts with {@code URLDecoder}, the inverse of this. */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @SafeVarargs
    private static <T> T first(T... candidates) {
        for (T candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }
}
