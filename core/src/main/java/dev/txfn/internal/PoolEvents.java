package dev.txfn.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HikariCP's metrics hook on a pool built by {@code Database}: counts the physical connections the pool opens,
 * and passes every event on to one more tracker when attached ({@link #attach}), so that HikariCP's own
 * metrics (its Micrometer tracker, say) still work: HikariCP takes only one tracker factory, and it is set
 * before the pool starts. Thread-safe.
 */
public final class PoolEvents implements MetricsTrackerFactory, IMetricsTracker {
    private static final Logger LOG = LoggerFactory.getLogger(PoolEvents.class);
    private static final IMetricsTracker NONE = new IMetricsTracker() { };

    private final LongAdder opened = new LongAdder();
    private volatile String poolName;
    private volatile PoolStats poolStats;
    private volatile IMetricsTracker attached = NONE;
    /** TRUE on a thread while txfn borrows in slices: HikariCP's wait and timeout events are its to report. */
    private final ThreadLocal<Boolean> quiet = new ThreadLocal<>();

    /**
     * The events of {@code dataSource} when it is a pool whose tracker factory is txfn's.
     *
     * @param dataSource any data source
     * @return the events, or {@code null}
     */
    public static PoolEvents of(DataSource dataSource) {
        return dataSource instanceof HikariDataSource hikari
                && hikari.getMetricsTrackerFactory() instanceof PoolEvents events ? events : null;
    }

    /** Called by HikariCP once, as the pool starts. */
    @Override
    public IMetricsTracker create(String name, PoolStats stats) {
        this.poolName = name;
        this.poolStats = stats;
        return this;
    }

    /**
     * Passes HikariCP's events on to a tracker of {@code factory} from now on, e.g. HikariCP's
     * {@code MicrometerMetricsTrackerFactory}, in place of any attached before (which is closed).
     *
     * @param factory the factory
     * @throws IllegalStateException if the pool has not started
     */
    public void attach(MetricsTrackerFactory factory) {
        if (poolStats == null) {
            throw new IllegalStateException("the pool has not started; HikariCP has not created its tracker yet");
        }
        // Closed first: HikariCP's Micrometer tracker removes its meters on close, and a new one for the same
        // registry registers the same meters (same names and tags): closed after, it would remove the new ones.
        IMetricsTracker previous = attached;
        attached = NONE;
        previous.close();
        attached = factory.create(poolName, poolStats);
    }

    /**
     * Physical connections opened so far.
     *
     * @return the count
     */
    public long connectionsOpened() {
        return opened.sum();
    }

    /**
     * Whether a tracker is attached: only then does a borrow need {@link #quietOnThisThread} and
     * {@link #borrowEnded}.
     */
    boolean passingOn() {
        return attached != NONE;
    }

    /**
     * While on, HikariCP's wait and timeout events of the calling thread are not passed on: the borrow is
     * waited for in slices ({@code ConnectionTracker}), and HikariCP reports each expired slice as a timeout.
     */
    void quietOnThisThread(boolean on) {
        quiet.set(on ? Boolean.TRUE : Boolean.FALSE);
    }

    /** Passes on one borrow as HikariCP would report a single wait: its whole time, and a timeout if it failed. */
    void borrowEnded(long nanos, boolean obtained) {
        IMetricsTracker tracker = attached;
        if (tracker != NONE) {
            try {
                tracker.recordConnectionAcquiredNanos(nanos);
                if (!obtained) {
                    tracker.recordConnectionTimeout();
                }
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    // Each event reads the attached tracker once and checks it inline: no lambda allocated per borrow.

    @Override
    public void recordConnectionCreatedMillis(long millis) {
        opened.increment();
        IMetricsTracker tracker = attached;
        if (tracker != NONE) {
            try {
                tracker.recordConnectionCreatedMillis(millis);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    @Override
    public void recordConnectionAcquiredNanos(long nanos) {
        IMetricsTracker tracker = attached;
        if (tracker != NONE && quiet.get() != Boolean.TRUE) {
            try {
                tracker.recordConnectionAcquiredNanos(nanos);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    @Override
    public void recordConnectionUsageMillis(long millis) {
        IMetricsTracker tracker = attached;
        if (tracker != NONE) {
            try {
                tracker.recordConnectionUsageMillis(millis);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    @Override
    public void recordConnectionTimeout() {
        IMetricsTracker tracker = attached;
        if (tracker != NONE && quiet.get() != Boolean.TRUE) {
            try {
                tracker.recordConnectionTimeout();
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    @Override
    public void close() {
        IMetricsTracker tracker = attached;
        attached = NONE;
        try {
            tracker.close();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Another library's tracker must never fail a borrow: its failure is logged and otherwise ignored. */
    private static void failed(RuntimeException e) {
        LOG.warn("an attached HikariCP metrics tracker failed", e);
    }
}
