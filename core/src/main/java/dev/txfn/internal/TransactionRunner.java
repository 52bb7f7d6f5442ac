package dev.txfn.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.txfn.CommitOutcomeUnknownException;
import dev.txfn.ConnectionLostException;
import dev.txfn.ConnectionRejectedException;
import dev.txfn.ConnectionUnavailableException;
import dev.txfn.DatabaseException;
import dev.txfn.DeadlineExceededException;
import dev.txfn.NestedTransactionException;
import dev.txfn.SettleReport;
import dev.txfn.Tx;
import dev.txfn.TxException;
import dev.txfn.TxListener;
import dev.txfn.TxMetrics;
import dev.txfn.TxOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.transaction.TransactionException;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Tx} implementation: one attempt after another until one commits, a failure is final, the retry
 * policy is exhausted or the deadline is near. Immutable; derived instances share the Jdbi, listener and
 * open-transaction count of the one they came from.
 */
public final class TransactionRunner implements Tx {
    private static final Logger LOG = LoggerFactory.getLogger(Tx.class);
    /** Attempts re-run because their connection was found dead before any statement completed. */
    static final int MAX_STALE_CONNECTION_RERUNS = 2;
    private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();
    private final Shared shared;
    private final TxOptions options;
    private final Instant deadline;

    /** What a runner and everything derived from it share. */
    private static final class Shared {
        final Jdbi jdbi;
        final ConnectionTracker tracker;
        final boolean postgres;
        final Runnable evictIdleConnections;
        final AtomicInteger open = new AtomicInteger();
        final WarmUp warmUp = new WarmUp();
        final TxCounters counters;
        final Tracing tracing;

        Shared(Jdbi jdbi, ConnectionTracker tracker, boolean postgres, Runnable evictIdleConnections,
                TxCounters counters, Tracing tracing) {
            this.jdbi = jdbi;
            this.counters = counters;
            this.tracing = tracing;
            this.tracker = tracker;
            this.postgres = postgres;
            this.evictIdleConnections = evictIdleConnections;
        }
    }

    private final TxListener listener;
    private final AttemptEvents events;

    private TransactionRunner(Shared shared, TxOptions options, Instant deadline, TxListener listener) {
        this.shared = shared;
        this.options = options;
        this.deadline = deadline;
        this.listener = listener;
        this.events = new AttemptEvents(listener, shared.counters);
    }

    /**
     * Creates a runner. {@code postgres=false} applies options the plain JDBC way (isolation and read-only
     * through the connection; timeouts and settings ignored), for in-memory databases in unit tests.
     *
     * @param dataSource where connections come from (auto-commit on)
     * @param postgres whether the database is PostgreSQL
     * @param evictIdleConnections called when a connection is found dead or on a read-only server, so its idle
     *     siblings (likely the same after a freeze or a failover) are replaced; may be {@code null} (a HikariCP
     *     data source is then soft-evicted directly)
     * @param evictConnection removes one connection from the pool for good (used on leaked connections and on
     *     connections to a server found read-only); may be {@code null} (a HikariCP data source then evicts
     *     directly)
     * @param options default options
     * @param listener the listener
     * @param jdbiCustomizer applied to the Jdbi instance once
     * @return the runner
     */
    public static Tx create(DataSource dataSource, boolean postgres, Runnable evictIdleConnections,
            Consumer<Connection> evictConnection, TxOptions options, TxListener listener,
            Consumer<Jdbi> jdbiCustomizer) {
        return create(dataSource, postgres, evictIdleConnections, evictConnection, options, listener, jdbiCustomizer,
                Tracing.NONE);
    }

    /**
     * Creates a runner whose transactions and statements are traced through {@code tracing}; otherwise as
     * {@link #create(DataSource, boolean, Runnable, Consumer, TxOptions, TxListener, Consumer)}.
     *
     * @param dataSource where connections come from (auto-commit on)
     * @param postgres whether the database is PostgreSQL
     * @param evictIdleConnections see the other {@code create}
     * @param evictConnection see the other {@code create}
     * @param options default options
     * @param listener the listener
     * @param jdbiCustomizer applied to the Jdbi instance once
     * @param tracing where transaction and statement spans go ({@link Tracing#NONE} for nowhere)
     * @return the runner
     */
    public static Tx create(DataSource dataSource, boolean postgres, Runnable evictIdleConnections,
            Consumer<Connection> evictConnection, TxOptions options, TxListener listener,
            Consumer<Jdbi> jdbiCustomizer, Tracing tracing) {
        if (dataSource instanceof HikariDataSource hikari) {
            // A pool handed over directly gets the same eviction as a Database's.
            evictConnection = evictConnection != null ? evictConnection : hikari::evictConnection;
            evictIdleConnections = evictIdleConnections != null ? evictIdleConnections : () -> softEvict(hikari);
        }
        TxCounters counters = new TxCounters(dataSource);
        ConnectionTracker tracker = new ConnectionTracker(dataSource, evictConnection == null ? c -> { }
                : evictConnection, counters);
        Jdbi jdbi = Jdbi.create(tracker);
        if (postgres) {
            jdbi.installPlugin(new LazyPostgresPlugin());
        }
        jdbi.registerRowMapper(new RecordMapperFactory(jdbi.getConfig()));
        StatementMessages.install(jdbi.getConfig(StatementExceptions.class));
        jdbiCustomizer.accept(jdbi);
        Shared shared = new Shared(jdbi, tracker, postgres,
                evictIdleConnections == null ? () -> { } : evictIdleConnections, counters,
                Objects.requireNonNull(tracing));
        return new TransactionRunner(shared, options, null, listener);
    }

    private static void softEvict(HikariDataSource hikari) {
        HikariPoolMXBean pool = hikari.isClosed() ? null : hikari.getHikariPoolMXBean();
        if (pool != null) {
            pool.softEvictConnections();
        }
    }

    @Override
    public <T, X extends Exception> T inTransaction(HandleCallback<T, X> callback) throws X {
        return run(options, callback);
    }

    @Override
    public <T, X extends Exception> T inTransaction(TxOptions txOptions, HandleCallback<T, X> callback) throws X {
        return run(Objects.requireNonNull(txOptions, "options"), callback);
    }

    @Override
    public <T, X extends Exception> T readOnly(HandleCallback<T, X> callback) throws X {
        return run(options.readOnly() ? options : options.withReadOnly(true), callback);
    }

    @Override
    public <X extends Exception> void useTransaction(HandleConsumer<X> callback) throws X {
        useTransaction(options, callback);
    }

    @Override
    public <X extends Exception> void useTransaction(TxOptions txOptions, HandleConsumer<X> callback) throws X {
        Objects.requireNonNull(callback, "callback");
        run(Objects.requireNonNull(txOptions, "options"), h -> {
            callback.useHandle(h);
            return null;
        });
    }

    @Override
    public Tx withDeadline(Instant newDeadline) {
        return new TransactionRunner(shared, options, Objects.requireNonNull(newDeadline, "deadline"), listener);
    }

    @Override
    public Tx withOptions(TxOptions newOptions) {
        return new TransactionRunner(shared, Objects.requireNonNull(newOptions, "options"), deadline, listener);
    }

    @Override
    public Tx withListener(TxListener additional) {
        Objects.requireNonNull(additional, "listener");
        return new TransactionRunner(shared, options, deadline, CompositeTxListener.of(listener, additional));
    }

    @Override
    public SettleReport settle() {
        Thread warmUp = shared.warmUp.runningThread();
        return shared.tracker.settle(shared.open.get(), warmUp);
    }

    @Override
    public boolean isWarmingUp() {
        return shared.warmUp.runningThread() != null;
    }

    @Override
    public CompletableFuture<Void> warmUp() {
        return shared.warmUp.start(new TransactionRunner(shared, TxOptions.defaults(), null, TxListener.noop()));
    }

    @Override
    public TxOptions options() {
        return options;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    // metrics: begin
    @Override
    public TxMetrics metrics() {
        return shared.counters.read();
    }

    /**
     * The counts behind {@link #metrics()}, shared by every runner derived from the same one; for the
     * Micrometer binder, which also reaches the pool's HikariCP events through them.
     *
     * @return the counters
     */
    public TxCounters counters() {
        return shared.counters;
    }
    // metrics: end

    @Override
    public int openTransactions() {
        return shared.open.get();
    }

    private <T, X extends Exception> T run(TxOptions txOptions, HandleCallback<T, X> callback) throws X {
        Objects.requireNonNull(callback, "callback");
        if (ACTIVE.get() == Boolean.TRUE) {
            throw new NestedTransactionException("a transaction is already running on this thread; txfn does not"
                    + " nest transactions (with a pool of one the inner one would wait for the connection timeout)."
                    + " Compose the steps into one TxFn with flatMap, or pass the Handle down");
        }
        long deadlineNanos = deadline == null ? 0 : System.nanoTime() + nanosUntil(deadline);
        ACTIVE.set(Boolean.TRUE);
        // The warm-up's transaction is txfn's own: not counted, so settle() never waits for it or reports it.
        boolean counted = !shared.warmUp.isRunningOnThisThread();
        if (counted) {
            shared.open.incrementAndGet();
        }
        // Tracing: the transaction's span (txfn's own warm-up is not traced) is current until it ends.
        TransactionTrace trace = TransactionTrace.NONE;
        try {
            trace = counted ? shared.tracing.begin(txOptions, deadline) : TransactionTrace.NONE;
            T result = retryLoop(txOptions, callback, deadlineNanos, trace);
            trace.end(null);
            return result;
        } catch (Throwable failure) {
            trace.end(failure);
            throw failure;
        } finally {
            if (counted) {
                shared.open.decrementAndGet();
            }
            // FALSE rather than remove(): the thread's next transaction then costs no new ThreadLocalMap entry.
            ACTIVE.set(Boolean.FALSE);
        }
    }

    private <T, X extends Exception> T retryLoop(TxOptions txOptions, HandleCallback<T, X> callback,
            long deadlineNanos, TransactionTrace trace) throws X {
        int transientRetries = 0;
        int staleReruns = 0;
        ReadOnlyServerReruns readOnlyServer = new ReadOnlyServerReruns();
        Throwable previous = null;
        boolean oneFlight = shared.postgres && txOptions.readOnly() && callback instanceof OneQuery;
        for (int number = 1; ; number++) {
            Attempt attempt = new Attempt(number, txOptions, deadline, deadlineNanos, shared.postgres, oneFlight,
                    shared.jdbi.getConfig(SqlStatements.class).getSqlLogger(), trace);
            try {
                return runAttempt(attempt, callback);
            } catch (Throwable failure) {
                if (previous != null && failure instanceof DeadlineExceededException) {
                    failure.addSuppressed(previous); // why there was another attempt at all
                }
                if (attempt.committed()) {
                    throw failure; // an after-commit hook failed: the work is done, never run it again
                }
                if (attempt.metReadOnlyServer()) {
                    Duration wait = readOnlyServer.nextWait(deadline == null ? null : deadlineNanos,
                            shared.tracker.connectionTimeout());
                    if (wait == null) {
                        throw failure;
                    }
                    previous = failure;
                    events.retrying(attempt, failure, wait);
                    sleep(wait, failure);
                    continue;
                }
                TxException typed = failure instanceof TxException t ? t : null;
                if (typed instanceof ConnectionLostException lost && lost.beforeFirstStatement()
                        && staleReruns < MAX_STALE_CONNECTION_RERUNS) {
                    staleReruns++;
                    previous = failure;
                    shared.evictIdleConnections.run();
                    events.retrying(attempt, failure, Duration.ZERO);
                    continue;
                }
                TxException reason = typed != null ? typed : classifyWrapped(failure, attempt);
                if (reason != null && reason.isTransient() && !(reason instanceof ConnectionLostException)
                        && transientRetries + 1 < txOptions.retryPolicy().maxAttempts()) {
                    transientRetries++;
                    Duration backoff = txOptions.retryPolicy().backoff(transientRetries);
                    if (deadline == null || System.nanoTime() + backoff.toNanos() - deadlineNanos < 0) {
                        previous = failure;
                        events.retrying(attempt, failure, backoff);
                        sleep(backoff, failure);
                        continue;
                    }
                }
                throw failure;
            }
        }
    }

    /** The classification of a user exception that wraps a database failure, used only to decide on a retry. */
    private static TxException classifyWrapped(Throwable failure, Attempt attempt) {
        SQLException sql = FailureClassifier.findSqlException(failure);
        return sql == null ? null : FailureClassifier.translate(sql, null, attempt.completedStatements() == 0);
    }

    private <T, X extends Exception> T runAttempt(Attempt attempt, HandleCallback<T, X> callback) throws X {
        attempt.checkDeadline("the transaction began");
        events.begin(attempt);
        Handle handle = open(attempt);
        Throwable failure = null;
        try {
            configure(handle, attempt);
            if (!attempt.oneFlight()) {
                handle.begin();
                // Registered first, so it runs first once COMMIT succeeded: the callback's own hooks come after.
                handle.afterCommit(attempt::committedNow);
            }
            T result = callback.withHandle(handle);
            ResultGuard.check(result);
            ensureNotAborted(handle, attempt);
            if (attempt.oneFlight()) {
                endOneFlight(handle, attempt);
            } else {
                commit(handle, attempt);
            }
            events.committed(attempt);
            return result;
        } catch (Throwable t) {
            if (attempt.oneFlight() && committedInFlight(handle, attempt)) {
                attempt.committedNow(); // the callback failed after its flight had committed: never re-run it
            }
            if (attempt.committed()) {
                // An after-commit hook (or, in one flight, the callback after the COMMIT) threw: the transaction
                // is committed; report that, and the failure.
                failure = t;
                events.committed(attempt);
                throw sneaky(t);
            }
            failure = translate(t, attempt);
            if (attempt.oneFlight()) {
                rollbackOneFlight(handle, failure);
            } else {
                rollback(handle, failure);
            }
            failure = dropIfOnReadOnlyServer(handle, attempt, failure);
            events.rolledBack(attempt, failure);
            throw sneaky(failure);
        } finally {
            close(handle, failure);
        }
    }

    private Handle open(Attempt attempt) {
        ConnectionTracker.openingFor(attempt);
        try {
            return shared.jdbi.open();
        } catch (ConnectionException e) {
            throw connectionFailure(e, attempt);
        } finally {
            ConnectionTracker.openedFor();
        }
    }

    /**
     * Why no connection could be had, reason first: a rejection that retrying cannot cure, the deadline, or
     * the pool's timeout (with the last connection failure's reason, when there was one).
     */
    private static TxException connectionFailure(ConnectionException e, Attempt attempt) {
        SQLException sql = FailureClassifier.findSqlException(e);
        String reason = FailureClassifier.reason(e);
        Throwable rejection = FailureClassifier.connectionRejection(e);
        if (rejection != null) {
            String state = rejection instanceof SQLException r ? r.getSQLState() : null;
            RejectedAfterRereadException reread = FailureClassifier.find(e, RejectedAfterRereadException.class);
            String note = reread == null ? "" : "; " + reread.getMessage();
            return new ConnectionRejectedException(reason + note + "; could not connect for attempt "
                    + attempt.number(),
                    state != null ? state : sql == null ? null : sql.getSQLState(), e);
        }
        String state = sql == null ? null : sql.getSQLState();
        Throwable outer = e.getCause() instanceof SQLException ? e.getCause() : sql;
        String pool = outer == null || reason.startsWith(String.valueOf(outer.getMessage())) ? ""
                : " [" + outer.getMessage() + "]";
        if (attempt.deadlineReached()) {
            return new DeadlineExceededException("deadline " + attempt.deadline() + " passed while waiting for a"
                    + " connection: " + reason + pool, attempt.deadline(), state, e);
        }
        return new ConnectionUnavailableException(reason + "; could not obtain a connection for attempt "
                + attempt.number() + pool, state, e);
    }

    private void configure(Handle handle, Attempt attempt) throws SQLException {
        handle.setSqlLogger(attempt);
        if (handle.getConnection() instanceof TransactionConnection connection) {
            connection.arm();
        } else if (!shared.postgres) {
            TxOptions o = attempt.options();
            Connection c = handle.getConnection();
            if (o.isolation() != null) {
                c.setTransactionIsolation(jdbcIsolation(o));
            }
            if (o.readOnly()) {
                c.setReadOnly(true);
            }
        }
    }

    private static int jdbcIsolation(TxOptions o) {
        switch (o.isolation()) {
            case SERIALIZABLE:
                return Connection.TRANSACTION_SERIALIZABLE;
            case REPEATABLE_READ:
                return Connection.TRANSACTION_REPEATABLE_READ;
            default:
                return Connection.TRANSACTION_READ_COMMITTED;
        }
    }

    /**
     * PostgreSQL turns a COMMIT of an aborted transaction into a silent ROLLBACK. A callback that caught a
     * statement's exception and returned normally must not be reported as committed.
     */
    private void ensureNotAborted(Handle handle, Attempt attempt) throws SQLException {
        if (!shared.postgres) {
            return;
        }
        Connection c = TransactionConnection.pooled(handle.getConnection());
        if (c.isWrapperFor(BaseConnection.class)
                && c.unwrap(BaseConnection.class).getTransactionState() == TransactionState.FAILED) {
            SQLException first = attempt.firstFailure();
            if (first != null) {
                throw FailureClassifier.translate(first, first, false);
            }
            throw new DatabaseException("the transaction was aborted by an error the callback caught; nothing was"
                    + " committed", FailureClassifier.IN_FAILED_TRANSACTION, null);
        }
    }

    private void commit(Handle handle, Attempt attempt) {
        try {
            handle.commit();
        } catch (TransactionException e) {
            SQLException sql = FailureClassifier.findSqlException(e);
            if (sql == null || FailureClassifier.isConnectionLoss(sql.getSQLState())) {
                throw new CommitOutcomeUnknownException("the connection failed after COMMIT was sent; the"
                        + " transaction may or may not have committed"
                        + (sql == null ? "" : ": " + sql.getMessage()), sql == null ? null : sql.getSQLState(), e);
            }
            // The server answered: it rolled back (serialization failure at commit, deferred constraint).
            throw FailureClassifier.translate(sql, e, false);
        }
    }

    /**
     * The failure as the caller sees it: Jdbi and driver exceptions become typed {@link TxException}s; the
     * callback's own exceptions and txfn's are left as they are.
     */
    private static Throwable translate(Throwable t, Attempt attempt) {
        if (t instanceof TxException || !(t instanceof JdbiException || t instanceof SQLException)) {
            return t;
        }
        SQLException sql = FailureClassifier.findSqlException(t);
        if (sql == null) {
            return t;
        }
        SQLException first = attempt.firstFailure();
        if (FailureClassifier.IN_FAILED_TRANSACTION.equals(sql.getSQLState()) && first != null) {
            sql = first;
        }
        if ("57014".equals(sql.getSQLState()) && attempt.timeoutFromDeadline()) {
            return new DeadlineExceededException("statement cancelled to meet the deadline " + attempt.deadline()
                    + ": " + sql.getMessage(), attempt.deadline(), "57014", t);
        }
        if (FailureClassifier.isConnectionLoss(sql.getSQLState()) && attempt.deadlineReached()) {
            // The network timeout follows the deadline: a server that stopped answering is given up on.
            return new DeadlineExceededException("the server did not answer before the deadline " + attempt.deadline()
                    + "; the connection was closed: " + sql.getMessage(), attempt.deadline(), sql.getSQLState(), t);
        }
        return FailureClassifier.translate(sql, t, attempt.completedStatements() == 0);
    }

    /**
     * A write refused by a server that is read-only: its connection, and the idle ones beside it (likely on the
     * same server), are dropped, so that the re-run connects anew, wherever the endpoint points by then.
     */
    private Throwable dropIfOnReadOnlyServer(Handle handle, Attempt attempt, Throwable failure) {
        if (!ReadOnlyServerReruns.refusedByReadOnlyServer(failure, attempt.options())) {
            return failure;
        }
        attempt.metReadOnlyServerNow();
        shared.tracker.evict(handle.getConnection());
        shared.evictIdleConnections.run();
        return ReadOnlyServerReruns.reported(failure, attempt.number());
    }

    /**
     * After a one-flight transaction: its COMMIT went with the query, so the session is idle, unless the query
     * was never executed (nothing began, nothing to end).
     */
    private static void endOneFlight(Handle handle, Attempt attempt) throws SQLException {
        SQLException first = attempt.firstFailure();
        if (first != null) {
            // The flight failed (its COMMIT included, which leaves the session idle) and the callback swallowed it.
            throw FailureClassifier.translate(first, first, false);
        }
        TransactionState state = transactionState(handle);
        if (state != TransactionState.IDLE) {
            throw new IllegalStateException("a one-flight transaction ended " + state + " instead of committed");
        }
        attempt.committedNow();
    }

    /** Whether the flight went out and committed: no statement failed and the session is idle again. */
    private static boolean committedInFlight(Handle handle, Attempt attempt) {
        try {
            return attempt.beganInFlight() && attempt.firstFailure() == null
                    && transactionState(handle) == TransactionState.IDLE;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** A one-flight query failed: its COMMIT was skipped by the server, which holds an aborted transaction. */
    private static void rollbackOneFlight(Handle handle, Throwable failure) {
        try {
            if (transactionState(handle) != TransactionState.IDLE) {
                try (Statement s = TransactionConnection.pooled(handle.getConnection()).createStatement()) {
                    s.execute("ROLLBACK");
                }
            }
        } catch (Throwable r) {
            failure.addSuppressed(r);
        }
    }

    private static TransactionState transactionState(Handle handle) throws SQLException {
        return TransactionConnection.pooled(handle.getConnection()).unwrap(BaseConnection.class)
                .getTransactionState();
    }

    private static void rollback(Handle handle, Throwable failure) {
        try {
            if (handle.isInTransaction()) {
                handle.rollback();
            }
        } catch (Throwable r) {
            failure.addSuppressed(r);
        }
    }

    private static void close(Handle handle, Throwable failure) {
        try {
            handle.close();
        } catch (Throwable c) {
            if (failure != null) {
                failure.addSuppressed(c);
            } else {
                // Committed already: a failure to return the connection must not turn success into failure.
                LOG.warn("closing the handle after commit failed; the connection is discarded", c);
            }
        }
    }

    private static long nanosUntil(Instant instant) {
        Duration left = Duration.between(Instant.now(), instant);
        try {
            return left.toNanos();
        } catch (ArithmeticException e) {
            return left.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }

    private static void sleep(Duration backoff, Throwable failure) {
        if (backoff.isZero()) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(backoff.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
            throw sneaky(failure);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
