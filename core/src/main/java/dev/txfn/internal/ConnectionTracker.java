package dev.txfn.internal;

import dev.txfn.CredentialsSource;
import dev.txfn.SettleReport;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the Jdbi instance its connections and remembers which are checked out, so that the settle check can
 * name and repair any still out when none should be. A transaction's connection costs a map entry; one taken
 * by code that bypassed {@code Tx} (e.g. {@code handle.getJdbi().open()}) also records where, since that thread
 * will have moved on by the time the leak is found. Thread-safe.
 */
final class ConnectionTracker implements ConnectionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionTracker.class);
    /** The attempt the calling thread opens a connection for, between {@link #openingFor} and {@link #openedFor}. */
    private static final ThreadLocal<Attempt> OPENING_FOR = new ThreadLocal<>();

    /**
     * How long each slice of a wait for a pool that has no connection yet lasts: a refused password or an unknown
     * database is reported at most this long after the server said so. Longer than a first connection usually takes
     * on a cold start (150 to 200 ms to a server on the same machine, class loading included), because each slice
     * that expires costs a HikariCP timeout exception, and the first one about 20 ms of string-concatenation
     * linking and compiling on a cold start (the bench's cold-start measure).
     */
    private static final long SLICE_MILLIS = 250;

    private final DataSource dataSource;
    private final Consumer<Connection> evict;
    private final TxCounters counters;
    private final Map<Connection, Site> checkedOut = new ConcurrentHashMap<>();
    /** The last refused-password failure reported to the credentials source, and what it answered. */
    private final AtomicReference<Throwable> lastRejection = new AtomicReference<>();
    private volatile boolean lastRereadVerdict;

    /** Where a connection went. */
    private record Site(Thread thread, long sinceNanos, Throwable takenAt) {
    }

    ConnectionTracker(DataSource dataSource, Consumer<Connection> evict, TxCounters counters) {
        this.dataSource = dataSource;
        this.evict = evict;
        this.counters = counters;
    }

    /** Marks the calling thread as opening a connection for {@code attempt}, until {@link #openedFor}. */
    static void openingFor(Attempt attempt) {
        OPENING_FOR.set(attempt);
    }

    static void openedFor() {
        // set(null) rather than remove(): the next transaction on this thread then costs no new ThreadLocalMap entry.
        OPENING_FOR.set(null);
    }

    @Override
    public Connection openConnection() throws SQLException {
        Attempt attempt = OPENING_FOR.get();
        Connection connection = attempt == null ? dataSource.getConnection() : countedBorrow(attempt);
        checkedOut.put(connection, new Site(Thread.currentThread(), System.nanoTime(),
                attempt != null ? null : new Throwable("connection taken outside a txfn transaction")));
        return attempt != null && attempt.needsTransactionConnection() ? new TransactionConnection(connection, attempt)
                : connection;
    }

    /** {@link #borrow}, its wait and its failure counted in {@link TxCounters}. */
    private Connection countedBorrow(Attempt attempt) throws SQLException {
        long start = System.nanoTime();
        try {
            Connection connection = borrow(attempt);
            counters.borrowed(System.nanoTime() - start);
            return connection;
        } catch (SQLException | RuntimeException e) {
            counters.borrowFailed(System.nanoTime() - start, FailureClassifier.connectionRejection(e) != null);
            throw e;
        }
    }

    /**
     * Borrows for an attempt from a HikariCP pool, waiting no longer than the time left until the attempt's
     * deadline, nor than the pool's own connection timeout. While the pool has no connection at all (it is
     * failing to open the first one) the wait is sliced, and a failure that retrying cannot cure (see
     * {@link FailureClassifier#connectionRejection}) ends it at once: a wrong password or database name is
     * reported within a fraction of a second, not after the whole timeout. Another data source waits as long
     * as it waits.
     */
    private Connection borrow(Attempt attempt) throws SQLException {
        if (!(dataSource instanceof HikariDataSource hikari) || hikari.isClosed()
                || !(hikari.getHikariPoolMXBean() instanceof HikariPool pool)) {
            return dataSource.getConnection();
        }
        PoolEvents events = counters.pool();
        if (events == null || !events.passingOn()) {
            return borrowInSlices(hikari, pool, attempt);
        }
        // HikariCP reports each slice that expires as a wait and a timeout: the tracker attached gets one wait of
        // the whole borrow instead, and a timeout only when the borrow ended without a connection.
        long start = System.nanoTime();
        boolean obtained = false;
        events.quietOnThisThread(true);
        try {
            Connection connection = borrowInSlices(hikari, pool, attempt);
            obtained = true;
            return connection;
        } finally {
            events.quietOnThisThread(false);
            events.borrowEnded(System.nanoTime() - start, obtained);
        }
    }

    /** {@link #borrow} from a HikariCP pool. */
    private Connection borrowInSlices(HikariDataSource hikari, HikariPool pool, Attempt attempt)
            throws SQLException {
        long budget = hikari.getConnectionTimeout();
        if (attempt.deadline() != null) {
            budget = Math.min(budget, attempt.millisUntilDeadline());
        }
        // A pool whose credentials come from a source is watched in slices even while it has connections: a
        // refused password must reach the source while the pool keeps trying to add a connection.
        CredentialsSource source = hikari.getCredentialsProvider() == null ? null : PoolCredentials.sourceOf(hikari);
        long endNanos = System.nanoTime() + budget * 1_000_000L;
        int rereads = 0;
        while (true) {
            long left = Math.max(0, (endNanos - System.nanoTime()) / 1_000_000L);
            boolean sliced = (pool.getTotalConnections() == 0 || source != null) && left > SLICE_MILLIS;
            try {
                return pool.getConnection(sliced ? SLICE_MILLIS : left);
            } catch (SQLTransientConnectionException e) {
                Throwable rejection = FailureClassifier.connectionRejection(e);
                if (rejection != null) {
                    if (source == null || !FailureClassifier.isPasswordRejection(rejection)) {
                        throw e;
                    }
                    Boolean retry = rereadAfter(source, rejection);
                    if (retry == null || retry) {
                        rereads += retry == null ? 0 : 1;
                    } else {
                        throw rereads == 0 ? e : new RejectedAfterRereadException(source, rereads, budget, e);
                    }
                    if (!sliced) {
                        throw new RejectedAfterRereadException(source, Math.max(1, rereads), budget, e);
                    }
                    continue;
                }
                if (!sliced) {
                    // HikariCP's message counts only the last slice; say what the whole wait was.
                    throw new SQLTransientConnectionException("no connection within " + budget + " ms (pool total="
                            + pool.getTotalConnections() + ", active=" + pool.getActiveConnections() + ", idle="
                            + pool.getIdleConnections() + ", waiting=" + pool.getThreadsAwaitingConnection() + ")",
                            e.getSQLState(), e);
                }
            }
        }
    }

    /**
     * How long a transaction may keep meeting a read-only server when it has no deadline: the pool's connection
     * timeout (the wait a caller already accepts for an unreachable server), else 10 s.
     */
    Duration connectionTimeout() {
        return dataSource instanceof HikariDataSource hikari ? Duration.ofMillis(hikari.getConnectionTimeout())
                : Duration.ofSeconds(10);
    }

    /**
     * Removes a checked-out connection from the pool: it is closed when returned, never handed out again.
     * Never throws.
     */
    void evict(Connection connection) {
        try {
            evict.accept(TransactionConnection.pooled(connection));
        } catch (RuntimeException e) {
            LOG.warn("evicting a connection failed", e);
        }
    }

    /**
     * Tells {@code source} of a refused password once per failed connection attempt (HikariCP reports the last
     * failure again to every waiter until its next attempt).
     *
     * @return whether the source will read afresh, or {@code null} when this failure was reported already
     */
    private Boolean rereadAfter(CredentialsSource source, Throwable rejection) {
        Throwable previous = lastRejection.getAndSet(rejection);
        if (previous == rejection) {
            return lastRereadVerdict ? null : Boolean.FALSE;
        }
        boolean verdict = source.passwordRejected();
        lastRereadVerdict = verdict;
        return verdict;
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        checkedOut.remove(TransactionConnection.pooled(connection));
        connection.close();
    }

    /**
     * Reports, aborts and evicts every connection still checked out, except those of {@code exempt}.
     *
     * @param openTransactions the application's transactions running now
     * @param exempt a thread of txfn's own whose connection is not the application's (the warm-up), or null
     */
    SettleReport settle(int openTransactions, Thread exempt) {
        if (checkedOut.isEmpty() && openTransactions == 0) {
            return new SettleReport(0, List.of());
        }
        List<SettleReport.Leak> leaks = new ArrayList<>();
        long now = System.nanoTime();
        for (Map.Entry<Connection, Site> entry : checkedOut.entrySet()) {
            Site site = entry.getValue();
            if (exempt != null && site.thread() == exempt) {
                continue;
            }
            boolean inTransaction = site.takenAt() == null;
            StackTraceElement[] frames = inTransaction ? site.thread().getStackTrace() : site.takenAt().getStackTrace();
            leaks.add(new SettleReport.Leak(site.thread().getName(), site.thread().isAlive(),
                    Duration.ofNanos(now - site.sinceNanos()), inTransaction, Arrays.asList(frames)));
            repair(entry.getKey());
        }
        return new SettleReport(openTransactions, leaks);
    }

    private void repair(Connection connection) {
        checkedOut.remove(connection);
        try {
            // Closes the socket: the server rolls back what the session held open.
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("aborting a leaked connection failed", e);
        }
        try {
            evict.accept(connection);
        } catch (RuntimeException e) {
            LOG.warn("evicting a leaked connection failed", e);
        }
    }
}
