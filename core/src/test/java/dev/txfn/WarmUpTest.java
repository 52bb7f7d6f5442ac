package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txfn.testing.RoundTripCounter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    @Test
    void opensTheFirstConnectionInTheBackgroundAndTellsNoListener() throws Exception {
        EventNames events = new EventNames();
        try (RoundTripCounter proxy = TestDb.proxy();
                Database db = TestDb.through(proxy, 1, "txfn-warm-up-test")) {
            Tx tx = Tx.builder(db).listener(events).build();

            tx.warmUp().get(30, TimeUnit.SECONDS);

            assertThat(db.idleConnections()).isEqualTo(1);
            assertThat(db.activeConnections()).isZero();
            assertThat(events.names()).isEmpty();
            assertThat(tx.openTransactions()).isZero();
            // The first real transaction finds the connection open: k + 1 round trips, nothing for connecting.
            proxy.reset();
            int answer = tx.readOnly(h -> h.createQuery("select 41 + 1").mapTo(Integer.class).one());
            assertThat(answer).isEqualTo(42);
            assertThat(proxy.roundTrips()).isEqualTo(2);
            assertThat(events.names()).containsExactly("begin", "commit"); // that transaction's, not the warm-up's
        }
    }

    @Test
    void runsOnceHoweverOftenItIsCalled() throws Exception {
        try (RoundTripCounter proxy = TestDb.proxy();
                Database db = TestDb.through(proxy, 2, "txfn-warm-up-test")) {
            Tx tx = Tx.create(db);
            tx.warmUp().get(30, TimeUnit.SECONDS);
            long afterFirst = proxy.roundTrips();

            CompletableFuture<Void> again = tx.warmUp();
            CompletableFuture<Void> derived = tx.withOptions(TxOptions.defaults().withReadOnly(true)).warmUp();

            assertThat(again).isCompleted();
            assertThat(derived).isCompleted();
            assertThat(proxy.roundTrips()).isEqualTo(afterFirst);
            assertThat(db.totalConnections()).isEqualTo(1);
        }
    }

    @Test
    void settleNeitherWaitsForNorReportsAWarmUpStillRunning() throws Exception {
        try (RoundTripCounter proxy = TestDb.proxy();
                Database db = TestDb.through(proxy, 1, "txfn-warm-up-test")) {
            proxy.setDelay(Duration.ofMillis(100)); // connecting and the transaction take several round trips
            Tx tx = Tx.create(db);

            CompletableFuture<Void> warmUp = tx.warmUp();
            SettleReport report = tx.settle();

            assertThat(report.isSettled()).as(report.describe()).isTrue();
            assertThat(warmUp).isNotDone(); // settle() did not wait for it
            assertThat(tx.isWarmingUp()).isTrue();
            assertThat(tx.openTransactions()).isZero();
            warmUp.get(30, TimeUnit.SECONDS);
            assertThat(tx.isWarmingUp()).isFalse();
            assertThat(db.activeConnections()).isZero(); // untouched by settle: no abort, no eviction
            assertThat(db.idleConnections()).isEqualTo(1);
        }
    }

    @Test
    void aServerThatNeverAnswersFailsTheFutureWithinThePoolsConnectionTimeout() throws Exception {
        try (RoundTripCounter proxy = TestDb.proxy();
                Database db = TestDb.throughBuilder(proxy, 1, "txfn-warm-up-test")
                        .connectionTimeout(Duration.ofMillis(500)).build()) {
            proxy.setBlackhole(true);
            Tx tx = Tx.create(db);

            CompletableFuture<Void> warmUp = tx.warmUp();

            assertThatThrownBy(() -> warmUp.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TxException.class);
            assertThat(tx.isWarmingUp()).isFalse();
            assertThat(tx.settle().isSettled()).isTrue();
        }
    }

    @Test
    void aDatabaseThatCannotBeReachedFailsTheFutureAndNothingElse() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (Database db = Database.builder().jdbcUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/nowhere")
                .user("nobody").connectionTimeout(Duration.ofMillis(500)).build()) {
            Tx tx = Tx.create(db);

            CompletableFuture<Void> warmUp = tx.warmUp();

            assertThatThrownBy(() -> warmUp.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TxException.class);
            assertThat(tx.settle().isSettled()).isTrue();
            assertThat(tx.openTransactions()).isZero();
        }
    }
}
