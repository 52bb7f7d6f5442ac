package dev.txfn.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.txfn.Database;
import dev.txfn.DatabaseException;
import dev.txfn.Tx;
import dev.txfn.lambda.SqsBatchResult.Reason;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.SettleAssertions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SqsHandler against real PostgreSQL: partial batch failure, idempotency in the message's transaction, FIFO. */
class SqsHandlerTest {
    private static final String APP = "txfn-sqs-test";
    private static final String KEYS = "sqs_test_idempotency";
    private static final String A1 = "059f36b4-87a3-44ab-83d2-661975830a7d";
    private static final String A2_BAD_JSON = "2e1424d4-f796-459a-8184-9c92662be6da";
    private static final String A3_NEGATIVE = "b9b4f2a6-1c1e-4b8e-9d59-3f1f8f0b9b61";
    private static final String A4 = "d7c0a8a3-4f5e-4a4b-8c1e-2f9a7f6b5e42";

    record OrderPlaced(String orderId, int quantity) {
    }

    /** How a user writes it, minus the no-arg constructor: the test passes its own resources. */
    static final class OrdersQueue extends SqsHandler<OrderPlaced> {
        OrdersQueue(LambdaResources resources, SqsSettings<OrderPlaced> settings,
                SqsMessageHandler<OrderPlaced> handler) {
            super(OrderPlaced.class, resources, settings, handler);
        }
    }

    private Database db;
    private Tx tx;

    @BeforeEach
    void createTables() {
        db = database(1, APP);
        tx = Tx.create(db);
        tx.useTransaction(h -> {
            h.execute("drop table if exists sqs_test_effect, " + KEYS);
            h.execute("create table sqs_test_effect (order_id text not null, quantity int not null,"
                    + " message_id text not null)");
            h.execute(IdempotencyTable.createTableSql(KEYS));
        });
    }

    @AfterEach
    void noSessionIdleInTransaction() {
        db.close();
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    @Test
    void reportsExactlyThePoisonMessageAndTheFailingMessage() {
        SQSEvent batch = LambdaEvents.fromResource("events/sqs-batch.json", SQSEvent.class);

        SQSBatchResponse response = queue(settings()).handleRequest(batch, LocalContext.create());

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(A2_BAD_JSON, A3_NEGATIVE);
        assertThat(strings("select message_id from sqs_test_effect order by order_id")).containsExactly(A1, A4);
        assertThat(strings("select key from " + KEYS + " order by key")).containsExactly(A1, A4);
    }

    @Test
    void tellsWhyEachMessageFailed() {
        SqsBatchResult result = queue(settings()).process(batch(), LocalContext.create());

        assertThat(result.outcome()).isEqualTo("2/4 ok");
        assertThat(result.failures()).extracting(SqsBatchResult.Failure::reason)
                .containsExactly(Reason.INVALID_MESSAGE, Reason.ROLLED_BACK);
        assertThat(result.failures().get(0).cause()).hasMessageContaining("not a valid OrderPlaced");
        assertThat(result.failures().get(1).cause()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quantity must be positive");
    }

    @Test
    void sameBatchDeliveredTwiceHasOneEffectAndCountsDuplicates() {
        OrdersQueue queue = queue(settings());
        queue.process(batch(), LocalContext.create());

        SqsBatchResult again = queue.process(batch(), LocalContext.create());

        assertThat(again.succeeded()).isEqualTo(2);
        assertThat(again.duplicates()).isEqualTo(2);
        assertThat(again.outcome()).isEqualTo("2/4 ok, 2 duplicate(s)");
        assertThat(count("select count(*) from sqs_test_effect")).isEqualTo(2);
    }

    @Test
    void customKeyFromTheBodySkipsTheSameOrderSentTwice() {
        SQSEvent resent = LambdaEvents.fromResource("events/sqs-resent-order.json", SQSEvent.class);
        OrdersQueue queue = queue(settings().withIdempotencyKey(order -> "order:" + order.orderId()));

        SqsBatchResult result = queue.process(resent, LocalContext.create());

        assertThat(result.failures()).isEmpty();
        assertThat(result.duplicates()).isEqualTo(1);
        assertThat(count("select count(*) from sqs_test_effect")).isEqualTo(1);
        assertThat(strings("select key from " + KEYS)).containsExactly("order:R-1");
    }

    @Test
    void expiredKeyIsProcessedAgain() {
        OrdersQueue queue = queue(settings());
        queue.process(batch(), LocalContext.create());
        tx.useTransaction(h -> h.execute("update " + KEYS + " set expires_at = now() - interval '1 second'"));

        SqsBatchResult again = queue.process(batch(), LocalContext.create());

        assertThat(again.duplicates()).isZero();
        assertThat(again.succeeded()).isEqualTo(2);
        assertThat(count("select count(*) from sqs_test_effect")).isEqualTo(4);
        assertThat(count("select count(*) from " + KEYS + " where expires_at > now() + interval '6 days'"))
                .isEqualTo(2);
    }

    @Test
    void rolledBackMessageLeavesNoKeySoItsRedeliveryIsProcessed() {
        AtomicBoolean failing = new AtomicBoolean(true);
        OrdersQueue queue = new OrdersQueue(LambdaResources.of(db), settings(), (order, message, h) -> {
            record(order, message, h);
            if (failing.get()) {
                throw new IllegalStateException("downstream unavailable");
            }
        });
        SqsBatchResult first = queue.process(batch(), LocalContext.create());
        assertThat(first.succeeded()).isZero();
        assertThat(count("select count(*) from " + KEYS)).isZero();
        failing.set(false);

        SqsBatchResult redelivery = queue.process(batch(), LocalContext.create());

        assertThat(redelivery.failedMessageIds()).containsExactly(A2_BAD_JSON);
        assertThat(redelivery.duplicates()).isZero();
        assertThat(strings("select message_id from sqs_test_effect order by order_id"))
                .containsExactly(A1, A3_NEGATIVE, A4);
    }

    @Test
    void fifoBatchStopsAtTheFirstFailureAndReportsTheRest() {
        SQSEvent fifo = LambdaEvents.fromResource("events/sqs-fifo-batch.json", SQSEvent.class);

        SqsBatchResult result = queue(settings()).process(fifo, LocalContext.create());

        assertThat(result.failures()).extracting(SqsBatchResult.Failure::messageId).containsExactly(
                "2c7a3d4e-1b2f-4d6c-8e9f-8a7b6c5d4e32", "3d8b4e5f-2c3a-4e7d-9f0a-9b8c7d6e5f43",
                "4e9c5f6a-3d4b-4f8e-8a1b-0c9d8e7f6a54");
        assertThat(result.failures()).extracting(SqsBatchResult.Failure::reason)
                .containsExactly(Reason.ROLLED_BACK, Reason.NOT_ATTEMPTED, Reason.NOT_ATTEMPTED);
        assertThat(strings("select order_id from sqs_test_effect")).containsExactly("F-1");
    }

    @Test
    void missingIdempotencyTableFailsEachMessageWithUndefinedTable() {
        OrdersQueue queue = queue(settings().withIdempotencyTable("sqs_test_missing"));

        SqsBatchResult result = queue.process(batch(), LocalContext.create());

        assertThat(result.failedMessageIds()).containsExactly(A1, A2_BAD_JSON, A3_NEGATIVE, A4);
        assertThat(result.failures().get(0).cause()).isInstanceOfSatisfying(DatabaseException.class,
                e -> assertThat(e.sqlState()).isEqualTo("42P01"));
        assertThat(count("select count(*) from sqs_test_effect")).isZero();
    }

    @Test
    void concurrentSecondDeliveryWaitsForTheFirstAndIsSkippedAsDuplicate() throws Exception {
        SQSEvent single = batch();
        single.setRecords(List.of(single.getRecords().get(0)));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Two sandboxes: each its own pool and Tx, as two Lambda instances would have.
        try (Database first = database(1, APP); Database second = database(1, APP)) {
            OrdersQueue slow = new OrdersQueue(LambdaResources.of(first), settings(), (order, message, h) -> {
                record(order, message, h);
                inside.countDown();
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            });
            OrdersQueue plain = new OrdersQueue(LambdaResources.of(second), settings(), SqsHandlerTest::record);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<SqsBatchResult> firstDelivery = pool.submit(() -> slow.process(single, LocalContext.create()));
                assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
                Future<SqsBatchResult> secondDelivery = pool.submit(() -> plain.process(single, LocalContext.create()));
                awaitSessionWaitingOnLock();
                release.countDown();

                assertThat(firstDelivery.get(10, TimeUnit.SECONDS).duplicates()).isZero();
                assertThat(secondDelivery.get(10, TimeUnit.SECONDS).duplicates()).isEqualTo(1);
            } finally {
                release.countDown();
                pool.shutdown();
            }
        }
        assertThat(count("select count(*) from sqs_test_effect")).isEqualTo(1);
    }

    @Test
    void messageThatLeaksAConnectionIsReportedFailedAndTheSessionIsGone() {
        String app = "txfn-sqs-leak-test";
        int[] leakedPid = new int[1];
        try (Database twoConnections = database(2, app)) {
            OrdersQueue queue = new OrdersQueue(LambdaResources.of(twoConnections), settings(),
                    (order, message, h) -> {
                        if (order.orderId().equals("A-4")) {
                            Handle leaked = h.getJdbi().open(); // bypasses Tx and is never closed
                            leaked.begin();
                            leakedPid[0] = leaked.createQuery("select pg_backend_pid()").mapTo(Integer.class).one();
                        }
                    });

            SqsBatchResult result = queue.process(batch(), LocalContext.create());

            assertThat(result.failures()).filteredOn(f -> f.messageId().equals(A4))
                    .singleElement().extracting(SqsBatchResult.Failure::reason).isEqualTo(Reason.UNSETTLED);
            assertThat(result.succeeded()).isEqualTo(2);
            assertThat(twoConnections.activeConnections()).isZero();
            awaitBackendGone(leakedPid[0]);
        }
        SettleAssertions.assertNoSessionIdleInTransaction(app);
    }

    private OrdersQueue queue(SqsSettings<OrderPlaced> settings) {
        return new OrdersQueue(LambdaResources.of(db), settings, (order, message, h) -> {
            record(order, message, h);
            if (order.quantity() <= 0) {
                throw new IllegalArgumentException("quantity must be positive");
            }
        });
    }

    /** Keys in this test's own table. */
    private static SqsSettings<OrderPlaced> settings() {
        return SqsSettings.<OrderPlaced>defaults().withIdempotencyTable(KEYS);
    }

    private static void record(OrderPlaced order, SqsMessage message, Handle h) {
        h.createUpdate("insert into sqs_test_effect (order_id, quantity, message_id) values (:o, :q, :m)")
                .bind("o", order.orderId()).bind("q", order.quantity()).bind("m", message.messageId()).execute();
    }

    private static SQSEvent batch() {
        return LambdaEvents.fromResource("events/sqs-batch.json", SQSEvent.class);
    }

    private List<String> strings(String sql) {
        return tx.readOnly(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    private int count(String sql) {
        return tx.readOnly(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    private static void awaitSessionWaitingOnLock() throws Exception {
        for (int i = 0; i < 250; i++) {
            try (var connection = PostgresTestDatabase.shared().openAdminConnection();
                    var statement = connection.prepareStatement("select count(*) from pg_stat_activity"
                            + " where application_name = ? and wait_event_type = 'Lock'")) {
                statement.setString(1, APP);
                try (var rs = statement.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the second delivery never waited on the first one's key");
    }

    static Database database(int poolSize, String app) {
        return Database.builder().jdbcUrl(PostgresTestDatabase.shared().jdbcUrl()).maximumPoolSize(poolSize)
                .applicationName(app).build();
    }

    static void awaitBackendGone(int pid) {
        for (int i = 0; i < 250; i++) {
            try (var connection = PostgresTestDatabase.shared().openAdminConnection();
                    var statement = connection.prepareStatement("select count(*) from pg_stat_activity where pid = ?")) {
                statement.setInt(1, pid);
                try (var rs = statement.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError("the leaked session (pid " + pid + ") is still there");
    }
}
