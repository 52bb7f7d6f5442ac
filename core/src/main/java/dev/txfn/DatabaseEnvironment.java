package dev.txfn;

import dev.txfn.internal.PostgresUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns environment variables into a {@link Database.Builder}, as documented on
 * {@link Database#fromEnv(Map)}. Validation messages name the variable a value came from. Stateless.
 */
final class DatabaseEnvironment {
    private static final String DATABASE_URL = "DATABASE_URL";
    private static final String SSL_ROOT_CERT = "sslrootcert";
    private static final String PASSWORD_SECRET = "TXFN_PASSWORD_SECRET";
    private static final String IAM_AUTH = "TXFN_IAM_AUTH";

    private DatabaseEnvironment() {
    }

    static Database.Builder builder(Map<String, String> env) {
        Objects.requireNonNull(env, "environment");
        Database.Builder builder = new Database.Builder(env);
        String url = value(env, DATABASE_URL);
        String secret = value(env, PASSWORD_SECRET);
        if (url == null && value(env, "PGUSER") == null && secret == null) {
            throw new InvalidConfigurationException(DATABASE_URL, "is not set, and neither is PGUSER");
        }
        PostgresUrl parsed = url == null ? PostgresUrl.EMPTY : PostgresUrl.parse(url, DATABASE_URL);
        // As in libpq, the URL wins and the PG* variables fill in what it leaves out.
        fill(builder, "host", parsed.hosts().isEmpty() ? null : String.join(",", parsed.hosts()), env, "PGHOST");
        fill(builder, "database", parsed.database(), env, "PGDATABASE");
        fill(builder, "user", parsed.user(), env, "PGUSER");
        fill(builder, "sslMode", parsed.sslMode(), env, "PGSSLMODE");
        fill(builder, "applicationName", parsed.applicationName(), env, "PGAPPNAME");
        fill(builder, "sslRootCert", parsed.properties().get(SSL_ROOT_CERT), env, "PGSSLROOTCERT");
        builder.password(parsed.password() != null ? parsed.password() : value(env, "PGPASSWORD"));
        for (Map.Entry<String, String> property : parsed.properties().entrySet()) {
            if (!property.getKey().equals(SSL_ROOT_CERT)) {
                builder.property(property.getKey(), property.getValue());
            }
        }
        if (!parsed.ports().isEmpty()) {
            builder.ports(parsed.ports()).origin("port", DATABASE_URL);
        } else if (value(env, "PGPORT") != null) {
            builder.ports(ports(env)).origin("port", "PGPORT");
        }
        String attrs = value(env, "PGTARGETSESSIONATTRS");
        if (attrs != null && !parsed.properties().containsKey("targetServerType")) {
            String type = PostgresUrl.targetServerType(attrs);
            if (type == null) {
                throw new InvalidConfigurationException("PGTARGETSESSIONATTRS", "must be one of "
                        + String.join(", ", PostgresUrl.TARGET_SESSION_ATTRS.keySet()) + ", was '" + attrs + "'");
            }
            builder.property("targetServerType", type);
        }
        if (parsed.user() == null && value(env, "PGUSER") == null && secret == null) {
            throw new InvalidConfigurationException(DATABASE_URL, "names no user, and PGUSER is not set");
        }
        overrides(builder, env);
        credentials(builder, env);
        return builder;
    }

    /** {@code TXFN_PASSWORD_SECRET} or {@code TXFN_IAM_AUTH}; neither loads anything until a connection opens. */
    private static void credentials(Database.Builder builder, Map<String, String> env) {
        String secret = value(env, PASSWORD_SECRET);
        String iam = value(env, IAM_AUTH);
        boolean iamOn = false;
        if (iam != null) {
            switch (iam.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> iamOn = true;
                case "false" -> iamOn = false;
                default -> throw new InvalidConfigurationException(IAM_AUTH, "must be 'true' or 'false', was '"
                        + iam + "'");
            }
        }
        if (iamOn && secret != null) {
            throw new InvalidConfigurationException(IAM_AUTH, "cannot be combined with " + PASSWORD_SECRET
                    + "; choose one way to log in");
        }
        if (secret != null) {
            builder.credentials(SecretsManagerCredentials.fromEnv(secret, PASSWORD_SECRET, env))
                    .origin("credentials", PASSWORD_SECRET);
        }
        if (iamOn) {
            String region = value(env, "AWS_REGION");
            if (region == null) {
                throw new InvalidConfigurationException("AWS_REGION", "is required with " + IAM_AUTH + "=true");
            }
            builder.iamAuthentication(region).origin("iamAuthentication", IAM_AUTH);
        }
    }

    private static void overrides(Database.Builder builder, Map<String, String> env) {
        if (value(env, "TXFN_MAX_POOL_SIZE") != null) {
            builder.maximumPoolSize((int) number(env, "TXFN_MAX_POOL_SIZE", "a whole number"))
                    .origin("maximumPoolSize", "TXFN_MAX_POOL_SIZE");
        }
        if (value(env, "TXFN_CONNECTION_TIMEOUT_MS") != null) {
            builder.connectionTimeout(Duration.ofMillis(number(env, "TXFN_CONNECTION_TIMEOUT_MS", "milliseconds")))
                    .origin("connectionTimeout", "TXFN_CONNECTION_TIMEOUT_MS");
        }
        String pooling = value(env, "TXFN_POOLING");
        if (pooling != null) {
            switch (pooling.toLowerCase(Locale.ROOT)) {
                case "session" -> builder.transactionPooling(false);
                case "transaction" -> builder.transactionPooling(true);
                default -> throw new InvalidConfigurationException(
                        "TXFN_POOLING", "must be 'session' or 'transaction', was '" + pooling + "'");
            }
        }
    }

    /**
     * Sets {@code setting} to the URL's value, else to {@code variable}'s, and records which it was, for the
     * messages that name where a bad value came from. A switch rather than a setter passed in: this runs on every
     * cold start, where each method reference costs a call site linked and a class spun.
     */
    private static void fill(Database.Builder builder, String setting, String fromUrl, Map<String, String> env,
            String variable) {
        String value = fromUrl != null ? fromUrl : value(env, variable);
        if (value == null) {
            return;
        }
        switch (setting) {
            case "host" -> builder.host(value);
            case "database" -> builder.database(value);
            case "user" -> builder.user(value);
            case "sslMode" -> builder.sslMode(value);
            case "applicationName" -> builder.applicationName(value);
            case "sslRootCert" -> builder.sslRootCert(value);
            default -> throw new IllegalArgumentException("no such setting: " + setting);
        }
        builder.origin(setting, fromUrl != null ? DATABASE_URL : variable);
    }

    /** libpq's PGPORT: one port, or a comma-separated list with one per host (an empty entry: the default). */
    private static List<Integer> ports(Map<String, String> env) {
        List<Integer> ports = new ArrayList<>();
        for (String entry : value(env, "PGPORT").split(",", -1)) {
            ports.add(entry.isEmpty() ? null : (int) number("PGPORT", entry, "a number between 1 and 65535"));
        }
        return ports;
    }

    /** A whole number that fits an int; the range is checked by the builder, which names the variable. */
    private static long number(Map<String, String> env, String variable, String expected) {
        return number(variable, value(env, variable), expected);
    }

    private static long number(String variable, String text, String expected) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(variable, "must be " + expected + ", was '" + text + "'");
        }
    }

    private static String value(Map<String, String> env, String variable) {
        String value = env.get(variable);
        return value == null || value.isEmpty() ? null : value;
    }
}
