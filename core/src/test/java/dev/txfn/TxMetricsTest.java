package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Tx#metrics()} against real PostgreSQL and real faults: a second transaction holding the only pooled
 * connection, a pool that times out, a real serialization failure, a terminated backend.
 */
class TxMetricsTest {
    private static final long WAIT_SECONDS = 30;
    private static final Duration HOLD = Duration.ofMillis(300);

    private ExecutorService threads;

    @BeforeEach
    void setUp() {
        threads = Executors.newSingleThreadExecutor();
        TestDb.execute("drop table if exists metrics_counter; create table metrics_counter(id int primary key,"
                + " n int not null); insert into metrics_counter values (1, 0)");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void waitForTheOnlyConnectionIsCountedWithItsTime() throws Exception {
        try (Database db = TestDb.database(1, "txfn-metrics-wait")) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("select 1")); // opens the pool's one connection
            TxMetrics before = tx.metrics();

            Future<?> holder = holdTheOnlyConnection(tx, HOLD);
            tx.useTransaction(h -> h.execute("select 1"));
            holder.get(WAIT_SECONDS, TimeUnit.SECONDS);

            TxMetrics span = tx.metrics().since(before);
            assertThat(span.connectionWaits()).isEqualTo(2);
            // The holder took the idle connection at once; this transaction waited for it to come back.
            assertThat(span.connectionWaitTime()).isGreaterThanOrEqualTo(HOLD.dividedBy(2));
            assertThat(span.connectionTimeouts()).isZero();
            assertThat(span.connectionsOpened()).isZero();
            assertThat(span.committed()).isEqualTo(2);
        }
    }

    @Test
    void poolTimeoutIsCounted() throws Exception {
        try (Database db = Database.builder().jdbcUrl(TestDb.server().jdbcUrl()).maximumPoolSize(1)
                .connectionTimeout(Duration.ofSeconds(1)).applicationName("txfn-metrics-timeout")
                .transactionPooling(TestDb.server().behindTransactionPooler()).build()) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("select 1"));
            TxMetrics before = tx.metrics();

            Future<?> holder = holdTheOnlyConnection(tx, Duration.ofSeconds(3));
            assertThatThrownBy(() -> tx.useTransaction(h -> h.execute("select 1")))
                    .isInstanceOf(ConnectionUnavailableException.class);
            holder.get(WAIT_SECONDS, TimeUnit.SECONDS);

            TxMetrics span = tx.metrics().since(before);
            assertThat(span.connectionTimeouts()).isEqualTo(1);
            assertThat(span.connectionRejections()).isZero();
            assertThat(span.connectionWaits()).isEqualTo(2);
            // HikariCP measures its timeout on its own clock: a hair under the second on ours is possible.
            assertThat(span.connectionWaitTime()).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(span.committed()).isEqualTo(1);
        }
    }

    @Test
    void retryAfterARealSerializationFailureIsCountedByCause() {
        try (Database db = TestDb.database(1, "txfn-metrics-retry")) {
            Tx tx = Tx.create(db);
            TxMetrics before = tx.metrics();
            AtomicInteger calls = new AtomicInteger();

            tx.useTransaction(TxOptions.defaults().withIsolation(Isolation.REPEATABLE_READ), h -> {
                h.createQuery("select n from metrics_counter where id = 1").mapTo(Integer.class).one();
                if (calls.incrementAndGet() == 1) {
                    // Another session changes the row this snapshot has read: updating it now fails with 40001.
                    TestDb.execute("update metrics_counter set n = n + 100 where id = 1");
                }
                h.execute("update metrics_counter set n = n + 1 where id = 1");
            });

            TxMetrics span = tx.metrics().since(before);
            assertThat(calls).hasValue(2);
            assertThat(span.retries(RetryCause.SERIALIZATION_FAILURE)).isEqualTo(1);
            assertThat(span.totalRetries()).isEqualTo(1);
            assertThat(span.rolledBack()).isEqualTo(1);
            assertThat(span.committed()).isEqualTo(1);
            assertThat(TestDb.count("select n from metrics_counter where id = 1")).isEqualTo(101);
        }
    }

    @Test
    void newConnectionIsCountedAfterTheServerEndedTheOldOne() {
        TestDb.assumeOwnServerSession("terminates the pool's server session");
        try (Database db = TestDb.database(1, "txfn-metrics-terminated")) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("select 1"));
            assertThat(tx.metrics().connectionsOpened()).isEqualTo(1);
            TxMetrics before = tx.metrics();

            TestDb.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                    + " where application_name = 'txfn-metrics-terminated'");
            tx.useTransaction(h -> h.execute("select 1"));

            TxMetrics span = tx.metrics().since(before);
            assertThat(span.connectionsOpened()).isEqualTo(1);
            assertThat(span.retries(RetryCause.CONNECTION_LOST)).isEqualTo(1);
            assertThat(span.committed()).isEqualTo(1);
        }
    }

    @Test
    void callbackFailureCountsARollbackAndNoRetry() {
        try (Database db = TestDb.database(1, "txfn-metrics-rollback")) {
            Tx tx = Tx.create(db);
            TxMetrics before = tx.metrics();

            assertThatThrownBy(() -> tx.useTransaction(h -> {
                h.execute("update metrics_counter set n = n + 1 where id = 1");
                throw new IllegalStateException("the callback gave up");
            })).isInstanceOf(IllegalStateException.class);

            TxMetrics span = tx.metrics().since(before);
            assertThat(span.rolledBack()).isEqualTo(1);
            assertThat(span.committed()).isZero();
            assertThat(span.totalRetries()).isZero();
            assertThat(span.commitOutcomeUnknown()).isZero();
        }
    }

    @Test
    void derivedTxSharesTheCountsOfTheOneItCameFrom() {
        try (Database db = TestDb.database(1, "txfn-metrics-derived")) {
            Tx tx = Tx.create(db);
            Tx derived = tx.withDeadline(java.time.Instant.now().plusSeconds(60)).withListener(TxListener.noop());

            derived.useTransaction(h -> h.execute("select 1"));

            assertThat(tx.metrics().committed()).isEqualTo(1);
            assertThat(derived.metrics().committed()).isEqualTo(1);
        }
    }

    /** Takes the pool's only connection on another thread, in a transaction that lasts {@code hold}. */
    private Future<?> holdTheOnlyConnection(Tx tx, Duration hold) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        Future<?> holder = threads.submit(() -> {
            tx.useTransaction(h -> {
                h.execute("select 1");
                holding.countDown();
                Thread.sleep(hold.toMillis());
            });
            return null;
        });
        assertThat(holding.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        return holder;
    }
}
