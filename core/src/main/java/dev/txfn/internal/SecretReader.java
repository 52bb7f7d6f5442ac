package dev.txfn.internal;

import dev.txfn.Credentials;
import dev.txfn.CredentialsUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and caches the credentials of one Secrets Manager secret for {@code SecretsManagerCredentials}: through
 * the Lambda extension while it answers, else the AWS SDK; afresh through the SDK after
 * {@link #invalidate()}. The SDK and Jackson are touched only by the methods that need them, so a source that
 * is built but never read loads neither. Thread-safe: reads are serialized.
 */
public final class SecretReader {
    private static final Logger LOG = LoggerFactory.getLogger(SecretReader.class);
    private static final String SDK_CLIENT_CLASS = "software.amazon.awssdk.services.secretsmanager.SecretsManagerClient";
    private static final String SDK_HTTP_CLASS = "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient";

    /**
     * AWS credentials given in the environment map, for the SDK client; {@code null} parts use the SDK's
     * default chain. {@link #toString()} shows the access key id only.
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key
     * @param sessionToken the session token, or {@code null}
     */
    public record AwsKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
        /**
         * Keys when both the id and the secret are given, else {@code null}.
         *
         * @param accessKeyId the access key id, or {@code null}
         * @param secretAccessKey the secret access key, or {@code null}
         * @param sessionToken the session token, or {@code null}
         * @return the keys or {@code null}
         */
        public static AwsKeys of(String accessKeyId, String secretAccessKey, String sessionToken) {
            return accessKeyId == null || secretAccessKey == null ? null
                    : new AwsKeys(accessKeyId, secretAccessKey, sessionToken);
        }

        @Override
        public String toString() {
            return "AwsKeys[accessKeyId=" + accessKeyId + ", secretAccessKey=***"
                    + (sessionToken == null ? "" : ", sessionToken=***") + "]";
        }
    }

    /**
     * What to read and how. {@link #toString()} never shows the session token or keys.
     *
     * @param secretId the secret's name or ARN
     * @param usernameKey the JSON key of the user name
     * @param passwordKey the JSON key of the password
     * @param extensionPort the Lambda extension's port on 127.0.0.1, 0 for none
     * @param extensionToken the {@code X-Aws-Parameters-Secrets-Token} header, or {@code null}
     * @param region the SDK client's region, or {@code null}
     * @param endpoint the SDK client's endpoint override, or {@code null}
     * @param keys AWS credentials for the SDK client, or {@code null} for its default chain
     * @param sdk whether the SDK may be used (when it is on the class path)
     * @param cacheTtl how long a value read is reused
     */
    public record Settings(String secretId, String usernameKey, String passwordKey, int extensionPort,
            String extensionToken, String region, URI endpoint, AwsKeys keys, boolean sdk, Duration cacheTtl) {

        public Settings withUsernameKey(String key) {
            return new Settings(secretId, key, passwordKey, extensionPort, extensionToken, region, endpoint, keys,
                    sdk, cacheTtl);
        }

        public Settings withPasswordKey(String key) {
            return new Settings(secretId, usernameKey, key, extensionPort, extensionToken, region, endpoint, keys,
                    sdk, cacheTtl);
        }

        public Settings withRegion(String newRegion) {
            return new Settings(secretId, usernameKey, passwordKey, extensionPort, extensionToken, newRegion,
                    endpoint, keys, sdk, cacheTtl);
        }

        public Settings withEndpoint(URI newEndpoint) {
            return new Settings(secretId, usernameKey, passwordKey, extensionPort, extensionToken, region,
                    newEndpoint, keys, sdk, cacheTtl);
        }

        public Settings withExtensionPort(int port) {
            return new Settings(secretId, usernameKey, passwordKey, port, extensionToken, region, endpoint, keys,
                    sdk, cacheTtl);
        }

        public Settings withSdk(boolean useSdk) {
            return new Settings(secretId, usernameKey, passwordKey, extensionPort, extensionToken, region,
                    endpoint, keys, useSdk, cacheTtl);
        }

        public Settings withCacheTtl(Duration ttl) {
            return new Settings(secretId, usernameKey, passwordKey, extensionPort, extensionToken, region,
                    endpoint, keys, sdk, ttl);
        }

        /**
         * The secret and the ways it is read.
         *
         * @return e.g. {@code Secrets Manager secret 'prod/db' (Lambda extension on 127.0.0.1:2773, else AWS SDK)}
         */
        public String describe() {
            String via = extensionPort > 0 ? "Lambda extension on 127.0.0.1:" + extensionPort + (sdk ? ", else AWS SDK"
                    : "") : "AWS SDK";
            return "Secrets Manager secret '" + secretId + "' (" + via + ")";
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    private final Settings settings;
    private final Object lock = new Object();
    private Credentials cached; // guarded by lock
    private long cachedAtNanos; // guarded by lock
    private boolean fresh; // guarded by lock: the next read must bypass every cache
    private boolean extensionAbsent; // guarded by lock
    private SdkSecretClient sdkClient; // guarded by lock; created on first use
    private Boolean sdkPresent; // guarded by lock; looked for on first need

    public SecretReader(Settings settings) {
        this.settings = settings;
    }

    /** Makes the next {@link #get()} bypass this cache and the extension's. */
    public void invalidate() {
        synchronized (lock) {
            fresh = true;
        }
    }

    /**
     * The credentials, from the cache while it is fresh.
     *
     * @return the credentials
     * @throws CredentialsUnavailableException if the secret cannot be read or parsed
     */
    public Credentials get() {
        synchronized (lock) {
            long now = System.nanoTime();
            if (cached != null && !fresh && now - cachedAtNanos < settings.cacheTtl().toNanos()) {
                return cached;
            }
            boolean bypass = fresh;
            Credentials read = SecretJson.credentials(readSecretString(bypass), settings);
            cached = read;
            cachedAtNanos = System.nanoTime();
            fresh = false;
            return read;
        }
    }

    private String readSecretString(boolean bypassCaches) {
        // The SDK is looked for only when it is needed: even Class.forName without initializing loads a few of
        // its classes, which a read through the extension does without.
        if (bypassCaches && sdkAvailable()) {
            return sdk().read(settings);
        }
        if (settings.extensionPort() > 0 && !extensionAbsent) {
            try {
                return LambdaExtension.read(settings);
            } catch (IOException e) {
                if (!sdkAvailable()) {
                    throw new CredentialsUnavailableException(settings.describe() + ": the Lambda extension did not"
                            + " answer (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "), and the AWS"
                            + " SDK's secretsmanager and url-connection-client modules are not on the class path",
                            true, null);
                }
                extensionAbsent = true;
                LOG.info("{}: the Lambda extension did not answer ({}); reading with the AWS SDK from now on",
                        settings.describe(), e.getClass().getSimpleName());
            }
        }
        if (!sdkAvailable()) {
            throw new CredentialsUnavailableException(settings.describe() + ": the AWS SDK's secretsmanager and"
                    + " url-connection-client modules are not on the class path", false, null);
        }
        return sdk().read(settings);
    }

    private SdkSecretClient sdk() {
        if (sdkClient == null) {
            sdkClient = new SdkSecretClient(settings);
        }
        return sdkClient;
    }

    private boolean sdkAvailable() {
        if (sdkPresent == null) {
            sdkPresent = settings.sdk() && sdkOnClassPath();
        }
        return sdkPresent;
    }

    private static boolean sdkOnClassPath() {
        ClassLoader loader = SecretReader.class.getClassLoader();
        try {
            Class.forName(SDK_CLIENT_CLASS, false, loader);
            Class.forName(SDK_HTTP_CLASS, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
