package dev.txfn.lambda.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.lambda.EventHandler;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;
import dev.txfn.lambda.InvocationSettings;
import dev.txfn.lambda.LambdaEvents;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import dev.txfn.lambda.LocalHttpServer;
import dev.txfn.lambda.RestApiHandler;
import dev.txfn.lambda.SqsHandler;
import dev.txfn.lambda.SqsSettings;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.SettleAssertions;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every invocation is one span with the FaaS conventions, current while the handler runs, continuing the trace
 * Lambda hands over (X-Ray header) or the HTTP request's {@code traceparent}; exported before the handler
 * returns when a telemetry flush is set. Real PostgreSQL behind the handlers, the SDK's in-memory exporter.
 */
class InvocationSpanTest {
    private static final String APP = "txfn-invocation-span-test";
    private static final String CORE_SCOPE = "dev.txfn";
    static final String XRAY_PROPERTY = "com.amazonaws.xray.traceHeader";
    static final String XRAY_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    static final String XRAY_TRACE_ID = "5759e988bd862e3fe1be46a994272793";
    static final String XRAY_PARENT_ID = "53995c3f42cd8ad8";
    static final String TRACEPARENT_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    static final String TRACEPARENT_PARENT_ID = "b7ad6b7169203331";
    static final String TRACEPARENT = "00-" + TRACEPARENT_TRACE_ID + "-" + TRACEPARENT_PARENT_ID + "-01";

    private InMemorySpanExporter exporter;
    private SdkTracerProvider provider;
    private Database db;

    /** The routes a user would write: one reading the database, one starting its own span, one failing. */
    static final class ThingsApi extends HttpApiHandler {
        ThingsApi(LambdaResources resources) {
            super(resources, HttpRoutes.builder()
                    .get("/things/{id}", (request, tx) -> HttpResponse.ok(Map.of("id", request.pathLong("id"),
                            "answer", tx.readOnly(h -> h.createQuery("select 42").mapTo(Integer.class).one()))))
                    .get("/nested", (request, tx) -> {
                        Span child = GlobalOpenTelemetry.getTracer("test").spanBuilder("child").startSpan();
                        child.end(); // parent: whatever is current, as a transaction span's would be
                        return HttpResponse.ok(Map.of("nested", true));
                    })
                    .get("/fails", (request, tx) -> {
                        throw new IllegalStateException("route failed on purpose");
                    })
                    .get("/leak", (request, tx) -> {
                        tx.useTransaction(h -> {
                            Handle leaked = h.getJdbi().open(); // bypasses Tx: never closed
                            leaked.begin();
                            leaked.execute("select 1");
                        });
                        return HttpResponse.ok(Map.of("leaked", true));
                    })
                    .build());
        }
    }

    record OrderPlaced(String orderId, int quantity) {
    }

    static final class ThingsRestApi extends RestApiHandler {
        ThingsRestApi(LambdaResources resources) {
            super(resources, HttpRoutes.builder()
                    .get("/things/{id}", (request, tx) -> HttpResponse.ok(Map.of("id", request.pathLong("id"))))
                    .build());
        }
    }

    static final class OrdersQueue extends SqsHandler<OrderPlaced> {
        OrdersQueue(LambdaResources resources) {
            // No idempotency table: the span is the point, and a shared server keeps message ids between runs.
            super(OrderPlaced.class, resources, SqsSettings.<OrderPlaced>defaults().withIdempotency(false),
                    (order, message, handle) -> handle.execute("select 1"));
        }
    }

    static final class Purge extends EventHandler<ScheduledEvent, String> {
        Purge(LambdaResources resources, boolean fail) {
            super(resources, (event, tx, context) -> {
                if (fail) {
                    throw new IllegalArgumentException("purge failed on purpose");
                }
                return "purged";
            });
        }
    }

    @BeforeEach
    void registerSdk() {
        install(SimpleSpanProcessor::create);
        db = Database.builder().jdbcUrl(PostgresTestDatabase.shared().jdbcUrl()).maximumPoolSize(2)
                .applicationName(APP).build();
    }

    @AfterEach
    void resetGlobalState() {
        GlobalOpenTelemetry.resetForTest();
        provider.close();
        System.clearProperty(XRAY_PROPERTY);
        db.close();
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    @Test
    void httpInvocationIsOneServerSpanWithTheFaasAndHttpAttributes() {
        ThingsApi api = new ThingsApi(LambdaResources.of(db));

        APIGatewayV2HTTPResponse response = api.handleRequest(get("/things/7"),
                LocalContext.create().withRequestId("req-span-1"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("GET /things/{id}");
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getAttributes().asMap()).containsAllEntriesOf(Map.ofEntries(
                Map.entry(AttributeKey.stringKey("faas.trigger"), "http"),
                Map.entry(AttributeKey.stringKey("faas.invocation_id"), "req-span-1"),
                Map.entry(AttributeKey.booleanKey("faas.coldstart"), true),
                Map.entry(AttributeKey.stringKey("faas.name"), "txfn-local"),
                Map.entry(AttributeKey.stringKey("faas.version"), "$LATEST"),
                Map.entry(AttributeKey.stringKey("cloud.provider"), "aws"),
                Map.entry(AttributeKey.stringKey("cloud.platform"), "aws_lambda"),
                Map.entry(AttributeKey.stringKey("cloud.region"), "local"),
                Map.entry(AttributeKey.stringKey("cloud.account.id"), "000000000000"),
                Map.entry(AttributeKey.stringKey("http.request.method"), "GET"),
                Map.entry(AttributeKey.stringKey("http.route"), "/things/{id}"),
                Map.entry(AttributeKey.longKey("http.response.status_code"), 200L),
                Map.entry(AttributeKey.booleanKey("txfn.invocation.settled"), true),
                Map.entry(AttributeKey.stringKey("txfn.invocation.outcome"), "200"),
                Map.entry(AttributeKey.longKey("txfn.invocation.transactions"), 1L)));
    }

    @Test
    void onlyTheFirstInvocationOfAHandlerIsAColdStart() {
        ThingsApi api = new ThingsApi(LambdaResources.of(db));

        api.handleRequest(get("/things/1"), LocalContext.create());
        api.handleRequest(get("/things/2"), LocalContext.create());

        assertThat(invocationSpans()).extracting(s -> s.getAttributes()
                .get(AttributeKey.booleanKey("faas.coldstart"))).containsExactly(true, false);
    }

    @Test
    void transactionAndStatementSpansNestUnderTheInvocationSpan() {
        new ThingsApi(LambdaResources.of(db)).handleRequest(get("/things/7"), LocalContext.create());

        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).extracting(SpanData::getKind)
                .containsExactly(SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.SERVER);
        assertThat(spans.get(0).getName()).startsWith("SELECT ");
        assertThat(spans).extracting(SpanData::getName).endsWith("txfn transaction", "GET /things/{id}");
        SpanData statement = spans.get(0);
        SpanData transaction = spans.get(1);
        SpanData invocation = spans.get(2);
        assertThat(statement.getInstrumentationScopeInfo().getName()).isEqualTo(CORE_SCOPE);
        assertThat(statement.getParentSpanId()).isEqualTo(transaction.getSpanId());
        assertThat(transaction.getParentSpanId()).isEqualTo(invocation.getSpanId());
        assertThat(spans).extracting(SpanData::getTraceId).containsOnly(invocation.getTraceId());
    }

    @Test
    void spanStartedInTheHandlerIsAChildOfTheInvocationSpan() {
        new ThingsApi(LambdaResources.of(db)).handleRequest(get("/nested"), LocalContext.create());

        List<SpanData> spans = invocationSpans();
        assertThat(spans).extracting(SpanData::getName).containsExactly("child", "GET /nested");
        assertThat(spans.get(0).getParentSpanId()).isEqualTo(spans.get(1).getSpanId());
        assertThat(spans.get(0).getTraceId()).isEqualTo(spans.get(1).getTraceId());
        assertThat(Span.current().getSpanContext().isValid()).as("nothing current after the invocation").isFalse();
    }

    @Test
    void xrayHeaderInTheSystemPropertyIsTheParent() {
        System.setProperty(XRAY_PROPERTY, XRAY_HEADER);

        new ThingsApi(LambdaResources.of(db)).handleRequest(get("/things/7"), LocalContext.create());

        SpanData span = onlySpan();
        assertThat(span.getTraceId()).isEqualTo(XRAY_TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(XRAY_PARENT_ID);
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(span.getParentSpanContext().isSampled()).isTrue();
        assertThat(span.getLinks()).isEmpty();
    }

    @Test
    void xrayTraceIdOfTheLambdaContextWinsOverTheSystemProperty() {
        System.setProperty(XRAY_PROPERTY, "Root=1-11111111-222222222222222222222222;Parent=3333333333333333;Sampled=1");

        new ThingsApi(LambdaResources.of(db)).handleRequest(get("/things/7"),
                LocalContext.create().withXrayTraceId(XRAY_HEADER));

        assertThat(onlySpan().getTraceId()).isEqualTo(XRAY_TRACE_ID);
    }

    @Test
    void traceparentIsTheParentWhenLambdaHandsOverNoTrace() {
        APIGatewayV2HTTPEvent event = get("/things/7");
        event.getHeaders().put("traceparent", TRACEPARENT);

        new ThingsApi(LambdaResources.of(db)).handleRequest(event, LocalContext.create());

        SpanData span = onlySpan();
        assertThat(span.getTraceId()).isEqualTo(TRACEPARENT_TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(TRACEPARENT_PARENT_ID);
    }

    @Test
    void localHttpServerRequestContinuesTheCallersTraceparent() throws Exception {
        try (LocalHttpServer server = LocalHttpServer.start(new ThingsApi(LambdaResources.of(db)), 0)) {
            java.net.http.HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/things/7")).header("traceparent", TRACEPARENT)
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
        }
        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("GET /things/{id}");
        assertThat(span.getTraceId()).isEqualTo(TRACEPARENT_TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(TRACEPARENT_PARENT_ID);
    }

    @Test
    void traceparentBecomesALinkWhenTheXrayTraceIsTheParent() {
        APIGatewayV2HTTPEvent event = get("/things/7");
        event.getHeaders().put("traceparent", TRACEPARENT);

        new ThingsApi(LambdaResources.of(db)).handleRequest(event, LocalContext.create().withXrayTraceId(XRAY_HEADER));

        SpanData span = onlySpan();
        assertThat(span.getTraceId()).isEqualTo(XRAY_TRACE_ID);
        assertThat(span.getLinks()).singleElement().satisfies(link -> {
            assertThat(link.getSpanContext().getTraceId()).isEqualTo(TRACEPARENT_TRACE_ID);
            assertThat(link.getSpanContext().getSpanId()).isEqualTo(TRACEPARENT_PARENT_ID);
        });
    }

    @Test
    void restApiTraceparentIsReadWhateverTheHeaderNameCase() {
        APIGatewayProxyRequestEvent event = LambdaEvents.fromResource("events/http/v1-get-thing.json",
                APIGatewayProxyRequestEvent.class);
        event.setHeaders(Map.of("Traceparent", TRACEPARENT));
        event.setMultiValueHeaders(Map.of("Traceparent", List.of(TRACEPARENT)));

        APIGatewayProxyResponseEvent response = new ThingsRestApi(LambdaResources.of(db)).handleRequest(event,
                LocalContext.create());

        assertThat(response.getStatusCode()).isEqualTo(200);
        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("GET /things/{id}");
        assertThat(span.getTraceId()).isEqualTo(TRACEPARENT_TRACE_ID);
    }

    @Test
    void malformedXrayHeaderFallsBackToTheTraceparent() {
        System.setProperty(XRAY_PROPERTY, "Root=1-5759e988-not-hex;Parent=zz;Sampled=1");
        APIGatewayV2HTTPEvent event = get("/things/7");
        event.getHeaders().put("traceparent", TRACEPARENT);

        APIGatewayV2HTTPResponse response = new ThingsApi(LambdaResources.of(db)).handleRequest(event,
                LocalContext.create());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(onlySpan().getTraceId()).isEqualTo(TRACEPARENT_TRACE_ID);
    }

    @Test
    void serverErrorMarksTheSpanAsAnError() {
        APIGatewayV2HTTPResponse response = new ThingsApi(LambdaResources.of(db)).handleRequest(get("/fails"),
                LocalContext.create());

        assertThat(response.getStatusCode()).isEqualTo(500);
        SpanData span = onlySpan();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(500L);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("500");
    }

    @Test
    void unmatchedPathIsNamedByMethodOnlyAndCarriesNoRoute() {
        new ThingsApi(LambdaResources.of(db)).handleRequest(get("/nothing/here/42"), LocalContext.create());

        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("GET");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.route"))).isNull();
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(404L);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void unsettledInvocationIsAnErrorNamingTheLeak() {
        APIGatewayV2HTTPResponse response = new ThingsApi(LambdaResources.of(db)).handleRequest(get("/leak"),
                LocalContext.create());

        assertThat(response.getStatusCode()).isEqualTo(500);
        SpanData span = onlySpan();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.booleanKey("txfn.invocation.settled"))).isFalse();
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("txfn.unsettled");
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(500L);
    }

    @Test
    void sqsBatchIsOneConsumerSpanWithTheMessagingAttributes() {
        SQSEvent batch = LambdaEvents.fromResource("events/sqs-batch.json", SQSEvent.class);

        new OrdersQueue(LambdaResources.of(db)).handleRequest(batch, LocalContext.create());

        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("process orders");
        assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(span.getAttributes().asMap()).containsAllEntriesOf(Map.of(
                AttributeKey.stringKey("faas.trigger"), "pubsub",
                AttributeKey.stringKey("messaging.system"), "aws_sqs",
                AttributeKey.stringKey("messaging.destination.name"), "orders",
                AttributeKey.longKey("messaging.batch.message_count"), (long) batch.getRecords().size()));
        assertThat(span.getAttributes().get(AttributeKey.stringKey("txfn.invocation.outcome"))).endsWith("ok");
    }

    @Test
    void scheduledEventIsATimerInvocationNamedAfterTheFunction() {
        ScheduledEvent event = LambdaEvents.fromResource("events/scheduled-event.json", ScheduledEvent.class);

        new Purge(LambdaResources.of(db), false).handleRequest(event, LocalContext.create());

        SpanData span = onlySpan();
        assertThat(span.getName()).isEqualTo("txfn-local");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("faas.trigger"))).isEqualTo("timer");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void failedEventFunctionMarksTheSpanWithItsExceptionType() {
        ScheduledEvent event = LambdaEvents.fromResource("events/scheduled-event.json", ScheduledEvent.class);

        assertThatThrownBy(() -> new Purge(LambdaResources.of(db), true).handleRequest(event, LocalContext.create()))
                .isInstanceOf(IllegalArgumentException.class);

        SpanData span = onlySpan();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(IllegalArgumentException.class.getName());
    }

    @Test
    void telemetryFlushExportsTheSpanBeforeTheHandlerReturns() {
        // A batch processor that would hold the span for an hour: only the flush can export it in time.
        install(exporter -> BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofHours(1)).build());
        InvocationSettings settings = InvocationSettings.defaults().withDatabase(db)
                .withTelemetryFlush(() -> provider.forceFlush().join(5, TimeUnit.SECONDS));
        ThingsApi api = new ThingsApi(new LambdaResources(Tx.create(db), settings));

        api.handleRequest(get("/things/7"), LocalContext.create());

        assertThat(invocationSpans()).extracting(SpanData::getName).containsExactly("GET /things/{id}");
    }

    @Test
    void failingTelemetryFlushDoesNotFailTheInvocation() {
        InvocationSettings settings = InvocationSettings.defaults().withDatabase(db).withTelemetryFlush(() -> {
            throw new IllegalStateException("collector unreachable (simulated)");
        });
        ThingsApi api = new ThingsApi(new LambdaResources(Tx.create(db), settings));

        APIGatewayV2HTTPResponse response = api.handleRequest(get("/things/7"), LocalContext.create());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(onlySpan().getName()).isEqualTo("GET /things/{id}");
    }

    /** Registers a new SDK exporting to a new in-memory exporter through the processor {@code processor} makes. */
    private void install(Function<SpanExporter, SpanProcessor> processor) {
        if (provider != null) {
            GlobalOpenTelemetry.resetForTest();
            provider.close(); // shuts its exporter down too
        }
        exporter = InMemorySpanExporter.create();
        provider = SdkTracerProvider.builder().addSpanProcessor(processor.apply(exporter)).build();
        GlobalOpenTelemetry.set(OpenTelemetrySdk.builder().setTracerProvider(provider).build());
    }

    private SpanData onlySpan() {
        List<SpanData> spans = invocationSpans();
        assertThat(spans).as("invocation spans exported").hasSize(1);
        return spans.get(0);
    }

    /** The spans not made by txfn's core (whose transaction and statement spans nest under the invocation's). */
    private List<SpanData> invocationSpans() {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> !s.getInstrumentationScopeInfo().getName().equals(CORE_SCOPE))
                .toList();
    }

    static APIGatewayV2HTTPEvent get(String path) {
        return APIGatewayV2HTTPEvent.builder()
                .withRawPath(path)
                .withHeaders(new HashMap<>(Map.of("accept", "application/json")))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath(path)
                                .build())
                        .withStage("$default")
                        .build())
                .build();
    }
}
