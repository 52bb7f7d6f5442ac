package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.RoundTripCounter;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spans recorded through the OpenTelemetry SDK's in-memory exporter, against real PostgreSQL and real failures:
 * a span per transaction (child of the current span) with its outcome and retries, a span per statement
 * execution with the database semantic conventions' attributes, and never a bound value or a literal.
 */
class TracingTest {
    private static final String APP = "txfn-tracing-test";
    /** Bound as a parameter and written as a literal: must never show in a span. */
    private static final String MARKER = "secret-marker-1234";
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("txfn.outcome");
    private static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("txfn.attempts");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> STATUS_CODE = AttributeKey.stringKey("db.response.status_code");
    private static final AttributeKey<String> QUERY_TEXT = AttributeKey.stringKey("db.query.text");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("db.operation.name");

    private static InMemorySpanExporter exporter;
    private static OpenTelemetrySdk otel;
    private static Database db;
    private static Tx tx;

    @BeforeAll
    static void setUp() {
        exporter = InMemorySpanExporter.create();
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
        db = Database.builder().jdbcUrl(TestDb.server().jdbcUrl()).maximumPoolSize(1).applicationName(APP)
                .transactionPooling(TestDb.server().behindTransactionPooler()).openTelemetry(otel).build();
        tx = Tx.create(db);
        TestDb.execute("drop table if exists tracing_thing; create table tracing_thing(id int primary key,"
                + " name text unique)");
    }

    @AfterAll
    static void tearDown() {
        db.close();
        otel.close();
    }

    @BeforeEach
    void reset() {
        TestDb.execute("truncate tracing_thing; insert into tracing_thing values (1, 'one')");
        exporter.reset();
    }

    @Test
    void committedTransactionIsAChildOfTheCurrentSpanAndParentOfItsStatements() {
        Span invocation = otel.getTracer("test").spanBuilder("invocation").startSpan();
        Scope scope = invocation.makeCurrent();
        try {
            tx.useTransaction(h -> {
                h.execute("insert into tracing_thing values (?, ?)", 2, "two");
                h.createQuery("select name from tracing_thing where id = :id").bind("id", 2).mapTo(String.class)
                        .one();
            });
        } finally {
            scope.close();
            invocation.end();
        }

        SpanData transaction = only("txfn transaction");
        assertThat(transaction.getParentSpanId()).isEqualTo(invocation.getSpanContext().getSpanId());
        assertThat(transaction.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(transaction.getAttributes().get(OUTCOME)).isEqualTo("committed");
        assertThat(transaction.getAttributes().get(ATTEMPTS)).isEqualTo(1L);
        assertThat(transaction.getAttributes().get(AttributeKey.stringKey("txfn.isolation"))).isEqualTo("default");
        assertThat(transaction.getAttributes().get(AttributeKey.booleanKey("txfn.read_only"))).isFalse();
        assertThat(transaction.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(transaction.getInstrumentationScopeInfo().getName()).isEqualTo("dev.txfn");

        List<SpanData> statements = childrenOf(transaction);
        assertThat(statements).extracting(SpanData::getName)
                .containsExactly("INSERT " + TestDb.server().database(), "SELECT " + TestDb.server().database());
        SpanData insert = statements.get(0);
        assertThat(insert.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.system.name"))).isEqualTo("postgresql");
        assertThat(insert.getAttributes().get(OPERATION)).isEqualTo("INSERT");
        assertThat(insert.getAttributes().get(QUERY_TEXT)).isEqualTo("insert into tracing_thing values (?, ?)");
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.namespace")))
                .isEqualTo(TestDb.server().database());
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("server.address")))
                .isEqualTo(TestDb.server().host());
        assertThat(insert.getAttributes().get(AttributeKey.longKey("server.port")))
                .isEqualTo((long) TestDb.server().port());
        assertThat(statements.get(1).getAttributes().get(QUERY_TEXT))
                .isEqualTo("select name from tracing_thing where id = ?");
    }

    @Test
    void rollbackIsAnErrorWithTheExceptionTypeAndTheFailedStatementsSqlState() {
        assertThatThrownBy(() -> tx.useTransaction(TxOptions.defaults().withIsolation(Isolation.REPEATABLE_READ),
                h -> h.execute("insert into tracing_thing values (1, 'again')")))
                .isInstanceOf(UniqueViolationException.class);

        SpanData transaction = only("txfn transaction");
        assertThat(transaction.getAttributes().get(OUTCOME)).isEqualTo("rolled_back");
        assertThat(transaction.getAttributes().get(AttributeKey.stringKey("txfn.isolation")))
                .isEqualTo("repeatable_read");
        assertThat(transaction.getAttributes().get(ERROR_TYPE)).isEqualTo(UniqueViolationException.class.getName());
        assertThat(transaction.getAttributes().get(STATUS_CODE)).isEqualTo("23505");
        assertThat(transaction.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        SpanData insert = childrenOf(transaction).get(0);
        assertThat(insert.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(insert.getAttributes().get(ERROR_TYPE)).isEqualTo("23505");
        assertThat(insert.getAttributes().get(STATUS_CODE)).isEqualTo("23505");
        // The options rode with the statement; the span shows the statement as written.
        assertThat(insert.getAttributes().get(QUERY_TEXT)).isEqualTo("insert into tracing_thing values (?, ?)");
    }

    @Test
    void retryAfterASerializationFailureIsAnEventWithItsCause() {
        AtomicInteger calls = new AtomicInteger();
        TxOptions serializable = TxOptions.defaults().withIsolation(Isolation.SERIALIZABLE)
                .withRetryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(5)));

        tx.useTransaction(serializable, h -> {
            h.createQuery("select name from tracing_thing where id = 1").mapTo(String.class).one();
            if (calls.incrementAndGet() == 1) {
                // Another session changes the row after this transaction's snapshot: its update must fail 40001.
                TestDb.execute("update tracing_thing set name = 'changed' where id = 1");
            }
            h.execute("update tracing_thing set name = 'mine' where id = 1");
        });

        assertThat(calls).hasValue(2);
        SpanData transaction = only("txfn transaction");
        assertThat(transaction.getAttributes().get(OUTCOME)).isEqualTo("committed");
        assertThat(transaction.getAttributes().get(ATTEMPTS)).isEqualTo(2L);
        assertThat(transaction.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(transaction.getEvents()).hasSize(1);
        EventData retry = transaction.getEvents().get(0);
        assertThat(retry.getName()).isEqualTo("txfn.retry");
        assertThat(retry.getAttributes().get(AttributeKey.longKey("txfn.attempt"))).isEqualTo(1L);
        assertThat(retry.getAttributes().get(STATUS_CODE)).isEqualTo("40001");
        assertThat(retry.getAttributes().get(ERROR_TYPE)).isEqualTo(SerializationFailureException.class.getName());
        // The policy jitters its backoff below the 5 ms bound.
        assertThat(retry.getAttributes().get(AttributeKey.longKey("txfn.retry.backoff_ms"))).isBetween(0L, 5L);
        // Both attempts' statements, the failed update among them, hang under the one transaction span.
        assertThat(childrenOf(transaction)).extracting(s -> s.getAttributes().get(OPERATION), s -> s.getStatus()
                .getStatusCode()).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("SELECT", StatusCode.UNSET),
                        org.assertj.core.groups.Tuple.tuple("UPDATE", StatusCode.ERROR),
                        org.assertj.core.groups.Tuple.tuple("SELECT", StatusCode.UNSET),
                        org.assertj.core.groups.Tuple.tuple("UPDATE", StatusCode.UNSET));
    }

    @Test
    void commitWhoseOutcomeIsUnknownSaysSo() {
        try (RoundTripCounter proxy = TestDb.proxy();
                Database cut = TestDb.throughBuilder(proxy, 1, APP + "-cut").openTelemetry(otel).build()) {
            Tx cutTx = Tx.create(cut);

            assertThatThrownBy(() -> cutTx.useTransaction(h -> {
                h.execute("insert into tracing_thing values (3, 'three')");
                proxy.cutOnNextClientSend(); // the next thing the driver sends is COMMIT
            })).isInstanceOf(CommitOutcomeUnknownException.class);
        }

        SpanData transaction = only("txfn transaction");
        assertThat(transaction.getAttributes().get(OUTCOME)).isEqualTo("commit_outcome_unknown");
        assertThat(transaction.getAttributes().get(ATTEMPTS)).isEqualTo(1L);
        assertThat(transaction.getAttributes().get(ERROR_TYPE))
                .isEqualTo(CommitOutcomeUnknownException.class.getName());
        assertThat(transaction.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(transaction.getEvents()).isEmpty();
        assertThat(childrenOf(transaction)).singleElement()
                .satisfies(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET));
    }

    @Test
    void statementCancelledAtTheDeadlineFailsBothSpans() {
        Instant deadline = Instant.now().plusMillis(300);

        assertThatThrownBy(() -> tx.withDeadline(deadline).useTransaction(h -> h.execute("select pg_sleep(30)")))
                .isInstanceOf(DeadlineExceededException.class);

        SpanData transaction = only("txfn transaction");
        assertThat(transaction.getAttributes().get(AttributeKey.stringKey("txfn.deadline")))
                .isEqualTo(deadline.toString());
        assertThat(transaction.getAttributes().get(OUTCOME)).isEqualTo("rolled_back");
        assertThat(transaction.getAttributes().get(ERROR_TYPE)).isEqualTo(DeadlineExceededException.class.getName());
        assertThat(transaction.getAttributes().get(STATUS_CODE)).isEqualTo("57014");
        SpanData sleep = childrenOf(transaction).get(0);
        assertThat(sleep.getAttributes().get(QUERY_TEXT)).isEqualTo("select pg_sleep(?)");
        assertThat(sleep.getAttributes().get(ERROR_TYPE)).isEqualTo("57014");
        assertThat(sleep.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        long sleptNanos = sleep.getEndEpochNanos() - sleep.getStartEpochNanos();
        assertThat(Duration.ofNanos(sleptNanos)).isBetween(Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    @Test
    void oneQueryTransactionHasItsOneStatement() {
        String name = tx.readOnly(TxFn.query("select name from tracing_thing where id = :id",
                q -> q.bind("id", 1).mapTo(String.class).one()));

        assertThat(name).isEqualTo("one");
        SpanData transaction = only("txfn transaction");
        assertThat(transaction.getAttributes().get(AttributeKey.booleanKey("txfn.read_only"))).isTrue();
        assertThat(transaction.getAttributes().get(OUTCOME)).isEqualTo("committed");
        // The span shows the query as written, not the BEGIN and COMMIT sent with it.
        assertThat(childrenOf(transaction)).singleElement().satisfies(s -> assertThat(s.getAttributes()
                .get(QUERY_TEXT)).isEqualTo("select name from tracing_thing where id = ?"));
    }

    @Test
    void rawJdbcThroughTheHandlesConnectionIsTraced() throws Exception {
        String name = tx.inTransaction(h -> {
            try (PreparedStatement ps = h.getConnection().prepareStatement("select name from tracing_thing"
                    + " where id = ?")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });

        assertThat(name).isEqualTo("one");
        assertThat(childrenOf(only("txfn transaction"))).singleElement().satisfies(s -> assertThat(s.getAttributes()
                .get(QUERY_TEXT)).isEqualTo("select name from tracing_thing where id = ?"));
    }

    @Test
    void serverAddressIsTheHostActuallyConnectedToOfSeveral() throws IOException {
        int refusing;
        try (ServerSocket closedOnceFound = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = closedOnceFound.getLocalPort();
        }
        PostgresTestDatabase server = TestDb.server();
        String url = "jdbc:postgresql://127.0.0.1:" + refusing + "," + server.host() + ":" + server.port() + "/"
                + server.database() + "?user=" + server.user();
        Database.Builder builder = Database.builder().jdbcUrl(url).maximumPoolSize(1).applicationName(APP + "-hosts")
                .transactionPooling(server.behindTransactionPooler()).openTelemetry(otel);
        if (!server.password().isEmpty()) {
            builder.password(server.password());
        }
        try (Database twoHosts = builder.build()) {
            Tx.create(twoHosts).useTransaction(h -> h.execute("select 1"));
        }

        SpanData select = childrenOf(only("txfn transaction")).get(0);
        assertThat(select.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo(server.host());
        assertThat(select.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo((long) server.port());
    }

    @Test
    void markerValueNeverAppearsInAnySpan() {
        tx.useTransaction(h -> {
            h.execute("insert into tracing_thing values (10, ?)", MARKER);
            h.execute("update tracing_thing set name = name where name = '" + MARKER + "' or name = $x$"
                    + MARKER + "$x$ /* " + MARKER + " */ -- " + MARKER);
        });
        // The server's message of this failure names the value; no span may carry it.
        assertThatThrownBy(() -> tx.useTransaction(TxOptions.defaults().withSetting("app.note", MARKER),
                h -> h.execute("insert into tracing_thing values (11, ?)", MARKER)))
                .isInstanceOf(UniqueViolationException.class);

        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).hasSize(5);
        for (SpanData span : spans) {
            assertThat(span.toString()).doesNotContain(MARKER);
        }
    }

    @Test
    void withoutAnInstanceTheGlobalOneIsUsedOnceSetAndNeverFixedBefore() {
        GlobalOpenTelemetry.resetForTest();
        try (Database plain = TestDb.database(1, APP + "-global")) {
            Tx global = Tx.create(plain);
            global.useTransaction(h -> h.execute("select 1"));
            // Not traced, and the global was not fixed to a no-op: the application can still set it.
            assertThat(GlobalOpenTelemetry.isSet()).isFalse();
            assertThat(exporter.getFinishedSpanItems()).isEmpty();

            GlobalOpenTelemetry.set(otel);
            global.useTransaction(h -> h.execute("select 1"));
            assertThat(childrenOf(only("txfn transaction"))).hasSize(1);
        } finally {
            GlobalOpenTelemetry.resetForTest();
        }
    }

    @Test
    void sampledOutTransactionAsksForNoStatementSpan() {
        AtomicInteger decisions = new AtomicInteger();
        Sampler dropAll = new Sampler() {
            @Override
            public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                    Attributes attributes, List<LinkData> parentLinks) {
                decisions.incrementAndGet();
                return SamplingResult.drop();
            }

            @Override
            public String getDescription() {
                return "counts and drops";
            }
        };
        InMemorySpanExporter nothing = InMemorySpanExporter.create(); // closed with its SDK, unlike the shared one
        try (OpenTelemetrySdk sampledOut = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(dropAll).addSpanProcessor(SimpleSpanProcessor.create(nothing)).build()).build()) {
            Tx quiet = Tx.builder(db).openTelemetry(sampledOut).build();
            quiet.useTransaction(h -> {
                h.execute("select 1");
                h.execute("select 2");
            });

            assertThat(decisions).as("sampling decisions: the transaction's only").hasValue(1);
            assertThat(nothing.getFinishedSpanItems()).isEmpty();
        }
    }

    @Test
    void tracingCostsNoRoundTrip() {
        try (RoundTripCounter proxy = TestDb.proxy();
                Database traced = TestDb.throughBuilder(proxy, 1, APP + "-trips").openTelemetry(otel).build()) {
            Tx tracedTx = Tx.create(traced);
            TxOptions serializable = TxOptions.defaults().withIsolation(Isolation.SERIALIZABLE);
            tracedTx.useTransaction(h -> h.execute("select 1")); // the connection is opened outside the count
            exporter.reset();

            proxy.reset();
            tracedTx.useTransaction(h -> {
                h.execute("select 1");
                h.execute("select 2");
            });
            long plain = proxy.roundTrips();
            proxy.reset();
            tracedTx.useTransaction(serializable, h -> {
                h.execute("select 1");
                h.execute("select 2");
            });
            long withOptions = proxy.roundTrips();
            proxy.reset();
            tracedTx.readOnly(TxFn.query("select 1", q -> q.mapTo(Integer.class).one()));
            long oneQuery = proxy.roundTrips();

            assertThat(List.of(plain, withOptions, oneQuery)).containsExactly(3L, 3L, 1L);
            assertThat(exporter.getFinishedSpanItems()).hasSize(3 + 3 + 2);
        }
    }

    @Test
    void somethingElseThanOpenTelemetryIsRefusedAtBuildTime() {
        assertThatThrownBy(() -> Database.builder().jdbcUrl(TestDb.server().jdbcUrl()).openTelemetry("otel").build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("openTelemetry"));
    }

    private static SpanData only(String name) {
        List<SpanData> named = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name))
                .toList();
        assertThat(named).as("spans named %s among %s", name, exporter.getFinishedSpanItems()).hasSize(1);
        return named.get(0);
    }

    private static List<SpanData> childrenOf(SpanData parent) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()))
                .toList();
    }
}
