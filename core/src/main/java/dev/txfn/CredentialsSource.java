package dev.txfn;

import java.util.Objects;

/**
 * Where a {@link Database} takes the user name and password for each new physical connection: asked by the pool
 * every time it opens one, never for a connection it already holds. Set with
 * {@link Database.Builder#credentials(CredentialsSource)}; built in are {@linkplain #of static credentials}, an
 * {@linkplain #secretsManager AWS Secrets Manager secret} and RDS IAM authentication
 * ({@link Database.Builder#iamAuthentication(String)}). Implement it for any other source.
 *
 * <p>A source that caches should honour {@link #passwordRejected()}: the server refused what {@link #get()}
 * gave, so the next {@code get()} must bypass every cache. A source whose password rotates returns
 * {@code true} there, and the connection is then retried (with backoff, until the connection timeout or the
 * transaction's deadline) instead of failing at once; a password still refused at the end is a
 * {@link ConnectionRejectedException}.
 *
 * <p>Implementations must be thread-safe and must never put the password into a message, a log line or
 * {@code toString()}.
 */
public interface CredentialsSource {

    /**
     * The credentials for a connection about to be opened. Called on the pool's connection-adding thread, once
     * per new connection; may block (a network read) but should answer well within the connection timeout.
     *
     * @return the credentials
     * @throws CredentialsUnavailableException if they cannot be had; the message says why and never contains a
     *     password or a secret's content
     */
    Credentials get();

    /**
     * Tells the source that the server refused the credentials it gave last ({@code 28P01}, or {@code 28000}
     * as RDS Proxy answers during a rotation), so that the next {@link #get()} reads them afresh, bypassing
     * every cache. Called at most once per refused connection attempt, from a thread waiting for a connection.
     *
     * @return whether a fresh read may give credentials the server accepts, so that connecting is worth
     *     retrying; {@code false} (the default) makes the refusal final at once
     */
    default boolean passwordRejected() {
        return false;
    }

    /**
     * The same user and password for every connection: what {@link Database.Builder#user(String)} and
     * {@link Database.Builder#password(String)} configure, as a source.
     *
     * @param user the user name
     * @param password the password, or {@code null} for none
     * @return the source; its {@code toString()} shows the user only
     * @throws NullPointerException if {@code user} is {@code null}
     */
    static CredentialsSource of(String user, String password) {
        Credentials credentials = new Credentials(user, password);
        return new CredentialsSource() {
            @Override
            public Credentials get() {
                return credentials;
            }

            @Override
            public String toString() {
                return "static " + credentials;
            }
        };
    }

    /**
     * The user name and password in an AWS Secrets Manager secret of the JSON shape RDS writes
     * ({@code {"username": ..., "password": ..., "host": ..., ...}}), read through the AWS Parameters and
     * Secrets Lambda Extension when it answers, else with the AWS SDK for Java 2.x, cached, and read afresh when
     * the server refuses the password. See {@link SecretsManagerCredentials} for the options.
     *
     * @param secretId the secret's name or ARN
     * @return the source, configured from the process environment
     * @throws NullPointerException if {@code secretId} is {@code null}
     */
    static SecretsManagerCredentials secretsManager(String secretId) {
        return SecretsManagerCredentials.of(Objects.requireNonNull(secretId, "secretId"));
    }
}
