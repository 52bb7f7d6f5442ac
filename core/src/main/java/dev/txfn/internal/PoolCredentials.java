package dev.txfn.internal;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import dev.txfn.CredentialsSource;

/**
 * Hands a {@link CredentialsSource} to HikariCP, which asks it whenever it opens a connection, and lets
 * {@link ConnectionTracker} find the source again to tell it of a refused password. Thread-safe as the source is.
 */
public final class PoolCredentials implements HikariCredentialsProvider {
    private final CredentialsSource source;
    /** HikariCP asks once while its pool is constructed, for a default it never uses when asked per connection. */
    private volatile boolean poolStarted;

    /**
     * Wraps a source.
     *
     * @param source the source
     */
    public PoolCredentials(CredentialsSource source) {
        this.source = source;
    }

    /**
     * The source of a pool's credentials.
     *
     * @param pool the pool
     * @return the source, or {@code null} when the pool has a fixed user and password
     */
    public static CredentialsSource sourceOf(HikariDataSource pool) {
        return pool.getCredentialsProvider() instanceof PoolCredentials p ? p.source : null;
    }

    /** From now on, every request is for a connection about to be opened; see {@link PoolStarter#start}. */
    void poolStarted() {
        poolStarted = true;
    }

    @Override
    public Credentials getCredentials() {
        if (!poolStarted) {
            // Building never connects, nor reads a secret, nor loads the AWS SDK.
            return Credentials.of(null, null);
        }
        dev.txfn.Credentials credentials = source.get();
        return Credentials.of(credentials.user(), credentials.password());
    }

    @Override
    public String toString() {
        return String.valueOf(source);
    }
}
