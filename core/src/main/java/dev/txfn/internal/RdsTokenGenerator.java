package dev.txfn.internal;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * The one class of the IAM path that names SDK types: {@code RdsUtilities.generateAuthenticationToken}, which
 * signs locally (no network call). Thread-safe.
 */
final class RdsTokenGenerator {
    private final RdsUtilities utilities;
    private final Object source;

    RdsTokenGenerator(String region, SecretReader.AwsKeys keys, Object source) {
        this.source = source;
        AwsCredentialsProvider credentials = keys == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(keys.sessionToken() == null
                        ? AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())
                        : AwsSessionCredentials.create(keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken()));
        this.utilities = RdsUtilities.builder().region(Region.of(region)).credentialsProvider(credentials).build();
    }

    String token(String host, int port, String user) {
        try {
            return utilities.generateAuthenticationToken(r -> r.hostname(host).port(port).username(user));
        } catch (SdkException e) {
            // The SDK's message names what is missing (no credentials found, ...); it never holds a secret key.
            throw RdsIamCredentials.failure(source, e.getMessage());
        }
    }
}
