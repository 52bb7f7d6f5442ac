package dev.txfn.internal;

import dev.txfn.Credentials;
import dev.txfn.CredentialsSource;
import dev.txfn.CredentialsUnavailableException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * RDS IAM authentication: a token made by the AWS SDK's own {@code RdsUtilities} (SigV4, valid 15 minutes) as
 * the password of each new connection, reused while younger than 10 minutes. A refused token is dropped, so the
 * next connection gets a new one, but not retried: a role without {@code rds-db:connect} or a user without the
 * {@code rds_iam} grant stays refused. The SDK classes load on the first {@link #get()}. Thread-safe.
 */
public final class RdsIamCredentials implements CredentialsSource {
    /** How long a token is reused: well within its 15 minutes of validity. */
    public static final Duration REUSE = Duration.ofMinutes(10);

    private final String host;
    private final int port;
    private final String user;
    private final String region;
    private final SecretReader.AwsKeys keys;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();
    private RdsTokenGenerator generator; // guarded by lock
    private String token; // guarded by lock
    private long madeAtNanos; // guarded by lock

    /**
     * A source for one endpoint and user.
     *
     * @param host the host connections go to (the token is bound to it)
     * @param port the port
     * @param user the database user, granted {@code rds_iam}
     * @param region the AWS region of the database
     * @param keys AWS credentials, or {@code null} for the SDK's default chain (in Lambda: the function's role)
     * @param nanoClock {@link System#nanoTime()}, or a test's clock
     */
    public RdsIamCredentials(String host, int port, String user, String region, SecretReader.AwsKeys keys,
            LongSupplier nanoClock) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.region = region;
        this.keys = keys;
        this.nanoClock = nanoClock;
    }

    @Override
    public Credentials get() {
        synchronized (lock) {
            long now = nanoClock.getAsLong();
            if (token == null || now - madeAtNanos >= REUSE.toNanos()) {
                if (generator == null) {
                    generator = new RdsTokenGenerator(region, keys, this);
                }
                token = generator.token(host, port, user);
                madeAtNanos = now;
            }
            return new Credentials(user, token);
        }
    }

    @Override
    public boolean passwordRejected() {
        synchronized (lock) {
            token = null;
        }
        return false;
    }

    /**
     * Where the tokens are for; never a token.
     *
     * @return e.g. {@code RDS IAM authentication for app@db.example.com:5432 in eu-west-1}
     */
    @Override
    public String toString() {
        return "RDS IAM authentication for " + user + "@" + host + ":" + port + " in " + region;
    }

    /** Thrown when a token cannot be made; named here so that the SDK-facing class stays small. */
    static CredentialsUnavailableException failure(Object source, String why) {
        return new CredentialsUnavailableException(source + ": no token could be made (" + why + ")", false, null);
    }
}
