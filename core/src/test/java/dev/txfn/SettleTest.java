package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/** Tx.settle(): a healthy application is settled for free; a leak is named, repaired and reported. */
class SettleTest {

    @Test
    void settledAfterCommitsAndRollbacks() {
        try (Database db = TestDb.database(1, "txfn-settle-ok")) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("select 1"));
            try {
                tx.useTransaction(h -> {
                    throw new IllegalStateException("x");
                });
            } catch (IllegalStateException expected) {
                // rolled back
            }

            SettleReport report = tx.settle();

            assertThat(report.isSettled()).isTrue();
            assertThat(report.describe()).isEmpty();
        }
    }

    @Test
    void connectionTakenOutsideATransactionIsNamedAbortedAndEvicted() {
        String app = "txfn-settle-bypass";
        try (Database db = TestDb.database(2, app)) {
            Tx tx = Tx.create(db);
            Handle[] leaked = new Handle[1];
            tx.useTransaction(h -> {
                leaked[0] = h.getJdbi().open(); // bypasses Tx: a connection nobody will return
                leaked[0].begin();
                leaked[0].execute("select 1");
            });
            assertThat(db.activeConnections()).isEqualTo(1);
            assertThat(TestDb.count("select count(*) from pg_stat_activity where application_name = '" + app
                    + "' and state = 'idle in transaction'")).isEqualTo(1);

            SettleReport report = tx.settle();

            assertThat(report.isSettled()).isFalse();
            assertThat(report.leaks()).singleElement().satisfies(leak -> {
                assertThat(leak.insideTransaction()).isFalse();
                assertThat(leak.toString()).contains("SettleTest");
            });
            assertThat(report.describe()).contains("outside any transaction");
            awaitNoSession(app, "idle in transaction");
            assertThat(tx.settle().isSettled()).isTrue();
            int one = tx.inTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());
            assertThat(one).isEqualTo(1);
        }
    }

    @Test
    void transactionStillRunningOnAnotherThreadIsReportedAndItsConnectionAborted() throws Exception {
        String app = "txfn-settle-thread";
        try (Database db = TestDb.database(2, app)) {
            Tx tx = Tx.create(db);
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Throwable[] outcome = new Throwable[1];
            Thread straggler = new Thread(() -> {
                try {
                    tx.useTransaction(h -> {
                        h.execute("select 1");
                        inside.countDown();
                        release.await(10, TimeUnit.SECONDS);
                        h.execute("select 2");
                    });
                } catch (Throwable t) {
                    outcome[0] = t;
                }
            }, "straggler");
            straggler.start();
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            SettleReport report = tx.settle();

            assertThat(report.openTransactions()).isEqualTo(1);
            assertThat(report.leaks()).singleElement().satisfies(leak -> {
                assertThat(leak.thread()).isEqualTo("straggler");
                assertThat(leak.insideTransaction()).isTrue();
            });
            release.countDown();
            straggler.join(10_000);
            assertThat(outcome[0]).isInstanceOf(TxException.class);
            assertThat(tx.settle().isSettled()).isTrue();
            assertThat(db.activeConnections()).isZero();
        }
    }

    private static void awaitNoSession(String app, String state) {
        for (int i = 0; i < 100; i++) {
            if (TestDb.count("select count(*) from pg_stat_activity where application_name = '" + app
                    + "' and state = '" + state + "'") == 0) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("a session of " + app + " is still " + state);
    }
}
