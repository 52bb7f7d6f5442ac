package dev.txfn.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Starts a HikariCP pool that does not validate connections when they are borrowed.
 *
 * <p>HikariCP runs {@code Connection.isValid} (an empty query: one network round trip) on every borrow of a
 * connection that sat idle longer than {@code aliveBypassWindowMs}, 500 ms by default; in a Lambda that is
 * every invocation. txfn instead re-runs a transaction whose connection proves dead before any statement
 * completed. HikariCP 7.1 reads the window only from the system property {@value #ALIVE_BYPASS_PROPERTY},
 * once, into a final field of each {@code HikariPool} as it is constructed; {@code new HikariDataSource(config)}
 * constructs its pool inside the constructor. So the property is set for the duration of that constructor
 * and restored afterwards, under a lock shared by every txfn pool.
 *
 * <p>Thread-safe. A pool constructed at the same moment by code outside txfn, on another thread, may see the
 * property too; nothing can prevent that short of HikariCP offering the setting on its configuration.
 */
public final class PoolStarter {

    /** The system property HikariCP reads its alive-bypass window from, in milliseconds. */
    public static final String ALIVE_BYPASS_PROPERTY = "com.zaxxer.hikari.aliveBypassWindowMs";

    /**
     * The window txfn gives HikariCP: about 146 million years. HikariCP only compares an elapsed time
     * against it ({@code elapsedMillis(lastAccessed, now) > aliveBypassWindowMs}), so no overflow is possible;
     * half of {@code Long.MAX_VALUE} leaves headroom should a later version add something to it.
     */
    public static final long NEVER_VALIDATE_MS = Long.MAX_VALUE / 2;

    private static final Object LOCK = new Object();

    private PoolStarter() {
    }

    /**
     * Creates the pool. Does not connect as long as {@code config} has {@code initializationFailTimeout < 0}
     * and {@code minimumIdle == 0}.
     *
     * @param config the complete pool configuration
     * @return the running pool
     * @throws IllegalArgumentException if HikariCP rejects the configuration
     * @throws IllegalStateException if this HikariCP version does not construct its pool in the constructor
     */
    public static HikariDataSource start(HikariConfig config) {
        HikariDataSource pool;
        synchronized (LOCK) {
            String previous = System.getProperty(ALIVE_BYPASS_PROPERTY);
            System.setProperty(ALIVE_BYPASS_PROPERTY, Long.toString(NEVER_VALIDATE_MS));
            try {
                pool = new HikariDataSource(config);
            } finally {
                if (previous == null) {
                    System.clearProperty(ALIVE_BYPASS_PROPERTY);
                } else {
                    System.setProperty(ALIVE_BYPASS_PROPERTY, previous);
                }
            }
        }
        // Null-checked first, so that a pool with a fixed password does not even load PoolCredentials.
        if (config.getCredentialsProvider() != null && config.getCredentialsProvider() instanceof PoolCredentials c) {
            c.poolStarted();
        }
        if (pool.getHikariPoolMXBean() == null) {
            // A lazily started pool would read the property after it was restored, and validate every borrow.
            pool.close();
            throw new IllegalStateException("HikariCP did not start its pool in the HikariDataSource constructor;"
                    + " txfn cannot switch off validation on borrow with this HikariCP version");
        }
        return pool;
    }
}
