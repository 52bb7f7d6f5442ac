package dev.txfn.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txfn.ConnectionUnavailableException;
import dev.txfn.Database;
import dev.txfn.Isolation;
import dev.txfn.Tx;
import dev.txfn.TxOptions;
import dev.txfn.lambda.InvocationSettings;
import dev.txfn.lambda.LocalContext;
import dev.txfn.testing.PostgresTestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * The EMF line of one invocation: valid Embedded Metric Format, and figures that are right for real faults (a
 * second transaction holding the only connection, a pool timeout, a serialization failure, a terminated backend).
 */
class EmbeddedMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_SECONDS = 30;
    /** CloudWatch's metric units (the EMF specification's MetricDefinition.Unit). */
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
            "Count/Second", "None");

    private ExecutorService threads;
    private ByteArrayOutputStream out;

    @BeforeEach
    void setUp() {
        threads = Executors.newSingleThreadExecutor();
        out = new ByteArrayOutputStream();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void lineIsValidEmbeddedMetricFormat() {
        try (Database db = database(1, "txfn-emf-valid", null)) {
            InvocationRunner.Invocation invocation = runner(db).start(LocalContext.create(), "GET /things/{id}");
            invocation.tx().useTransaction(h -> h.execute("select 1"));
            invocation.finish("200");

            JsonNode line = onlyLine();
            assertValidEmf(line);
            assertThat(line.get("kind").asText()).isEqualTo("http");
            assertThat(line.at("/_aws/CloudWatchMetrics/0/Dimensions")).hasSize(1);
            assertThat(line.at("/_aws/CloudWatchMetrics/0/Dimensions/0").get(0).asText()).isEqualTo("kind");
            assertThat(line.get("Transactions").asLong()).isEqualTo(1);
            assertThat(line.get("ConnectionWaits").asLong()).isEqualTo(1);
            assertThat(line.get("ConnectionsOpened").asLong()).isEqualTo(1); // the pool's first connection
            assertThat(line.get("ConnectionTimeouts").asLong()).isZero();
            assertThat(line.get("Unsettled").asLong()).isZero();
        }
    }

    @Test
    void waitForTheOnlyConnectionShowsAsWaitTime() throws Exception {
        Duration hold = Duration.ofMillis(300);
        try (Database db = database(1, "txfn-emf-wait", null)) {
            Tx tx = Tx.create(db);
            InvocationRunner runner = runner(tx, db);
            tx.useTransaction(h -> h.execute("select 1")); // the pool's one connection is open and idle
            Future<?> holder = holdTheOnlyConnection(tx, hold);

            InvocationRunner.Invocation invocation = runner.start(LocalContext.create(), "GET /things");
            invocation.tx().useTransaction(h -> h.execute("select 1"));
            holder.get(WAIT_SECONDS, TimeUnit.SECONDS);
            invocation.finish("200");

            JsonNode line = onlyLine();
            assertValidEmf(line);
            // The holder borrowed before the invocation began; the one borrow in it waited for the holder.
            assertThat(line.get("ConnectionWaits").asLong()).isEqualTo(1);
            assertThat(line.get("ConnectionWaitTime").asDouble()).isGreaterThanOrEqualTo(hold.toMillis() / 2.0);
            assertThat(line.get("ConnectionTimeouts").asLong()).isZero();
            assertThat(line.get("Transactions").asLong()).isEqualTo(1);
        }
    }

    @Test
    void poolTimeoutIsCounted() throws Exception {
        try (Database db = database(1, "txfn-emf-timeout", Duration.ofSeconds(1))) {
            Tx tx = Tx.create(db);
            InvocationRunner runner = runner(tx, db);
            tx.useTransaction(h -> h.execute("select 1"));
            Future<?> holder = holdTheOnlyConnection(tx, Duration.ofSeconds(3));

            InvocationRunner.Invocation invocation = runner.start(LocalContext.create(), "GET /things");
            assertThatThrownBy(() -> invocation.tx().useTransaction(h -> h.execute("select 1")))
                    .isInstanceOf(ConnectionUnavailableException.class);
            // The holder ends first: the settle check at the end would otherwise find its connection out and abort it.
            holder.get(WAIT_SECONDS, TimeUnit.SECONDS);
            invocation.finish("503");

            JsonNode line = onlyLine();
            assertValidEmf(line);
            assertThat(line.get("ConnectionTimeouts").asLong()).isEqualTo(1);
            // HikariCP measures its timeout on its own clock: a hair under the second on ours is possible.
            assertThat(line.get("ConnectionWaitTime").asDouble()).isGreaterThanOrEqualTo(900.0);
            assertThat(line.get("Transactions").asLong()).isZero();
        }
    }

    @Test
    void retryAfterARealSerializationFailureIsCountedByCause() {
        try (Database db = database(1, "txfn-emf-retry", null)) {
            admin("drop table if exists emf_counter; create table emf_counter(id int primary key, n int not null);"
                    + " insert into emf_counter values (1, 0)");
            InvocationRunner.Invocation invocation = runner(db).start(LocalContext.create(), "POST /counter");
            AtomicInteger calls = new AtomicInteger();

            invocation.tx().useTransaction(TxOptions.defaults().withIsolation(Isolation.REPEATABLE_READ), h -> {
                h.createQuery("select n from emf_counter where id = 1").mapTo(Integer.class).one();
                if (calls.incrementAndGet() == 1) {
                    // Another session changes the row this snapshot has read: updating it now fails with 40001.
                    admin("update emf_counter set n = n + 100 where id = 1");
                }
                h.execute("update emf_counter set n = n + 1 where id = 1");
            });
            invocation.finish("200");

            JsonNode line = onlyLine();
            assertValidEmf(line);
            assertThat(calls).hasValue(2);
            assertThat(line.get("RetriesSerializationFailure").asLong()).isEqualTo(1);
            assertThat(line.get("RetriesDeadlock").asLong()).isZero();
            assertThat(line.get("Retries").asLong()).isEqualTo(1);
            assertThat(line.get("RolledBack").asLong()).isEqualTo(1);
            assertThat(line.get("Transactions").asLong()).isEqualTo(1);
        }
    }

    @Test
    void overlappingInvocationsKeepTheirOwnTransactionFiguresAndShareThePoolsAsAnUpperBound() {
        try (Database db = database(1, "txfn-emf-overlap", null)) {
            admin("drop table if exists emf_counter; create table emf_counter(id int primary key, n int not null);"
                    + " insert into emf_counter values (1, 0)");
            InvocationRunner runner = runner(db);
            // As LocalHttpServer may: the outer invocation begins, the inner one runs whole, the outer one ends.
            InvocationRunner.Invocation outer = runner.start(LocalContext.create(), "GET /things");
            InvocationRunner.Invocation inner = runner.start(LocalContext.create(), "POST /counter");
            AtomicInteger calls = new AtomicInteger();
            inner.tx().useTransaction(TxOptions.defaults().withIsolation(Isolation.REPEATABLE_READ), h -> {
                h.createQuery("select n from emf_counter where id = 1").mapTo(Integer.class).one();
                if (calls.incrementAndGet() == 1) {
                    admin("update emf_counter set n = n + 100 where id = 1");
                }
                h.execute("update emf_counter set n = n + 1 where id = 1");
            });
            inner.finish("200");
            outer.tx().useTransaction(h -> h.execute("select 1"));
            outer.finish("200");

            List<JsonNode> lines = allLines();
            assertThat(lines).hasSize(2);
            JsonNode innerLine = lines.get(0);
            JsonNode outerLine = lines.get(1);
            assertValidEmf(outerLine);
            assertThat(innerLine.get("RetriesSerializationFailure").asLong()).isEqualTo(1);
            assertThat(innerLine.get("ConnectionWaits").asLong()).isEqualTo(2);
            // The outer invocation's own transactions: one commit, no retry, no rollback.
            assertThat(outerLine.get("Transactions").asLong()).isEqualTo(1);
            assertThat(outerLine.get("RetriesSerializationFailure").asLong()).isZero();
            assertThat(outerLine.get("Retries").asLong()).isZero();
            assertThat(outerLine.get("RolledBack").asLong()).isZero();
            // The pool's figures of its span include the inner invocation's two borrows.
            assertThat(outerLine.get("ConnectionWaits").asLong()).isEqualTo(3);
        }
    }

    @Test
    void newConnectionAfterTheServerEndedTheOldOneIsCounted() {
        assumeFalse(PostgresTestDatabase.shared().behindTransactionPooler(),
                "behind a transaction-mode pooler: terminating by application_name reaches the pooler's sessions");
        try (Database db = database(1, "txfn-emf-terminated", null)) {
            Tx tx = Tx.create(db);
            InvocationRunner runner = runner(tx, db);
            tx.useTransaction(h -> h.execute("select 1"));
            admin("select pg_terminate_backend(pid) from pg_stat_activity"
                    + " where application_name = 'txfn-emf-terminated'");

            InvocationRunner.Invocation invocation = runner.start(LocalContext.create(), "GET /things");
            invocation.tx().useTransaction(h -> h.execute("select 1"));
            invocation.finish("200");

            JsonNode line = onlyLine();
            assertValidEmf(line);
            assertThat(line.get("ConnectionsOpened").asLong()).isEqualTo(1);
            assertThat(line.get("RetriesConnectionLost").asLong()).isEqualTo(1);
            assertThat(line.get("Transactions").asLong()).isEqualTo(1);
        }
    }

    /** The EMF specification's rules that CloudWatch rejects a document for breaking. */
    private static void assertValidEmf(JsonNode line) {
        JsonNode aws = line.get("_aws");
        assertThat(aws.get("Timestamp").isIntegralNumber()).as("_aws.Timestamp is epoch milliseconds").isTrue();
        assertThat(aws.get("CloudWatchMetrics").isArray()).isTrue();
        for (JsonNode directive : aws.get("CloudWatchMetrics")) {
            assertThat(directive.get("Namespace").isTextual()).isTrue();
            assertThat(directive.get("Namespace").asText()).isNotBlank().hasSizeLessThanOrEqualTo(255);
            for (JsonNode dimensionSet : directive.get("Dimensions")) {
                assertThat(dimensionSet.size()).as("dimensions in a set").isBetween(0, 30);
                for (JsonNode dimension : dimensionSet) {
                    JsonNode value = line.get(dimension.asText());
                    assertThat(value != null && value.isTextual()).as("dimension %s has a string value", dimension)
                            .isTrue();
                }
            }
            JsonNode metrics = directive.get("Metrics");
            assertThat(metrics.size()).as("metrics in a directive").isBetween(1, 100);
            Set<String> names = new HashSet<>();
            for (JsonNode metric : metrics) {
                String name = metric.get("Name").asText();
                assertThat(names.add(name)).as("metric %s declared once", name).isTrue();
                assertThat(metric.get("Unit").asText()).as("unit of " + name).isIn(UNITS);
                JsonNode value = line.get(name);
                assertThat(value != null && value.isNumber()).as("metric %s has a numeric value", name).isTrue();
            }
        }
    }

    private JsonNode onlyLine() {
        List<JsonNode> lines = allLines();
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    private List<JsonNode> allLines() {
        return out.toString(StandardCharsets.UTF_8).lines().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("the EMF line is not JSON: " + line, e);
            }
        }).toList();
    }

    private InvocationRunner runner(Database db) {
        return runner(Tx.create(db), db);
    }

    private InvocationRunner runner(Tx tx, Database db) {
        return new InvocationRunner(tx, InvocationSettings.defaults().withMetrics("TxfnTest").withDatabase(db),
                "http", new PrintStream(out, true, StandardCharsets.UTF_8));
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

    private static Database database(int poolSize, String applicationName, Duration connectionTimeout) {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        return Database.builder()
                .jdbcUrl(server.jdbcUrl())
                .maximumPoolSize(poolSize)
                .connectionTimeout(connectionTimeout)
                .applicationName(applicationName)
                .transactionPooling(server.behindTransactionPooler())
                .build();
    }

    private static void admin(String sql) {
        try (Connection c = PostgresTestDatabase.shared().openAdminConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("admin statement failed: " + e.getMessage(), e);
        }
    }
}
