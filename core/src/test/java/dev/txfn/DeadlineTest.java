package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.txfn.testing.RoundTripCounter;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    private static Database db;
    private static Tx tx;

    @BeforeAll
    static void setUp() {
        db = TestDb.database(1, "txfn-deadline-test");
        tx = Tx.create(db);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void serverCancelsAStatementThatWouldOutrunTheDeadline() {
        Instant deadline = Instant.now().plusMillis(300);

        assertThatThrownBy(() -> tx.withDeadline(deadline).useTransaction(h -> h.execute("select pg_sleep(30)")))
                .isInstanceOfSatisfying(DeadlineExceededException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("57014");
                    assertThat(e.deadline()).isEqualTo(deadline);
                });
        assertThat(db.activeConnections()).isZero();
    }

    @Test
    void deadlineCapsALongerStatementTimeout() {
        TxOptions o = TxOptions.defaults().withStatementTimeout(Duration.ofSeconds(60));
        Tx bounded = tx.withDeadline(Instant.now().plusSeconds(10));

        String timeout = bounded.inTransaction(o, h -> h.createQuery("select current_setting('statement_timeout')")
                .mapTo(String.class).one());

        assertThat(millis(timeout)).isBetween(1L, 10_000L);
    }

    @Test
    void laterStatementsAreRecappedToTheTimeLeft() {
        Tx bounded = tx.withDeadline(Instant.now().plusSeconds(5));

        long[] timeouts = bounded.inTransaction(h -> {
            long first = millis(h.createQuery("select current_setting('statement_timeout')").mapTo(String.class).one());
            h.execute("select pg_sleep(0.5)");
            long second = millis(h.createQuery("select current_setting('statement_timeout')").mapTo(String.class)
                    .one());
            return new long[] {first, second};
        });

        assertThat(timeouts[0]).isBetween(1L, 5000L);
        assertThat(timeouts[1]).isLessThanOrEqualTo(timeouts[0] - 400);
    }

    @Test
    void smallerStatementTimeoutStillAppliesUnderADeadline() {
        TxOptions o = TxOptions.defaults().withStatementTimeout(Duration.ofMillis(100));

        assertThatThrownBy(() -> tx.withDeadline(Instant.now().plusSeconds(30))
                .useTransaction(o, h -> h.execute("select pg_sleep(5)")))
                .isInstanceOf(StatementTimeoutException.class);
    }

    @Test
    void nothingIsSentOnceTheDeadlinePassed() {
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> tx.withDeadline(Instant.now().minusMillis(1)).inTransaction(h -> runs
                .incrementAndGet()))
                .isInstanceOfSatisfying(DeadlineExceededException.class, e -> assertThat(e.sqlState()).isNull());
        assertThat(runs).hasValue(0);
    }

    @Test
    void statementAfterTheDeadlineIsNotSent() {
        assertThatThrownBy(() -> tx.withDeadline(Instant.now().plusMillis(200)).useTransaction(h -> {
            h.execute("select 1");
            Thread.sleep(300);
            h.execute("select 2");
        })).isInstanceOf(DeadlineExceededException.class);
        assertThat(db.activeConnections()).isZero();
    }

    @Test
    void unansweringServerFailsByTheDeadlineInsteadOfHangingOnTcp() {
        try (RoundTripCounter proxy = TestDb.proxy();
                Database pool = TestDb.throughBuilder(proxy, 1, "txfn-deadline-blackhole-test")
                        .connectionTimeout(Duration.ofMillis(500)).build()) {
            Tx bounded = Tx.create(pool);
            bounded.useTransaction(h -> h.execute("select 1"));
            proxy.setBlackhole(true);

            // The guard only keeps a regression from hanging the build for the TCP retransmission timeout.
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> bounded
                    .withDeadline(Instant.now().plusMillis(500))
                    .useTransaction(h -> h.execute("select 1")))
                    .isInstanceOfAny(DeadlineExceededException.class, ConnectionLostException.class,
                            ConnectionUnavailableException.class));
        }
    }

    @Test
    void waitForABusyPoolEndsAtTheDeadline() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try {
                tx.useTransaction(h -> {
                    h.execute("select 1");
                    holding.countDown();
                    release.await();
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        holder.start();
        try {
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            Instant deadline = Instant.now().plusMillis(300);

            long started = System.nanoTime();
            assertThatThrownBy(() -> tx.withDeadline(deadline).readOnly(h -> h.createQuery("select 1")
                    .mapTo(Integer.class).one()))
                    .isInstanceOfSatisfying(DeadlineExceededException.class, e -> {
                        assertThat(e.deadline()).isEqualTo(deadline);
                        assertThat(e).hasMessageContaining("waiting for a connection");
                    });
            // The pool's own connection timeout is 10 s; the deadline is what must end the wait.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        } finally {
            release.countDown();
            holder.join();
        }
    }

    @Test
    void serverFallingSilentLateInTheTransactionIsGivenUpOnShortlyAfterTheDeadline() {
        try (RoundTripCounter proxy = TestDb.proxy();
                Database pool = TestDb.through(proxy, 1, "txfn-deadline-silent-statement-test")) {
            Tx bounded = Tx.create(pool).withDeadline(Instant.now().plusMillis(1500));

            assertThatThrownBy(() -> bounded.useTransaction(h -> {
                h.execute("select 1");
                Thread.sleep(1000);
                proxy.setBlackhole(true);
                h.execute("select 2");
            })).isInstanceOf(DeadlineExceededException.class).hasMessageContaining("did not answer");
            // The network timeout armed for the first statement alone would have waited until 1 s later still.
            assertThat(Instant.now()).isBefore(bounded.deadline().plusMillis(1000));
        }
    }

    @Test
    void serverFallingSilentAtCommitIsGivenUpOnShortlyAfterTheDeadline() {
        try (RoundTripCounter proxy = TestDb.proxy();
                Database pool = TestDb.through(proxy, 1, "txfn-deadline-silent-commit-test")) {
            Tx bounded = Tx.create(pool).withDeadline(Instant.now().plusMillis(1500));

            assertThatThrownBy(() -> bounded.useTransaction(h -> {
                h.execute("select 1");
                Thread.sleep(1000);
                proxy.setBlackhole(true);
            })).isInstanceOf(CommitOutcomeUnknownException.class);
            assertThat(Instant.now()).isBefore(bounded.deadline().plusMillis(1000));
        }
    }

    @Test
    void rawStatementIsCancelledAtTheDeadline() {
        Instant deadline = Instant.now().plusMillis(300);

        assertThatThrownBy(() -> tx.withDeadline(deadline).useTransaction(h -> {
            try (Statement s = h.getConnection().createStatement()) {
                s.execute("select pg_sleep(2)");
            }
        })).isInstanceOfSatisfying(DeadlineExceededException.class, e -> {
            assertThat(e.sqlState()).isEqualTo("57014");
            assertThat(e).hasMessageContaining("cancelled to meet the deadline");
        });
        assertThat(db.activeConnections()).isZero();
    }

    private static long millis(String setting) {
        if (setting.endsWith("ms")) {
            return Long.parseLong(setting.substring(0, setting.length() - 2));
        }
        if (setting.endsWith("s")) {
            return Long.parseLong(setting.substring(0, setting.length() - 1)) * 1000;
        }
        return Long.parseLong(setting);
    }
}
