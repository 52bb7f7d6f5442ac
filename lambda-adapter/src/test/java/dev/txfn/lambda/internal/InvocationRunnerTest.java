package dev.txfn.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txfn.Database;
import dev.txfn.DeadlineExceededException;
import dev.txfn.Tx;
import dev.txfn.lambda.InvocationSettings;
import dev.txfn.lambda.LocalContext;
import dev.txfn.testing.PostgresTestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/** The invocation lifecycle every wrapper shares: deadline, settle check, log line and EMF counters. */
class InvocationRunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void deadlineIsRemainingTimeLessMargin() {
        try (Database db = database(1, "txfn-inv-deadline")) {
            InvocationRunner runner = new InvocationRunner(Tx.create(db),
                    InvocationSettings.defaults().withDeadlineMargin(Duration.ofSeconds(2)), "event");
            Instant before = Instant.now();

            InvocationRunner.Invocation invocation = runner.start(LocalContext.withTimeout(Duration.ofSeconds(10)),
                    "test");

            Duration left = Duration.between(before, invocation.deadline());
            assertThat(left).isBetween(Duration.ofMillis(7_000), Duration.ofMillis(8_000));
            assertThat(invocation.tx().deadline()).isEqualTo(invocation.deadline());
            assertThat(invocation.finish("ok")).isTrue();
        }
    }

    @Test
    void statementThatWouldOutrunTheDeadlineIsCancelled() {
        try (Database db = database(1, "txfn-inv-cancel")) {
            InvocationRunner runner = new InvocationRunner(Tx.create(db),
                    InvocationSettings.defaults().withDeadlineMargin(Duration.ofMillis(500)), "event");
            InvocationRunner.Invocation invocation = runner.start(LocalContext.withTimeout(Duration.ofSeconds(2)),
                    "slow");

            assertThatThrownBy(() -> invocation.tx().useTransaction(h -> h.execute("select pg_sleep(10)")))
                    .isInstanceOf(DeadlineExceededException.class);

            assertThat(invocation.finish("504")).isTrue();
            awaitCount("select count(*) from pg_stat_activity where application_name = 'txfn-inv-cancel'"
                    + " and state <> 'idle'", 0);
        }
    }

    @Test
    void healthyInvocationFinishesSettledWithOneLine() {
        try (Database db = database(1, "txfn-inv-healthy")) {
            ByteArrayOutputStream emf = new ByteArrayOutputStream();
            InvocationRunner runner = runnerWithMetrics(db, emf);
            InvocationRunner.Invocation invocation = runner.start(
                    LocalContext.create().withRequestId("req-healthy"), "GET /things/{id}");
            int one = invocation.tx().inTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());

            boolean settled = invocation.finish("200");

            assertThat(one).isEqualTo(1);
            assertThat(settled).isTrue();
            assertThat(lines(emf)).hasSize(1);
            JsonNode line = JSON.valueToTree(invocation.logLine("200", settled, 12.34).keyValues());
            assertThat(line.get("kind").asText()).isEqualTo("http");
            assertThat(line.get("target").asText()).isEqualTo("GET /things/{id}");
            assertThat(line.get("outcome").asText()).isEqualTo("200");
            assertThat(line.get("transactions").asInt()).isEqualTo(1);
            assertThat(line.get("retries").asInt()).isZero();
            assertThat(line.get("durationMs").asDouble()).isEqualTo(12.3);
            assertThat(line.get("settled").asBoolean()).isTrue();
        }
    }

    @Test
    void settleCheckCatchesALeakedConnectionAndTheNextInvocationWorks() {
        assumeFalse(PostgresTestDatabase.shared().behindTransactionPooler(),
                "behind a transaction-mode pooler: it counts the client's server sessions by application_name, and"
                        + " those are the pooler's");
        String app = "txfn-inv-leak";
        // Two connections: the leak takes a second one while the transaction holds the first.
        try (Database db = database(2, app)) {
            ByteArrayOutputStream emf = new ByteArrayOutputStream();
            InvocationRunner runner = runnerWithMetrics(db, emf);
            InvocationRunner.Invocation leaking = runner.start(LocalContext.create(), "POST /leak");
            Handle[] leaked = new Handle[1];
            leaking.tx().useTransaction(h -> {
                leaked[0] = h.getJdbi().open(); // bypasses Tx and is never closed
                leaked[0].begin();
                leaked[0].execute("select 1");
            });
            assertThat(count(sessions(app, "idle in transaction"))).isEqualTo(1);

            assertThat(leaking.checkSettled()).isFalse();
            assertThat(leaking.finish("200")).isFalse();

            awaitCount(sessions(app, "idle in transaction"), 0);
            assertThat(db.activeConnections()).isZero();
            awaitCount("select count(*) from pg_stat_activity where application_name = '" + app + "'",
                    db.totalConnections());
            assertThat(read(lines(emf).get(0)).get("Unsettled").asInt()).isEqualTo(1);
            InvocationRunner.Invocation next = runner.start(LocalContext.create(), "GET /ok");
            int one = next.tx().inTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());
            assertThat(one).isEqualTo(1);
            assertThat(next.finish("200")).isTrue();
        }
    }

    @Test
    void countsCommittedTransactionsAndRetriesInTheLogLineAndMetrics() {
        try (Database db = database(1, "txfn-inv-counters")) {
            ByteArrayOutputStream emf = new ByteArrayOutputStream();
            InvocationRunner runner = runnerWithMetrics(db, emf);
            InvocationRunner.Invocation invocation = runner.start(LocalContext.create(), "POST /things");
            AtomicInteger attempts = new AtomicInteger();

            invocation.tx().useTransaction(h -> {
                if (attempts.getAndIncrement() == 0) {
                    h.execute("do $$ begin raise exception using errcode = 'serialization_failure'; end $$");
                }
                h.execute("select 1");
            });
            invocation.tx().useTransaction(h -> h.execute("select 2"));
            boolean settled = invocation.finish("201");

            assertThat(attempts).hasValue(2);
            assertThat(settled).isTrue();
            List<String> written = lines(emf);
            assertThat(written).hasSize(1);
            JsonNode metrics = read(written.get(0));
            assertThat(metrics.get("Transactions").asInt()).isEqualTo(2);
            assertThat(metrics.get("Retries").asInt()).isEqualTo(1);
            assertThat(metrics.get("Unsettled").asInt()).isZero();
            assertThat(metrics.get("kind").asText()).isEqualTo("http");
            assertThat(metrics.get("target").asText()).isEqualTo("POST /things");
            JsonNode directive = metrics.at("/_aws/CloudWatchMetrics/0");
            assertThat(directive.get("Namespace").asText()).isEqualTo("TxfnTest");
            assertThat(directive.get("Metrics").findValuesAsText("Name"))
                    .startsWith("Transactions", "Retries", "Duration", "Unsettled");
            assertThat(metrics.at("/_aws/Timestamp").isNumber()).isTrue();
            JsonNode line = JSON.valueToTree(invocation.logLine("201", settled, 1.0).keyValues());
            assertThat(line.get("transactions").asInt()).isEqualTo(2);
            assertThat(line.get("retries").asInt()).isEqualTo(1);
            assertThat(line.get("rollbacks").asInt()).isEqualTo(1);
        }
    }

    private static InvocationRunner runnerWithMetrics(Database db, ByteArrayOutputStream out) {
        return new InvocationRunner(Tx.create(db),
                InvocationSettings.defaults().withMetrics("TxfnTest").withDatabase(db), "http",
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private static Database database(int poolSize, String applicationName) {
        return Database.builder()
                .jdbcUrl(PostgresTestDatabase.shared().jdbcUrl())
                .maximumPoolSize(poolSize)
                .applicationName(applicationName)
                .build();
    }

    private static List<String> lines(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static String sessions(String app, String state) {
        return "select count(*) from pg_stat_activity where application_name = '" + app + "' and state = '"
                + state + "'";
    }

    private static void awaitCount(String countSql, long expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long found;
        while ((found = count(countSql)) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + expected + ", still " + found + " after 2 s: " + countSql);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private static long count(String sql) {
        try (Connection c = PostgresTestDatabase.shared().openAdminConnection();
                PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
