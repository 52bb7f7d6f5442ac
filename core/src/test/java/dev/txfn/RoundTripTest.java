package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txfn.testing.RoundTripCounter;
import java.io.IOException;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Round trips per transaction, counted by a TCP proxy: k statements cost k + 1 whatever the options, and the
 * options are really in force. Counts are deterministic; these are exact assertions, not timings.
 */
class RoundTripTest {
    private static RoundTripCounter proxy;
    private static Database db;
    private static Tx tx;

    private static final TxOptions ALL_OPTIONS = TxOptions.defaults()
            .withIsolation(Isolation.SERIALIZABLE)
            .withStatementTimeout(Duration.ofSeconds(2))
            .withLockTimeout(Duration.ofMillis(1500))
            .withIdleInTransactionTimeout(Duration.ofSeconds(5))
            .withSetting("app.tenant_id", "tenant-'42'\\");

    @BeforeAll
    static void setUp() {
        proxy = TestDb.proxy();
        db = TestDb.through(proxy, 1, "txfn-roundtrip-test");
        tx = Tx.create(db);
        tx.inTransaction(RoundTripTest::selectOne); // opens the pooled connection
        TestDb.execute("drop table if exists round_trip_row; create table round_trip_row(id serial primary key,"
                + " name text)");
    }

    @AfterAll
    static void tearDown() {
        db.close();
        proxy.close();
    }

    @BeforeEach
    void reset() {
        proxy.reset();
    }

    private static int selectOne(Handle h) {
        return h.createQuery("select 1").mapTo(Integer.class).one();
    }

    private static long measure(Runnable work) {
        proxy.reset();
        work.run();
        return proxy.roundTrips();
    }

    @Test
    void oneSelectBackToBackCostsTwo() {
        assertThat(measure(() -> tx.inTransaction(RoundTripTest::selectOne))).isEqualTo(2);
        assertThat(measure(() -> tx.inTransaction(RoundTripTest::selectOne))).isEqualTo(2);
    }

    @Test
    void oneSelectAfterTheConnectionIdledCostsTwo() throws InterruptedException {
        Thread.sleep(600); // Hikari would validate a connection idle > 500 ms with an extra round trip
        assertThat(measure(() -> tx.inTransaction(RoundTripTest::selectOne))).isEqualTo(2);
    }

    @Test
    void serializableCostsTwo() {
        TxOptions o = TxOptions.defaults().withIsolation(Isolation.SERIALIZABLE);
        assertThat(measure(() -> tx.inTransaction(o, RoundTripTest::selectOne))).isEqualTo(2);
    }

    @Test
    void explicitReadCommittedCostsTwo() {
        TxOptions o = TxOptions.defaults().withIsolation(Isolation.READ_COMMITTED);
        assertThat(measure(() -> tx.inTransaction(o, RoundTripTest::selectOne))).isEqualTo(2);
    }

    @Test
    void statementTimeoutCostsTwo() {
        TxOptions o = TxOptions.defaults().withStatementTimeout(Duration.ofSeconds(3));
        assertThat(measure(() -> tx.inTransaction(o, RoundTripTest::selectOne))).isEqualTo(2);
    }

    @Test
    void readOnlyCostsTwo() {
        assertThat(measure(() -> tx.readOnly(RoundTripTest::selectOne))).isEqualTo(2);
    }

    @Test
    void everyOptionTogetherCostsTwoForOneStatement() {
        assertThat(measure(() -> tx.inTransaction(ALL_OPTIONS, RoundTripTest::selectOne))).isEqualTo(2);
    }

    @Test
    void twoStatementsWithEveryOptionCostThree() {
        assertThat(measure(() -> tx.inTransaction(ALL_OPTIONS, h -> selectOne(h) + selectOne(h)))).isEqualTo(3);
    }

    @Test
    void deadlineCostsNoExtraRoundTrip() {
        Tx bounded = tx.withDeadline(Instant.now().plusSeconds(30));
        assertThat(measure(() -> bounded.inTransaction(h -> selectOne(h) + selectOne(h)))).isEqualTo(3);
    }

    /*
     * The forms that cannot carry the options in their own flight: pgjdbc takes the first result of a
     * multi-statement execution as the generated keys, a batch would repeat the prefix for every row, a call
     * and pgjdbc's own APIs (copy, large objects, metadata) are not statements txfn makes. With options or a
     * deadline they cost one round trip more as a transaction's first statement, and nothing more after it.
     */

    private static long insertReturningKey(Handle h) {
        return h.createUpdate("insert into round_trip_row(name) values ('k')").executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class).one();
    }

    private static int[] twoRowBatch(Handle h) {
        PreparedBatch batch = h.prepareBatch("insert into round_trip_row(name) values (:name)");
        batch.bind("name", "b1").add();
        batch.bind("name", "b2").add();
        return batch.execute();
    }

    private static long copyOutOneRow(Handle h) {
        try {
            return h.getConnection().unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (select 1) TO STDOUT", new StringWriter());
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void generatedKeysFirstCostsTwoWithoutOptions() {
        assertThat(measure(() -> tx.inTransaction(RoundTripTest::insertReturningKey))).isEqualTo(2);
    }

    @Test
    void generatedKeysFirstCostsOneMoreWithOptionsOrADeadline() {
        assertThat(measure(() -> tx.inTransaction(ALL_OPTIONS, RoundTripTest::insertReturningKey))).isEqualTo(3);
        Tx bounded = tx.withDeadline(Instant.now().plusSeconds(30));
        assertThat(measure(() -> bounded.inTransaction(RoundTripTest::insertReturningKey))).isEqualTo(3);
    }

    @Test
    void generatedKeysAfterTheFirstStatementCostNothingMore() {
        assertThat(measure(() -> tx.inTransaction(ALL_OPTIONS, h -> selectOne(h) + insertReturningKey(h))))
                .isEqualTo(3);
    }

    @Test
    void batchFirstCostsTwoWithoutOptions() {
        assertThat(measure(() -> tx.inTransaction(RoundTripTest::twoRowBatch))).isEqualTo(2);
    }

    @Test
    void batchFirstCostsOneMoreWithOptionsOrADeadline() {
        assertThat(measure(() -> tx.inTransaction(ALL_OPTIONS, RoundTripTest::twoRowBatch))).isEqualTo(3);
        Tx bounded = tx.withDeadline(Instant.now().plusSeconds(30));
        assertThat(measure(() -> bounded.inTransaction(RoundTripTest::twoRowBatch))).isEqualTo(3);
    }

    @Test
    void callFirstCostsOneMoreWithOptions() {
        assertThat(measure(() -> tx.inTransaction(ALL_OPTIONS, h -> h.createCall("{ call pg_sleep(0) }")
                .invoke()))).isEqualTo(3);
    }

    @Test
    void copyFirstCostsOneMoreWithOptions() {
        assertThat(measure(() -> tx.inTransaction(ALL_OPTIONS, RoundTripTest::copyOutOneRow))).isEqualTo(3);
    }

    @Test
    void aNewConnectionAsksTheServerNothingBeyondItsHandshake() throws SQLException {
        try (RoundTripCounter fresh = TestDb.proxy();
                Database pool = TestDb.through(fresh, 1, "txfn-roundtrip-new-connection-test")) {
            // HikariCP asks the pool's first connection a few things once (isValid, the default isolation).
            Tx newTx = Tx.create(pool);
            newTx.inTransaction(RoundTripTest::selectOne);
            pool.evictIdleConnections();
            awaitQuiet(fresh); // HikariCP closes the evicted connection on a thread of its own: its Terminate
            // The baseline: the same driver and URL opening a connection (counted before it sends anything else).
            Properties credentials = new Properties();
            credentials.setProperty("user", pool.user());
            if (!TestDb.server().password().isEmpty()) {
                credentials.setProperty("password", TestDb.server().password());
            }
            fresh.reset();
            Connection raw = DriverManager.getConnection(pool.jdbcUrl(), credentials);
            long handshake = fresh.roundTrips();
            raw.close();
            awaitQuiet(fresh); // the proxy counts the Terminate that close sent when it reads it

            fresh.reset();
            newTx.inTransaction(RoundTripTest::selectOne);

            // Jdbi's own PostgreSQL plugin adds a pg_proc query for its large-object API to every new connection.
            assertThat(fresh.roundTrips()).isEqualTo(handshake + 2);
        }
    }

    /** Waits until nothing has crossed the proxy for 200 ms (at most 5 s). */
    private static void awaitQuiet(RoundTripCounter counter) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = counter.roundTrips();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > 200_000_000L) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void emptyCallbackCostsNothing() {
        assertThat(measure(() -> tx.inTransaction(h -> 1))).isZero();
        assertThat(measure(() -> tx.inTransaction(ALL_OPTIONS, h -> 1))).isZero();
    }

    @Test
    void optionsAreInForceInsideTheTransaction() {
        Map<String, Object> seen = tx.inTransaction(ALL_OPTIONS, h -> h.createQuery(
                "select current_setting('transaction_isolation') as iso,"
                        + " current_setting('statement_timeout') as st,"
                        + " current_setting('lock_timeout') as lt,"
                        + " current_setting('idle_in_transaction_session_timeout') as it,"
                        + " current_setting('app.tenant_id') as tenant,"
                        + " current_setting('transaction_read_only') as ro")
                .mapToMap().one());

        assertThat(seen).containsEntry("iso", "serializable")
                .containsEntry("st", "2s")
                .containsEntry("lt", "1500ms")
                .containsEntry("it", "5s")
                .containsEntry("tenant", "tenant-'42'\\")
                .containsEntry("ro", "off");
        String readOnly = tx.readOnly(h -> h.createQuery("select current_setting('transaction_read_only')")
                .mapTo(String.class).one());
        assertThat(readOnly).isEqualTo("on");
    }

    @Test
    void nothingSurvivesIntoTheNextTransactionOnTheSameConnection() {
        int pid = tx.inTransaction(ALL_OPTIONS, h -> h.createQuery("select pg_backend_pid()").mapTo(Integer.class)
                .one());

        List<Object> after = tx.inTransaction(h -> List.copyOf(h.createQuery(
                "select pg_backend_pid() as pid, current_setting('transaction_isolation') as iso,"
                        + " current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt,"
                        + " current_setting('idle_in_transaction_session_timeout') as it,"
                        + " coalesce(current_setting('app.tenant_id', true), '') as tenant")
                .mapToMap().one().values()));

        assertThat(after).containsExactly(pid, "read committed", "0", "0", "0", "");
    }
}
