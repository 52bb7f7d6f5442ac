package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txfn.testing.RoundTripCounter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A connection that died while idle in the pool (Lambda freeze, proxy idle cut, pg_terminate_backend) must not
 * fail the next transaction, and finding that out must not cost a validation round trip on every borrow.
 */
class StaleConnectionTest {

    @Test
    void transactionAfterTheIdleConnectionWasTerminatedSucceeds() throws Exception {
        TestDb.assumeOwnServerSession("pg_terminate_backend ends a pooler's server connection, not the client's, so"
                + " no stale connection to find");
        String app = "txfn-stale-test";
        List<TxEvent> retries = new CopyOnWriteArrayList<>();
        try (Database db = TestDb.database(1, app)) {
            Tx tx = Tx.builder(db).listener(new TxListener() {
                @Override
                public void onRetry(TxEvent event, Duration backoff) {
                    retries.add(event);
                }
            }).build();
            int before = tx.inTransaction(h -> h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one());

            assertThat(TestDb.server().terminateBackends(app)).isEqualTo(1);
            AtomicInteger runs = new AtomicInteger();
            int after = tx.inTransaction(h -> {
                runs.incrementAndGet();
                return h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one();
            });

            assertThat(after).isNotEqualTo(before);
            assertThat(runs).hasValue(2);
            assertThat(retries).hasSize(1);
            assertThat(retries.get(0).failure()).isInstanceOf(ConnectionLostException.class);
            assertThat(db.activeConnections()).isZero();
        }
    }

    @Test
    void writeAfterTheIdleConnectionWasTerminatedHappensOnce() throws Exception {
        String app = "txfn-stale-write-test";
        TestDb.execute("drop table if exists stale_write; create table stale_write(id serial primary key)");
        try (Database db = TestDb.database(1, app)) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("select 1"));
            TestDb.server().terminateBackends(app);

            tx.useTransaction(h -> h.execute("insert into stale_write default values"));

            assertThat(TestDb.count("select count(*) from stale_write")).isEqualTo(1);
        }
    }

    @Test
    void borrowingAnIdleConnectionSendsNoValidationQuery() throws InterruptedException {
        try (RoundTripCounter proxy = TestDb.proxy();
                Database db = TestDb.through(proxy, 1, "txfn-stale-validation-test")) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("select 1"));
            Thread.sleep(700);

            proxy.reset();
            tx.useTransaction(h -> h.execute("select 1"));

            assertThat(proxy.roundTrips()).isEqualTo(2);
        }
    }

    @Test
    void connectionLostBeforeAnyStatementIsReportedOnceRerunsAreExhausted() {
        RoundTripCounter proxy = TestDb.proxy();
        try (Database db = TestDb.throughBuilder(proxy, 1, "txfn-stale-exhausted-test")
                .connectionTimeout(Duration.ofMillis(500)).build()) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("select 1"));
            proxy.close(); // the server is now unreachable: every re-run fails too

            assertThatThrownBy(() -> tx.useTransaction(h -> h.execute("select 1")))
                    .isInstanceOfAny(ConnectionLostException.class, ConnectionUnavailableException.class);
            assertThat(db.activeConnections()).isZero();
        }
    }
}
