package dev.txfn;

import dev.txfn.internal.SecretReader;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Credentials from an AWS Secrets Manager secret whose value is JSON as RDS writes it:
 * {@code {"username": "app", "password": "...", "host": ..., "port": ..., "dbname": ...}}. Only the user name
 * and password keys are read (their names are configurable); the endpoint comes from the {@link Database}'s own
 * settings. The user name in the secret wins over a configured one (a rotation that alternates between two users
 * changes it); a secret without it is an error.
 *
 * <p>The secret is read through the <b>AWS Parameters and Secrets Lambda Extension</b> when it answers (HTTP on
 * {@code 127.0.0.1:$PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}, default 2773, authenticated with
 * {@code $AWS_SESSION_TOKEN}), otherwise with the <b>AWS SDK for Java 2.x</b> Secrets Manager client (the
 * optional dependencies {@code software.amazon.awssdk:secretsmanager} and {@code url-connection-client}; its
 * region from {@code AWS_REGION} or the secret's ARN, its endpoint from {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}
 * or {@code AWS_ENDPOINT_URL} when set). An extension that refuses the connection is not asked again. The value
 * is cached for {@linkplain #withCacheTtl(Duration) five minutes}.
 *
 * <p><b>Rotation.</b> When the server refuses the password ({@code 28P01}, or {@code 28000} as RDS Proxy answers
 * during a rotation), the next read bypasses every cache: this class's, and the extension's by asking Secrets
 * Manager through the SDK directly. (The extension documents only {@code secretId}, {@code versionId} and
 * {@code versionStage} as parameters, no way to skip its cache; without the SDK on the class path the re-read
 * goes to the extension again, so keep its {@code SECRETS_MANAGER_TTL} short.) Connecting is retried meanwhile,
 * so a rotation in which the server and the secret change a few seconds apart costs no failed transaction.
 *
 * <p>Nothing this class says (messages, logs, {@code toString()}) contains the password or the secret's
 * content; only the secret's id. Immutable configuration; the {@code withX} methods return a new source with
 * its own cache. Thread-safe.
 */
public final class SecretsManagerCredentials implements CredentialsSource {
    static final int DEFAULT_EXTENSION_PORT = 2773;
    static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);

    private final SecretReader.Settings settings;
    private final SecretReader reader;

    private SecretsManagerCredentials(SecretReader.Settings settings) {
        this.settings = settings;
        this.reader = new SecretReader(settings);
    }

    /**
     * The secret {@code secretId}, with the extension port, session token, region, endpoint and AWS credentials
     * of the process environment.
     *
     * @param secretId the secret's name or ARN
     * @return the source
     * @throws NullPointerException if {@code secretId} is {@code null}
     * @throws InvalidConfigurationException if {@code secretId} is blank or
     *     {@code PARAMETERS_SECRETS_EXTENSION_HTTP_PORT} is not a port
     */
    public static SecretsManagerCredentials of(String secretId) {
        return fromEnv(secretId, "secretId", System.getenv());
    }

    /** The secret, with what {@code env} says about the extension, the SDK's region, endpoint and credentials. */
    static SecretsManagerCredentials fromEnv(String secretId, String setting, Map<String, String> env) {
        Objects.requireNonNull(secretId, "secretId");
        if (secretId.isBlank()) {
            throw new InvalidConfigurationException(setting, "must name a secret, was empty");
        }
        String portText = value(env, "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT");
        int port = DEFAULT_EXTENSION_PORT;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText.strip());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new InvalidConfigurationException("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
                        "must be a port between 1 and 65535, was '" + portText + "'");
            }
        }
        String endpoint = value(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER");
        if (endpoint == null) {
            endpoint = value(env, "AWS_ENDPOINT_URL");
        }
        URI endpointUri;
        try {
            endpointUri = endpoint == null ? null : URI.create(endpoint.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("AWS_ENDPOINT_URL_SECRETS_MANAGER", "is not a URL");
        }
        return new SecretsManagerCredentials(new SecretReader.Settings(secretId.strip(), "username", "password",
                port, value(env, "AWS_SESSION_TOKEN"), value(env, "AWS_REGION"), endpointUri,
                SecretReader.AwsKeys.of(value(env, "AWS_ACCESS_KEY_ID"), value(env, "AWS_SECRET_ACCESS_KEY"),
                        value(env, "AWS_SESSION_TOKEN")), true, DEFAULT_CACHE_TTL));
    }

    /**
     * Reads the user name from another key of the secret's JSON.
     *
     * @param key the key, default {@code username}
     * @return a new source
     * @throws InvalidConfigurationException if {@code key} is blank
     */
    public SecretsManagerCredentials withUsernameKey(String key) {
        return new SecretsManagerCredentials(settings.withUsernameKey(checkKey(key, "usernameKey")));
    }

    /**
     * Reads the password from another key of the secret's JSON.
     *
     * @param key the key, default {@code password}
     * @return a new source
     * @throws InvalidConfigurationException if {@code key} is blank
     */
    public SecretsManagerCredentials withPasswordKey(String key) {
        return new SecretsManagerCredentials(settings.withPasswordKey(checkKey(key, "passwordKey")));
    }

    /**
     * The AWS region of the SDK client; default {@code AWS_REGION}, else the secret ARN's region, else the SDK's
     * own lookup.
     *
     * @param region e.g. {@code eu-west-1}
     * @return a new source
     */
    public SecretsManagerCredentials withRegion(String region) {
        return new SecretsManagerCredentials(settings.withRegion(region));
    }

    /**
     * Where the SDK client sends its requests instead of the region's Secrets Manager endpoint (a VPC endpoint,
     * a local emulator); default {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, else {@code AWS_ENDPOINT_URL}.
     *
     * @param endpoint the endpoint, or {@code null} for the region's
     * @return a new source
     */
    public SecretsManagerCredentials withEndpoint(URI endpoint) {
        return new SecretsManagerCredentials(settings.withEndpoint(endpoint));
    }

    /**
     * The port of the Parameters and Secrets Lambda Extension on 127.0.0.1; default
     * {@code PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}, else 2773. Zero skips the extension: the SDK reads the
     * secret.
     *
     * @param port 0, or 1 to 65535
     * @return a new source
     * @throws InvalidConfigurationException if {@code port} is out of range
     */
    public SecretsManagerCredentials withExtensionPort(int port) {
        if (port < 0 || port > 65535) {
            throw new InvalidConfigurationException("extensionPort", "must be 0 (none) or a port between 1 and"
                    + " 65535, was " + port);
        }
        return new SecretsManagerCredentials(settings.withExtensionPort(port));
    }

    /**
     * How long a value read is used for new connections before it is read again (a refused password always
     * causes a fresh read); default 5 minutes.
     *
     * @param ttl zero (read for every new connection) or more
     * @return a new source
     * @throws InvalidConfigurationException if {@code ttl} is negative
     */
    public SecretsManagerCredentials withCacheTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative()) {
            throw new InvalidConfigurationException("cacheTtl", "must be zero or more, was " + ttl);
        }
        return new SecretsManagerCredentials(settings.withCacheTtl(ttl));
    }

    /** Never uses the SDK, as when it is not on the class path; for tests of the extension-only path. */
    SecretsManagerCredentials withoutSdk() {
        return new SecretsManagerCredentials(settings.withSdk(false));
    }

    /**
     * The user name and password in the secret, from the cache while it is fresh.
     *
     * @return the credentials
     * @throws CredentialsUnavailableException if the secret cannot be read, is not a JSON object or has no
     *     password key; the message names the secret and never quotes its value
     */
    @Override
    public Credentials get() {
        return reader.get();
    }

    /**
     * Makes the next {@link #get()} read the secret afresh, bypassing every cache.
     *
     * @return {@code true}: a rotated secret may hold a password the server accepts
     */
    @Override
    public boolean passwordRejected() {
        reader.invalidate();
        return true;
    }

    /**
     * The secret's id and how it is read; never its value.
     *
     * @return a description for logs and messages
     */
    @Override
    public String toString() {
        return settings.describe();
    }

    private static String checkKey(String key, String setting) {
        if (key == null || key.isBlank()) {
            throw new InvalidConfigurationException(setting, "must not be empty");
        }
        return key;
    }

    private static String value(Map<String, String> env, String variable) {
        String value = env.get(variable);
        return value == null || value.isBlank() ? null : value;
    }
}
