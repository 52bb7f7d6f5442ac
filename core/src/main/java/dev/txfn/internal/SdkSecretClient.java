package dev.txfn.internal;

import dev.txfn.CredentialsUnavailableException;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * GetSecretValue with the AWS SDK for Java 2.x, over the JDK's HttpURLConnection (url-connection-client). The
 * only class of txfn's Secrets Manager path that names SDK types, so that they load only when the SDK is
 * actually used. Created on first use; thread-safe.
 */
final class SdkSecretClient {
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(8);

    private final SecretsManagerClient client;

    SdkSecretClient(SecretReader.Settings settings) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(ATTEMPT_TIMEOUT))
                .overrideConfiguration(c -> c.apiCallAttemptTimeout(ATTEMPT_TIMEOUT).apiCallTimeout(CALL_TIMEOUT));
        String region = settings.region() != null ? settings.region() : regionOfArn(settings.secretId());
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        SecretReader.AwsKeys keys = settings.keys();
        if (keys != null) {
            builder.credentialsProvider(StaticCredentialsProvider.create(keys.sessionToken() == null
                    ? AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())
                    : AwsSessionCredentials.create(keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken())));
        }
        try {
            this.client = builder.build();
        } catch (SdkException e) {
            throw new CredentialsUnavailableException(settings.describe() + ": the AWS SDK client cannot be made ("
                    + e.getMessage() + "); set AWS_REGION or give the secret's ARN", false, null);
        }
    }

    /** The secret's {@code SecretString}, read from Secrets Manager now, bypassing every cache. */
    String read(SecretReader.Settings settings) {
        try {
            return client.getSecretValue(r -> r.secretId(settings.secretId())).secretString();
        } catch (AwsServiceException e) {
            int status = e.statusCode();
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            // Throttling and server errors may pass; a missing secret, denied access or a bad key will not.
            boolean retryable = status >= 500 || status == 429 || e.isThrottlingException();
            throw new CredentialsUnavailableException(settings.describe() + ": GetSecretValue failed with HTTP "
                    + status + (code == null ? "" : " " + code), retryable, e);
        } catch (SdkException e) {
            throw new CredentialsUnavailableException(settings.describe() + ": GetSecretValue failed ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", true, null);
        }
    }

    /** The region of {@code arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME}, or {@code null}. */
    static String regionOfArn(String secretId) {
        if (!secretId.startsWith("arn:")) {
            return null;
        }
        String[] parts = secretId.split(":", 6);
        return parts.length == 6 && !parts[3].isEmpty() ? parts[3] : null;
    }
}
