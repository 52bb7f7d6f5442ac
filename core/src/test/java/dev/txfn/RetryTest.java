package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries against real PostgreSQL: real serialization failures and deadlocks between two pooled connections,
 * made deterministic with barriers that only the first attempt of each callback waits on.
 */
class RetryTest {
    /** Upper bound on every wait in these tests, so that a broken retry fails the test instead of hanging it. */
    private static final long WAIT_SECONDS = 30;
    private static final String APP = "txfn-retry-test";
    private static final TxOptions SERIALIZABLE = TxOptions.defaults()
            .withIsolation(Isolation.SERIALIZABLE)
            .withLockTimeout(Duration.ofSeconds(WAIT_SECONDS));
    private static final TxOptions LOCKING = TxOptions.defaults().withLockTimeout(Duration.ofSeconds(WAIT_SECONDS));
    private static final RetryPolicy NO_BACKOFF = RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO);

    private static Database db;
    private static Tx tx;

    private ExecutorService threads;

    @BeforeAll
    static void setUp() {
        db = TestDb.database(3, APP);
        tx = Tx.create(db);
        TestDb.execute("drop table if exists retry_counter, retry_audit, retry_key, retry_shift;"
                + "create table retry_counter(id int primary key, n int not null);"
                + "create table retry_audit(id bigserial primary key, who text not null, attempt int not null);"
                + "create table retry_key(id int primary key);"
                + "create table retry_shift(doctor text primary key, on_call boolean not null)");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @BeforeEach
    void reset() {
        TestDb.execute("truncate retry_counter, retry_audit, retry_key, retry_shift;"
                + "insert into retry_counter values (1, 0), (2, 0);"
                + "insert into retry_shift values ('alice', true), ('bob', true)");
        threads = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void settle() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(tx.openTransactions()).isZero();
        assertThat(db.activeConnections()).isZero();
        assertThat(TestDb.count("select count(*) from pg_stat_activity where application_name = '" + APP + "'"
                + " and state like 'idle in transaction%'")).isZero();
    }

    @Test
    void serializationFailureIsRetriedUntilBothCommit() throws Exception {
        CyclicBarrier bothRead = new CyclicBarrier(2);
        AtomicInteger aliceCalls = new AtomicInteger();
        AtomicInteger bobCalls = new AtomicInteger();

        Future<Integer> alice = threads.submit(() -> tx.inTransaction(SERIALIZABLE,
                readThenIncrement("alice", aliceCalls, bothRead)));
        Future<Integer> bob = threads.submit(() -> tx.inTransaction(SERIALIZABLE,
                readThenIncrement("bob", bobCalls, bothRead)));

        assertThat(List.of(value(alice), value(bob))).containsExactlyInAnyOrder(1, 2);
        assertThat(List.of(aliceCalls.get(), bobCalls.get())).containsExactlyInAnyOrder(1, 2);
        assertThat(TestDb.count("select n from retry_counter where id = 1")).isEqualTo(2);
        assertThat(TestDb.count("select count(*) from retry_audit")).isEqualTo(2);
        assertThat(TestDb.count("select count(distinct who) from retry_audit")).isEqualTo(2);
        assertThat(TestDb.count("select count(*) from retry_audit where attempt = 2")).isEqualTo(1);
    }

    @Test
    void serializationFailureAtCommitIsRetriedOnFreshState() throws Exception {
        CyclicBarrier bothRead = new CyclicBarrier(2);
        CyclicBarrier bothWrote = new CyclicBarrier(2);
        CountDownLatch aliceCommitted = new CountDownLatch(1);
        AtomicInteger aliceCalls = new AtomicInteger();
        AtomicInteger bobCalls = new AtomicInteger();

        Future<Boolean> alice = threads.submit(() -> {
            boolean wentOff = tx.inTransaction(SERIALIZABLE,
                    goOffCallIfCovered("alice", aliceCalls, bothRead, bothWrote, null));
            aliceCommitted.countDown();
            return wentOff;
        });
        Future<Boolean> bob = threads.submit(() -> tx.inTransaction(SERIALIZABLE,
                goOffCallIfCovered("bob", bobCalls, bothRead, bothWrote, aliceCommitted)));

        assertThat(value(alice)).isTrue();
        assertThat(value(bob)).isFalse();
        assertThat(aliceCalls).hasValue(1);
        assertThat(bobCalls).hasValue(2);
        assertThat(TestDb.count("select count(*) from retry_shift where on_call")).isEqualTo(1);
        assertThat(TestDb.count("select count(*) from retry_shift where on_call and doctor = 'bob'")).isEqualTo(1);
    }

    @Test
    void deadlockIsDetectedAndTheVictimRetried() throws Exception {
        CyclicBarrier bothLockedFirstRow = new CyclicBarrier(2);
        AtomicInteger aliceCalls = new AtomicInteger();
        AtomicInteger bobCalls = new AtomicInteger();
        List<String> retryStates = new CopyOnWriteArrayList<>();
        Tx observed = Tx.builder(db).listener(new TxListener() {
            @Override
            public void onRetry(TxEvent event, Duration backoff) {
                retryStates.add(event.sqlState());
            }
        }).build();

        Future<Integer> alice = threads.submit(() -> observed.inTransaction(LOCKING,
                lockInOrder("alice", 1, 2, aliceCalls, bothLockedFirstRow)));
        Future<Integer> bob = threads.submit(() -> observed.inTransaction(LOCKING,
                lockInOrder("bob", 2, 1, bobCalls, bothLockedFirstRow)));

        assertThat(List.of(value(alice), value(bob))).containsExactlyInAnyOrder(1, 2);
        assertThat(List.of(aliceCalls.get(), bobCalls.get())).containsExactlyInAnyOrder(1, 2);
        assertThat(retryStates).containsExactly("40P01");
        assertThat(TestDb.count("select count(*) from retry_counter where n = 2")).isEqualTo(2);
        assertThat(TestDb.count("select count(*) from retry_audit")).isEqualTo(2);
        assertThat(TestDb.count("select count(distinct who) from retry_audit")).isEqualTo(2);
    }

    @Test
    void serializationFailureSurfacesTypedWhenRetriesAreOff() throws Exception {
        TxOptions once = SERIALIZABLE.withRetryPolicy(RetryPolicy.none());
        CyclicBarrier bothRead = new CyclicBarrier(2);
        AtomicInteger aliceCalls = new AtomicInteger();
        AtomicInteger bobCalls = new AtomicInteger();

        Future<Integer> alice = threads.submit(() -> tx.inTransaction(once,
                readThenIncrement("alice", aliceCalls, bothRead)));
        Future<Integer> bob = threads.submit(() -> tx.inTransaction(once,
                readThenIncrement("bob", bobCalls, bothRead)));

        Outcome winner = Outcome.exactlyOneFails(alice, bob);
        assertThat(winner.failure()).isInstanceOf(SerializationFailureException.class);
        TxException failure = (TxException) winner.failure();
        assertThat(failure.sqlState()).isEqualTo("40001");
        assertThat(failure.isTransient()).isTrue();
        assertThat(aliceCalls).hasValue(1);
        assertThat(bobCalls).hasValue(1);
        assertThat(TestDb.count("select n from retry_counter where id = 1")).isEqualTo(1);
        assertThat(TestDb.count("select count(*) from retry_audit")).isEqualTo(1);
        assertThat(TestDb.count("select count(*) from retry_audit where who = '" + winner.committed() + "'"))
                .isEqualTo(1);
    }

    @Test
    void deadlockSurfacesTypedWhenRetriesAreOff() throws Exception {
        TxOptions once = LOCKING.withRetryPolicy(RetryPolicy.none());
        CyclicBarrier bothLockedFirstRow = new CyclicBarrier(2);
        AtomicInteger aliceCalls = new AtomicInteger();
        AtomicInteger bobCalls = new AtomicInteger();

        Future<Integer> alice = threads.submit(() -> tx.inTransaction(once,
                lockInOrder("alice", 1, 2, aliceCalls, bothLockedFirstRow)));
        Future<Integer> bob = threads.submit(() -> tx.inTransaction(once,
                lockInOrder("bob", 2, 1, bobCalls, bothLockedFirstRow)));

        Outcome winner = Outcome.exactlyOneFails(alice, bob);
        assertThat(winner.failure()).isInstanceOf(DeadlockException.class);
        TxException failure = (TxException) winner.failure();
        assertThat(failure.sqlState()).isEqualTo("40P01");
        assertThat(failure.isTransient()).isTrue();
        assertThat(aliceCalls).hasValue(1);
        assertThat(bobCalls).hasValue(1);
        assertThat(TestDb.count("select count(*) from retry_counter where n = 1")).isEqualTo(2);
        assertThat(TestDb.count("select count(*) from retry_audit")).isEqualTo(1);
        assertThat(TestDb.count("select count(*) from retry_audit where who = '" + winner.committed() + "'"))
                .isEqualTo(1);
    }

    @Test
    void retryBudgetIsBoundedByMaxAttempts() {
        AtomicInteger calls = new AtomicInteger();
        TxOptions fourAttempts = TxOptions.defaults().withRetryPolicy(NO_BACKOFF.withMaxAttempts(4));

        assertThatThrownBy(() -> tx.useTransaction(fourAttempts, h -> {
            calls.incrementAndGet();
            raiseSerializationFailure(h);
        })).isInstanceOf(SerializationFailureException.class)
                .satisfies(e -> assertThat(((TxException) e).sqlState()).isEqualTo("40001"));

        assertThat(calls).hasValue(4);
    }

    @Test
    void defaultPolicyRunsThreeAttempts() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> tx.useTransaction(h -> {
            calls.incrementAndGet();
            raiseSerializationFailure(h);
        })).isInstanceOf(SerializationFailureException.class);

        assertThat(calls).hasValue(RetryPolicy.defaults().maxAttempts()).hasValue(3);
    }

    @Test
    void userExceptionWrappingASerializationFailureIsRetriedAndThrownItself() {
        AtomicInteger calls = new AtomicInteger();
        TxOptions threeAttempts = TxOptions.defaults().withRetryPolicy(NO_BACKOFF.withMaxAttempts(3));

        assertThatThrownBy(() -> tx.useTransaction(threeAttempts, h -> {
            calls.incrementAndGet();
            try {
                raiseSerializationFailure(h);
            } catch (JdbiException e) {
                throw new IllegalStateException("mine", e);
            }
        })).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("mine")
                .hasCauseInstanceOf(JdbiException.class);

        assertThat(calls).hasValue(3);
    }

    @Test
    void userExceptionWrappingASerializationFailureCommitsOnRetry() {
        AtomicInteger calls = new AtomicInteger();

        int attempt = tx.inTransaction(TxOptions.defaults().withRetryPolicy(NO_BACKOFF), h -> {
            int n = calls.incrementAndGet();
            h.execute("insert into retry_audit(who, attempt) values ('wrapped', ?)", n);
            if (n == 1) {
                try {
                    raiseSerializationFailure(h);
                } catch (JdbiException e) {
                    throw new IllegalStateException("mine", e);
                }
            }
            return n;
        });

        assertThat(attempt).isEqualTo(2);
        assertThat(TestDb.count("select count(*) from retry_audit")).isEqualTo(1);
        assertThat(TestDb.count("select attempt from retry_audit")).isEqualTo(2);
    }

    @Test
    void swallowedSerializationFailureIsRetriedNotReportedCommitted() {
        AtomicInteger calls = new AtomicInteger();

        int attempt = tx.inTransaction(TxOptions.defaults().withRetryPolicy(NO_BACKOFF), h -> {
            int n = calls.incrementAndGet();
            h.execute("insert into retry_audit(who, attempt) values ('swallowed', ?)", n);
            if (n == 1) {
                try {
                    raiseSerializationFailure(h);
                } catch (JdbiException ignored) {
                    // the callback carries on; the server has aborted the transaction regardless
                }
            }
            return n;
        });

        assertThat(attempt).isEqualTo(2);
        assertThat(TestDb.count("select count(*) from retry_audit")).isEqualTo(1);
        assertThat(TestDb.count("select attempt from retry_audit")).isEqualTo(2);
    }

    /**
     * The backoff is drawn uniformly from zero to its bound ("full jitter"), so a bound of seconds still draws a
     * wait shorter than a short deadline now and then. A bound of a year makes a draw that fits before the
     * deadline practically impossible (about 3e-8), and the bounded {@link Future#get} keeps a runner that
     * would sleep anyway from hanging the build.
     */
    @Test
    void retryNeverWaitsPastTheDeadline() throws Exception {
        tx.useTransaction(h -> h.execute("select 1")); // warm the pool: the deadline is for the attempt itself
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy patient = RetryPolicy.defaults().withMaxAttempts(5)
                .withBackoff(Duration.ofDays(365), Duration.ofDays(365));
        Tx bounded = tx.withOptions(TxOptions.defaults().withRetryPolicy(patient))
                .withDeadline(Instant.now().plusSeconds(1));

        Future<Void> run = threads.submit(() -> {
            bounded.useTransaction(h -> {
                calls.incrementAndGet();
                raiseSerializationFailure(h);
            });
            return null;
        });

        assertThat(failure(run)).isInstanceOf(SerializationFailureException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void afterCommitHooksRunOnlyForTheCommittingAttempt() {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> hooksRan = new CopyOnWriteArrayList<>();

        tx.useTransaction(TxOptions.defaults().withRetryPolicy(NO_BACKOFF), h -> {
            int n = calls.incrementAndGet();
            h.afterCommit(() -> hooksRan.add(n));
            h.execute("insert into retry_audit(who, attempt) values ('hooked', ?)", n);
            if (n == 1) {
                raiseSerializationFailure(h);
            }
        });

        assertThat(calls).hasValue(2);
        assertThat(hooksRan).containsExactly(2);
    }

    /**
     * Regression: Jdbi runs afterCommit hooks inside {@code Handle.commit()}, after the COMMIT. A hook that
     * throws must not make the committed attempt look rolled back, let alone re-run it.
     */
    @Test
    void afterCommitHookFailureNeverReRunsTheCommittedCallback() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Tx observed = Tx.builder(db).listener(new TxListener() {
            @Override
            public void onCommit(TxEvent event) {
                seen.add("commit " + event.attempt());
            }

            @Override
            public void onRollback(TxEvent event) {
                seen.add("rollback " + event.attempt());
            }
        }).build();
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException hookFailure =
                new IllegalStateException("hook", new SQLException("downstream conflict", "40001"));

        assertThatThrownBy(() -> observed.useTransaction(TxOptions.defaults().withRetryPolicy(NO_BACKOFF), h -> {
            calls.incrementAndGet();
            h.execute("insert into retry_audit(who, attempt) values ('hook', 1)");
            h.afterCommit(() -> {
                throw hookFailure;
            });
        })).isSameAs(hookFailure);

        assertThat(TestDb.count("select count(*) from retry_audit")).isEqualTo(1);
        assertThat(calls).hasValue(1);
        assertThat(seen).containsExactly("commit 1");
    }

    @Test
    void listenerSeesEachAttemptAndTheRetryInOrder() {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<TxEvent> commits = new CopyOnWriteArrayList<>();
        Tx observed = Tx.builder(db).listener(new TxListener() {
            @Override
            public void onBegin(TxEvent event) {
                seen.add("begin " + event.attempt());
            }

            @Override
            public void onCommit(TxEvent event) {
                seen.add("commit " + event.attempt());
                commits.add(event);
            }

            @Override
            public void onRollback(TxEvent event) {
                seen.add("rollback " + event.attempt() + " " + event.sqlState());
            }

            @Override
            public void onRetry(TxEvent event, Duration backoff) {
                seen.add("retry " + event.attempt() + " " + event.sqlState());
            }
        }).build();
        AtomicInteger calls = new AtomicInteger();

        observed.useTransaction(h -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                raiseSerializationFailure(h);
            }
            h.execute("insert into retry_audit(who, attempt) values ('listened', ?)", n);
        });

        assertThat(seen).containsExactly("begin 1", "rollback 1 40001", "retry 1 40001", "begin 2", "commit 2");
        assertThat(commits).singleElement().satisfies(e -> {
            assertThat(e.statements()).isPositive();
            assertThat(e.sqlState()).isNull();
            assertThat(e.failure()).isNull();
        });
    }

    @Test
    void uniqueViolationIsNotRetried() {
        tx.useTransaction(h -> h.execute("insert into retry_key values (1)"));
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> tx.useTransaction(TxOptions.defaults().withRetryPolicy(NO_BACKOFF), h -> {
            calls.incrementAndGet();
            h.execute("insert into retry_key values (1)");
        })).isInstanceOf(UniqueViolationException.class)
                .satisfies(e -> assertThat(((TxException) e).isTransient()).isFalse());

        assertThat(calls).hasValue(1);
    }

    @Test
    void userExceptionWithoutADatabaseCauseIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> tx.useTransaction(TxOptions.defaults().withRetryPolicy(NO_BACKOFF), h -> {
            calls.incrementAndGet();
            throw new IllegalStateException("not transient");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(calls).hasValue(1);
    }

    // ---- transaction programs ----

    /**
     * Reads the counter, records an audit row, waits (first attempt only) until the other thread has read too,
     * then writes what it read plus one: the second writer fails with 40001 however the two interleave.
     */
    private static HandleCallback<Integer, RuntimeException> readThenIncrement(String who, AtomicInteger calls,
            CyclicBarrier bothRead) {
        return h -> {
            int attempt = calls.incrementAndGet();
            int seen = h.createQuery("select n from retry_counter where id = 1").mapTo(Integer.class).one();
            h.execute("insert into retry_audit(who, attempt) values (?, ?)", who, attempt);
            if (attempt == 1) {
                await(bothRead);
            }
            h.execute("update retry_counter set n = ? where id = 1", seen + 1);
            return attempt;
        };
    }

    /**
     * Locks row {@code first}, waits (first attempt only) until the other thread holds its first row, then
     * locks {@code second}: with opposite orders that is a deadlock.
     */
    private static HandleCallback<Integer, RuntimeException> lockInOrder(String who, int first, int second,
            AtomicInteger calls, CyclicBarrier bothLockedFirstRow) {
        return h -> {
            int attempt = calls.incrementAndGet();
            h.execute("update retry_counter set n = n + 1 where id = ?", first);
            if (attempt == 1) {
                await(bothLockedFirstRow);
            }
            h.execute("update retry_counter set n = n + 1 where id = ?", second);
            h.execute("insert into retry_audit(who, attempt) values (?, ?)", who, attempt);
            return attempt;
        };
    }

    /**
     * Write skew: each doctor goes off call if the other one still is. Both read, both write, then the first
     * commits; the second is the pivot and fails at COMMIT. {@code waitFor}, when given, is awaited before
     * returning on the first attempt.
     */
    private static HandleCallback<Boolean, RuntimeException> goOffCallIfCovered(String doctor, AtomicInteger calls,
            CyclicBarrier bothRead, CyclicBarrier bothWrote, CountDownLatch waitFor) {
        return h -> {
            int attempt = calls.incrementAndGet();
            long onCall = h.createQuery("select count(*) from retry_shift where on_call").mapTo(Long.class).one();
            if (attempt == 1) {
                await(bothRead);
            }
            boolean goOff = onCall >= 2;
            if (goOff) {
                h.execute("update retry_shift set on_call = false where doctor = ?", doctor);
            }
            if (attempt == 1) {
                await(bothWrote);
                if (waitFor != null) {
                    await(waitFor);
                }
            }
            return goOff;
        };
    }

    private static void raiseSerializationFailure(Handle h) {
        h.execute("do $$ begin raise exception 'induced' using errcode = 'serialization_failure'; end $$");
    }

    // ---- bounded waiting ----

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the barrier", e);
        } catch (Exception e) {
            throw new IllegalStateException("the other transaction never reached the barrier", e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other transaction never committed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the latch", e);
        }
    }

    /** The value the task returned; a failure or a hang fails the test. */
    private static <T> T value(Future<T> task) throws InterruptedException, TimeoutException {
        try {
            return task.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("transaction failed", e.getCause());
        }
    }

    /** The exception the task threw; a return or a hang fails the test. */
    private static Throwable failure(Future<?> task) throws InterruptedException, TimeoutException {
        try {
            Object value = task.get(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Of two contending transactions, who committed and what the other one threw. */
    private record Outcome(String committed, Throwable failure) {
        static Outcome exactlyOneFails(Future<?> alice, Future<?> bob)
                throws InterruptedException, TimeoutException {
            Throwable a = failureOrNull(alice);
            Throwable b = failureOrNull(bob);
            assertThat(a == null ^ b == null)
                    .as("exactly one transaction fails; alice threw %s, bob threw %s", a, b)
                    .isTrue();
            return a == null ? new Outcome("alice", b) : new Outcome("bob", a);
        }

        private static Throwable failureOrNull(Future<?> task) throws InterruptedException, TimeoutException {
            try {
                task.get(WAIT_SECONDS, TimeUnit.SECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }
}
