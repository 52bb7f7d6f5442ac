package dev.txfn;

import dev.txfn.internal.Tracing;
import dev.txfn.internal.TransactionRunner;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;

/**
 * Runs database work in explicit transactions that always end before the call returns. Every read and write
 * happens inside a callback; the transaction commits when the callback returns and rolls back when it throws,
 * and the connection goes back to the pool either way. Nothing bound to the connection may leave the callback:
 * results must be materialized values (records, the JDK's own collections and maps, scalars), which txfn
 * verifies before committing: anything else fails with {@link EscapedResultException}.
 *
 * <pre>{@code
 * Tx tx = Tx.create(Database.fromEnv());
 * Thing thing = tx.inTransaction(h -> h.createQuery("select * from thing where id = :id")
 *         .bind("id", id).mapTo(Thing.class).one());
 * }</pre>
 *
 * <p><b>Failures.</b> Database failures surface as subclasses of {@link TxException} named for what failed
 * ({@link UniqueViolationException}, {@link SerializationFailureException}, {@link DeadlineExceededException},
 * ...). Exceptions thrown by the callback itself, checked or not, come out unchanged; the exception type of a
 * Jdbi {@link HandleCallback} passes through the signature. A rollback or close failure never replaces the
 * first error: it is attached to it with {@link Throwable#addSuppressed}.
 *
 * <p><b>Retries.</b> Serialization failures and deadlocks re-run the whole callback on a new transaction as
 * the {@link TxOptions#retryPolicy() retry policy} allows; a connection found dead before any statement
 * completed is replaced and the attempt re-run. Callbacks must therefore be safe to run more than once; work
 * that must happen once per committed transaction belongs in {@link Handle#afterCommit(Runnable)}, which runs
 * only for the attempt that committed (on the same thread, before the connection returns to the pool, so it
 * must not start another transaction).
 *
 * <p><b>One transaction per thread.</b> Starting a transaction on a thread that is already running one fails at
 * once with {@link NestedTransactionException}.
 *
 * <p>Implementations are immutable and thread-safe; create one per application and share it.
 */
public interface Tx {

    /**
     * A {@code Tx} over a {@link Database} with default options.
     *
     * @param database the pool to take connections from
     * @return the transaction runner
     */
    static Tx create(Database database) {
        return builder(database).build();
    }

    /**
     * A {@code Tx} over any {@link DataSource} with default options. The data source's connections must be in
     * auto-commit mode when handed out (the JDBC default; HikariCP's {@code autoCommit=true}).
     *
     * A HikariCP data source gets the same eviction as a {@link Database}: connections found leaked, dead or on a
     * {@linkplain ReadOnlyServerException read-only server} are replaced; other pools are left as they are.
     *
     * @param dataSource where connections come from
     * @return the transaction runner
     */
    static Tx create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /**
     * A builder over a {@link Database}.
     *
     * @param database the pool to take connections from
     * @return a new builder
     */
    static Builder builder(Database database) {
        Objects.requireNonNull(database, "database");
        return new Builder(database.dataSource(), database);
    }

    /**
     * A builder over any {@link DataSource}.
     *
     * @param dataSource where connections come from
     * @return a new builder
     */
    static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"), null);
    }

    /**
     * Runs {@code callback} in a read-write transaction with this {@code Tx}'s default options and returns its
     * value after a successful commit.
     *
     * @param callback the work; may run more than once when retried
     * @param <T> the result type: a materialized value
     * @param <X> the checked exception the callback may throw
     * @return the callback's value
     * @throws X when the callback throws it; the transaction was rolled back
     * @throws TxException when the database or txfn fails (see the subclasses); the transaction was rolled
     *     back, except for {@link CommitOutcomeUnknownException}
     */
    <T, X extends Exception> T inTransaction(HandleCallback<T, X> callback) throws X;

    /**
     * Runs {@code callback} in a transaction with the given options.
     *
     * @param options isolation, timeouts, settings and retry policy for this transaction
     * @param callback the work; may run more than once when retried
     * @param <T> the result type: a materialized value
     * @param <X> the checked exception the callback may throw
     * @return the callback's value
     * @throws X when the callback throws it; the transaction was rolled back
     * @throws TxException when the database or txfn fails
     */
    <T, X extends Exception> T inTransaction(TxOptions options, HandleCallback<T, X> callback) throws X;

    /**
     * Runs {@code callback} in a read-only transaction ({@code BEGIN READ ONLY} semantics) with this
     * {@code Tx}'s default options otherwise.
     *
     * @param callback the work; may run more than once when retried
     * @param <T> the result type: a materialized value
     * @param <X> the checked exception the callback may throw
     * @return the callback's value
     * @throws X when the callback throws it
     * @throws TxException when the database or txfn fails; a write fails with a {@link DatabaseException} of
     *     SQLSTATE {@code 25006}
     */
    <T, X extends Exception> T readOnly(HandleCallback<T, X> callback) throws X;

    /**
     * Runs {@code callback}, which returns nothing, in a read-write transaction.
     *
     * @param callback the work; may run more than once when retried
     * @param <X> the checked exception the callback may throw
     * @throws X when the callback throws it; the transaction was rolled back
     * @throws TxException when the database or txfn fails
     */
    <X extends Exception> void useTransaction(HandleConsumer<X> callback) throws X;

    /**
     * Runs {@code callback}, which returns nothing, in a transaction with the given options.
     *
     * @param options isolation, timeouts, settings and retry policy for this transaction
     * @param callback the work; may run more than once when retried
     * @param <X> the checked exception the callback may throw
     * @throws X when the callback throws it; the transaction was rolled back
     * @throws TxException when the database or txfn fails
     */
    <X extends Exception> void useTransaction(TxOptions options, HandleConsumer<X> callback) throws X;

    /**
     * A {@code Tx} like this one whose transactions never outlive {@code deadline}: every statement's timeout is
     * capped by the time left (in the same flight as the statement, no extra round trip), a statement that
     * would outrun it is cancelled by the server, and nothing is sent once it has passed: these surface as
     * {@link DeadlineExceededException} (carrying the failure of the previous attempt, if any, as suppressed).
     * The wait for a pooled connection ends at the deadline too (HikariCP, which {@link Database} is; another
     * data source waits as long as it waits), and so does waiting on a server that stopped answering: before
     * each statement is made, and before {@code COMMIT}, the driver's network timeout is re-armed to the time
     * left plus half a second, after which the connection is closed and the failure is a
     * {@code DeadlineExceededException} (at {@code COMMIT}, a {@link CommitOutcomeUnknownException}). All of
     * this holds for JDBC used directly on {@code handle.getConnection()} as well. No retry waits past the
     * deadline: when the backoff would, the failure that called for the retry is thrown as it is.
     *
     * @param deadline the instant by which all work must be done
     * @return the derived {@code Tx}; this one is unchanged
     */
    Tx withDeadline(Instant deadline);

    /**
     * A {@code Tx} like this one with other default options, used by the methods that take none.
     *
     * @param options the new defaults
     * @return the derived {@code Tx}; this one is unchanged
     */
    Tx withOptions(TxOptions options);

    /**
     * A {@code Tx} like this one that also tells {@code listener} about its transactions, e.g. to count the
     * transactions and retries of one Lambda invocation. Cheap: meant to be derived per invocation.
     *
     * @param listener told after this {@code Tx}'s own listeners
     * @return the derived {@code Tx}; this one is unchanged
     */
    Tx withListener(TxListener listener);

    /**
     * Verifies that nothing is open: no transaction of this {@code Tx} (or one derived from it) running, no
     * connection it handed out still checked out. Any connection still out is repaired on the spot: aborted, so
     * the server rolls back whatever it held, and evicted from the pool. Call it where the application must be
     * settled, at the end of a Lambda invocation; the Lambda adapter does. Costs no round trip. A
     * {@linkplain #warmUp() warm-up} still running is neither waited for nor reported: it is txfn's own.
     *
     * @return what was found; {@link SettleReport#isSettled()} on the healthy path
     */
    SettleReport settle();

    /**
     * Warms up in the background, once: a daemon thread runs one read-only transaction ({@code select 1},
     * mapped into a record, as a {@link TxFn#query one-flight query}: {@code BEGIN} and {@code COMMIT} travel in
     * one message, so a process frozen meanwhile never holds it open), so that the first connection is opened
     * and the classes on the transaction path (HikariCP's, the driver's, Jdbi's statement machinery, which
     * registers a JFR event type on first use) are loaded while the caller goes on with its own start-up. The
     * first real transaction then finds a connection in the pool and warm code. Meant for start-up: a Lambda
     * function's init phase (the Lambda adapter's {@code LambdaResources.fromEnv()} calls it) or a service's
     * {@code main}. Returns at once.
     *
     * <p>The warm-up transaction is not reported to listeners, not counted by {@link #openTransactions()} and
     * not checked by {@link #settle()}; it has a 10 s deadline, which caps its statement's timeout and the wait
     * for a connection (and nothing is sent once the deadline passed). A
     * failure (the database unreachable, say) is logged at WARN and completes the returned future exceptionally;
     * it changes nothing else: the first transaction connects as it would have. Calls after the first return the
     * first call's outcome. The default implementation does nothing.
     *
     * @return completes when the warm-up transaction has committed, or exceptionally with why it failed
     */
    default CompletableFuture<Void> warmUp() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Whether the {@linkplain #warmUp() warm-up} is running right now, and may hold one connection of the pool:
     * for checks that count the pool's checked-out connections. Once it returns {@code false} after a warm-up,
     * the warm-up's connection is back in the pool.
     *
     * @return {@code true} while the warm-up runs
     */
    default boolean isWarmingUp() {
        return false;
    }

    /**
     * The options used by the methods that take none.
     *
     * @return the default options
     */
    TxOptions options();

    /**
     * The deadline of this {@code Tx}, if it has one.
     *
     * @return the deadline or {@code null}
     */
    Instant deadline();

    /**
     * How many transactions of this {@code Tx} and every {@code Tx} derived from it are running right now,
     * on any thread. Zero whenever the application is settled.
     *
     * @return the number of open transactions
     */
    int openTransactions();

    /**
     * What this {@code Tx} (with every {@code Tx} derived from it, and the one it was derived from) has done
     * since it was created: waits for a pooled connection and their time, pool timeouts, connections opened,
     * commits, rollbacks and retries by cause. Cumulative; the figures of one invocation are the difference of
     * a reading at its end and one at its start ({@link TxMetrics#since}). Costs no round trip and no lock. The
     * default implementation, for a {@code Tx} that counts nothing, returns {@link TxMetrics#NONE}.
     *
     * @return a reading of the counts now
     */
    default TxMetrics metrics() {
        return TxMetrics.NONE;
    }

    /**
     * Builds a {@link Tx}. Not thread-safe; build once at start-up.
     */
    final class Builder {
        private final DataSource dataSource;
        private final Database database;
        private TxOptions options = TxOptions.defaults();
        private TxListener listener = TxListener.noop();
        private Consumer<Jdbi> jdbiCustomizer = jdbi -> { };
        private Object openTelemetry;

        private Builder(DataSource dataSource, Database database) {
            this.dataSource = dataSource;
            this.database = database;
            this.openTelemetry = database == null ? null : database.openTelemetry();
        }

        /**
         * The default options for methods that take none.
         *
         * @param options the defaults
         * @return this builder
         */
        public Builder options(TxOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Who is told about begins, commits, rollbacks and retries, e.g. {@link TxListener#logging()}.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(TxListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Configures the underlying {@link Jdbi} once, at build time: register mappers, argument factories or
         * plugins. Records map by constructor and the PostgreSQL plugin is installed already.
         *
         * @param customizer applied to the Jdbi instance
         * @return this builder
         */
        public Builder configureJdbi(Consumer<Jdbi> customizer) {
            this.jdbiCustomizer = this.jdbiCustomizer.andThen(Objects.requireNonNull(customizer, "customizer"));
            return this;
        }

        /**
         * Where transaction and statement spans go, as {@link Database.Builder#openTelemetry(Object)} (whose value,
         * for a {@code Tx} over a {@link Database}, is the default here).
         *
         * @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or {@code null} for the global one
         * @return this builder
         * @throws IllegalArgumentException if it is not an {@code OpenTelemetry}, or the OpenTelemetry API is not
         *     on the class path
         */
        public Builder openTelemetry(Object openTelemetry) {
            if (openTelemetry != null) {
                Tracing.of(openTelemetry);
            }
            this.openTelemetry = openTelemetry;
            return this;
        }

        /**
         * Builds the {@code Tx}. Does not connect.
         *
         * @return the transaction runner
         */
        public Tx build() {
            Tracing tracing = Tracing.of(openTelemetry);
            if (database == null) {
                return TransactionRunner.create(dataSource, true, null, null, options, listener, jdbiCustomizer,
                        tracing);
            }
            return TransactionRunner.create(dataSource, true, database::evictIdleConnections,
                    database::evictConnection, options, listener, jdbiCustomizer, tracing);
        }
    }
}
