package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txfn.testing.RoundTripCounter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code TxFn.query} under {@code readOnly}: the whole transaction in one round trip, options in force. */
class OneQueryTest {
    private static RoundTripCounter proxy;
    private static Database db;
    private static Tx tx;

    record Options(String isolation, String readOnly, String timeout, String lockTimeout, String tenant) {
    }

    private static final String SHOW_OPTIONS = "select current_setting('transaction_isolation') as isolation,"
            + " current_setting('transaction_read_only') as read_only,"
            + " current_setting('statement_timeout') as timeout, current_setting('lock_timeout') as lock_timeout,"
            + " current_setting('app.tenant_id', true) as tenant";

    @BeforeAll
    static void setUp() {
        proxy = TestDb.proxy();
        db = TestDb.through(proxy, 1, "txfn-one-query-test");
        tx = Tx.create(db);
        tx.readOnly(h -> h.createQuery("select 1").mapTo(Integer.class).one()); // opens the pooled connection
        TestDb.execute("drop table if exists one_query_thing;"
                + "create table one_query_thing(id bigint primary key, name text not null);"
                + "insert into one_query_thing values (1, 'one'), (2, 'two')");
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

    private static TxFn<String> name(long id) {
        return TxFn.query("select name from one_query_thing where id = :id",
                q -> q.bind("id", id).mapTo(String.class).one());
    }

    @Test
    void aReadOnlyQueryCostsOneRoundTrip() {
        assertThat(tx.readOnly(name(2))).isEqualTo("two");
        assertThat(proxy.roundTrips()).isEqualTo(1);
        assertThat(db.activeConnections()).isZero();
    }

    @Test
    void everyOptionRidesInTheSameFlightAndIsInForce() {
        TxOptions all = TxOptions.defaults().withIsolation(Isolation.SERIALIZABLE).withReadOnly(true)
                .withStatementTimeout(Duration.ofSeconds(2)).withLockTimeout(Duration.ofMillis(1500))
                .withSetting("app.tenant_id", "tenant-'42'");

        Options seen = tx.inTransaction(all, TxFn.query(SHOW_OPTIONS, q -> q.mapTo(Options.class).one()));

        assertThat(proxy.roundTrips()).isEqualTo(1);
        assertThat(seen).isEqualTo(new Options("serializable", "on", "2s", "1500ms", "tenant-'42'"));
        // All of it was transaction-local: the session is back to its defaults.
        Options after = tx.readOnly(h -> h.createQuery(SHOW_OPTIONS).mapTo(Options.class).one());
        assertThat(after.isolation()).isEqualTo("read committed");
        assertThat(after.timeout()).isEqualTo("0");
        assertThat(after.tenant()).isNullOrEmpty();
    }

    @Test
    void mapKeepsItOneFlight() {
        TxFn<Integer> length = name(1).map(String::length);

        assertThat(tx.readOnly(length)).isEqualTo(3);
        assertThat(proxy.roundTrips()).isEqualTo(1);
    }

    @Test
    void underADeadlineTheTimeoutRidesAlong() {
        String timeout = tx.withDeadline(java.time.Instant.now().plusSeconds(30)).readOnly(TxFn.query(
                "select current_setting('statement_timeout')", q -> q.mapTo(String.class).one()));

        assertThat(proxy.roundTrips()).isEqualTo(1);
        assertThat(timeout).isNotEqualTo("0");
    }

    @Test
    void inTransactionRunsItAsAnOrdinaryTransaction() {
        assertThat(tx.inTransaction(name(1))).isEqualTo("one");
        assertThat(proxy.roundTrips()).isEqualTo(2);
    }

    @Test
    void aWriteFailsAsInAnyReadOnlyTransaction() {
        assertThatThrownBy(() -> tx.readOnly(TxFn.query("insert into one_query_thing values (3, 'three')"
                + " returning id", q -> q.mapTo(Long.class).one())))
                .isInstanceOf(DatabaseException.class)
                .satisfies(e -> assertThat(((DatabaseException) e).sqlState()).isEqualTo("25006"));
        assertThat(TestDb.count("select count(*) from one_query_thing")).isEqualTo(2);
        assertSessionIdleAndUsable();
    }

    @Test
    void aFailingQueryIsRolledBackAndTheConnectionStaysUsable() {
        assertThatThrownBy(() -> tx.readOnly(TxFn.query("select 1 / 0", q -> q.mapTo(Integer.class).one())))
                .isInstanceOf(DatabaseException.class)
                .satisfies(e -> assertThat(((DatabaseException) e).sqlState()).isEqualTo("22012"));
        assertThat(proxy.roundTrips()).isEqualTo(2); // the flight, then the ROLLBACK the server is waiting for
        assertSessionIdleAndUsable();
    }

    @Test
    void aFailureTheCallbackSwallowsIsStillAFailure() {
        assertThatThrownBy(() -> tx.readOnly(TxFn.query("select 1 / 0", q -> {
            try {
                return q.mapTo(Integer.class).one();
            } catch (RuntimeException swallowed) {
                return -1;
            }
        }))).isInstanceOf(DatabaseException.class);
        assertSessionIdleAndUsable();
    }

    @Test
    void aProgramThatNeverRunsItsQuerySendsNothing() {
        int value = tx.readOnly(TxFn.query("select 1", q -> 7));

        assertThat(value).isEqualTo(7);
        assertThat(proxy.roundTrips()).isZero();
        assertSessionIdleAndUsable();
    }

    @Test
    void aMappingFailureAfterTheFlightLeavesNothingOpenAndIsReportedAsCommitted() {
        EventNames events = new EventNames();
        Tx listened = tx.withListener(events);

        assertThatThrownBy(() -> listened.readOnly(TxFn.query("select name from one_query_thing where id < 0",
                q -> q.mapTo(String.class).one()))).isInstanceOf(IllegalStateException.class);

        assertThat(proxy.roundTrips()).isEqualTo(1); // committed in the flight; no ROLLBACK needed
        // What happened on the server: the failure came after the COMMIT.
        assertThat(events.names()).containsExactly("begin", "commit");
        assertSessionIdleAndUsable();
    }

    @Test
    void aSecondStatementCannotJoinTheCommittedTransaction() {
        assertThatThrownBy(() -> tx.readOnly(TxFn.query("select 1", q -> {
            q.mapTo(Integer.class).one();
            return q.getHandle().createQuery("select 2").mapTo(Integer.class).one();
        }))).isInstanceOf(IllegalStateException.class).hasMessageContaining("one query");
        assertSessionIdleAndUsable();
    }

    @Test
    void aResultBoundToTheHandleIsRefused() {
        assertThatThrownBy(() -> tx.readOnly(TxFn.query("select name from one_query_thing",
                q -> q.mapTo(String.class).iterator()))).isInstanceOf(EscapedResultException.class);
        assertSessionIdleAndUsable();
    }

    @Test
    void aTrailingSemicolonIsFine() {
        List<String> names = tx.readOnly(TxFn.query("select name from one_query_thing order by id;  ",
                q -> q.mapTo(String.class).list()));

        assertThat(names).isEqualTo(List.of("one", "two"));
        assertThat(proxy.roundTrips()).isEqualTo(1);
    }

    @Test
    void aTrailingLineCommentDoesNotSwallowTheCommit() {
        String name = tx.readOnly(TxFn.query("select name from one_query_thing where id = 1 -- the first one",
                q -> q.mapTo(String.class).one()));

        assertThat(name).isEqualTo("one");
        assertThat(proxy.roundTrips()).isEqualTo(1);
        assertSessionIdleAndUsable();
    }

    private static void assertSessionIdleAndUsable() {
        assertThat(db.activeConnections()).isZero();
        assertThat(tx.settle().isSettled()).isTrue();
        // Before anything else runs on the pool's only connection, which would end a transaction left open.
        assertThat(TestDb.count("select count(*) from pg_stat_activity where application_name ="
                + " 'txfn-one-query-test' and state <> 'idle'")).isZero();
        assertThat(tx.readOnly(name(1))).isEqualTo("one");
    }
}
