package dev.txfn.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.CommitOutcomeUnknownException;
import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.TxEvent;
import dev.txfn.TxListener;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.HttpIdempotency;
import dev.txfn.lambda.HttpProblem;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;
import dev.txfn.lambda.IdempotencyTable;
import dev.txfn.lambda.InvocationSettings;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.RoundTripCounter;
import dev.txfn.testing.SettleAssertions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code Idempotency-Key} on HTTP writes, through the HTTP API handler, against real PostgreSQL. */
class HttpIdempotencyTest {
    private static final String APP = "txfn-http-idempotency-test";
    private static final String KEYS = "idem_http_keys";
    private static final AtomicInteger TRANSACTIONS = new AtomicInteger();
    private static final AtomicInteger WORK = new AtomicInteger();
    private static volatile CountDownLatch inSlowRoute = new CountDownLatch(1);
    private static volatile CountDownLatch releaseSlowRoute = new CountDownLatch(0);

    private static RoundTripCounter proxy;
    private static Database db;
    private static Api api;

    record NewThing(String name) {
    }

    record Thing(long id, String name) {
    }

    static final class Api extends HttpApiHandler {
        Api(LambdaResources resources) {
            super(resources, routes());
        }
    }

    static HttpRoutes routes() {
        HttpIdempotency optional = HttpIdempotency.optional().withTable(KEYS);
        return HttpRoutes.builder()
                .post("/things", NewThing.class, optional.route((req, body, h) -> {
                    WORK.incrementAndGet();
                    if (body.name().equals("slow")) {
                        inSlowRoute.countDown();
                        assertThat(releaseSlowRoute.await(30, TimeUnit.SECONDS)).isTrue();
                    }
                    if (body.name().equals("refused")) {
                        throw HttpProblem.unprocessable("refused by the route");
                    }
                    if (body.name().equals("unknown")) {
                        throw new CommitOutcomeUnknownException("the connection failed after COMMIT was sent",
                                "08006", null);
                    }
                    Thing t = h.createQuery("insert into idem_thing(name) values (:name) returning id, name")
                            .bind("name", body.name()).mapTo(Thing.class).one();
                    return HttpResponse.created("/things/" + t.id(), t).withCookie("seen=" + t.id());
                }))
                .post("/required", NewThing.class, HttpIdempotency.required().withTable(KEYS)
                        .route((req, body, h) -> {
                            WORK.incrementAndGet();
                            return HttpResponse.ok(body);
                        }))
                .post("/short", NewThing.class, optional.withRetention(Duration.ofSeconds(1))
                        .route((req, body, h) -> {
                            WORK.incrementAndGet();
                            h.execute("insert into idem_thing(name) values (?)", body.name());
                            return HttpResponse.noContent();
                        }))
                .build();
    }

    @BeforeAll
    static void startDatabase() {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        proxy = RoundTripCounter.start(server.host(), server.port());
        Database.Builder builder = Database.builder().jdbcUrl(proxy.jdbcUrl(server.database(), server.user()))
                .maximumPoolSize(1).applicationName(APP)
                .transactionPooling(server.behindTransactionPooler());
        if (!server.password().isEmpty()) {
            builder.password(server.password());
        }
        db = builder.build();
        Tx tx = Tx.builder(db).listener(new TxListener() {
            @Override
            public void onBegin(TxEvent event) {
                TRANSACTIONS.incrementAndGet();
            }
        }).build();
        tx.useTransaction(h -> {
            h.execute("drop table if exists idem_thing, " + KEYS);
            h.execute("create table idem_thing (id bigserial primary key, name text not null)");
            h.execute(IdempotencyTable.createTableSql(KEYS));
        });
        api = new Api(new LambdaResources(tx, InvocationSettings.defaults().withDatabase(db)));
    }

    @AfterAll
    static void closeDatabase() {
        db.close();
        proxy.close();
    }

    @BeforeEach
    void resetData() {
        Tx.create(db).useTransaction(h -> h.execute("truncate idem_thing, " + KEYS + " restart identity"));
        TRANSACTIONS.set(0);
        WORK.set(0);
    }

    @AfterEach
    void noSessionIdleInTransaction() {
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    private static APIGatewayV2HTTPEvent post(String path, String name, String key) {
        APIGatewayV2HTTPEvent event = HttpEvents.v2Json("POST", path, "{\"name\":\"" + name + "\"}");
        if (key != null) {
            event.getHeaders().put("idempotency-key", key);
        }
        return event;
    }

    private static APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return api.handleRequest(event, LocalContext.create());
    }

    private static long things(String name) {
        return Tx.create(db).readOnly(h -> h.createQuery("select count(*) from idem_thing where name = :name")
                .bind("name", name).mapTo(Long.class).one());
    }

    private static String problemType(APIGatewayV2HTTPResponse response) {
        return (String) HttpEvents.json(response.getBody()).get("type");
    }

    @Test
    void sameKeyAfterCommitReplaysTheStoredResponseByteForByte() {
        APIGatewayV2HTTPResponse first = call(post("/things", "lamp", "key-1"));
        proxy.reset();
        TRANSACTIONS.set(0);

        APIGatewayV2HTTPResponse again = call(post("/things", "lamp", "key-1"));
        long replayRoundTrips = proxy.roundTrips();

        assertThat(first.getStatusCode()).isEqualTo(201);
        assertThat(first.getHeaders()).doesNotContainKey(HttpIdempotency.REPLAYED_HEADER);
        assertThat(again.getStatusCode()).isEqualTo(201);
        assertThat(again.getBody()).isEqualTo(first.getBody());
        assertThat(again.getHeaders()).containsEntry("Location", first.getHeaders().get("Location"))
                .containsEntry("Content-Type", "application/json")
                .containsEntry(HttpIdempotency.REPLAYED_HEADER, "true");
        assertThat(again.getCookies()).isEqualTo(first.getCookies());
        assertThat(things("lamp")).isEqualTo(1);
        assertThat(WORK).hasValue(1);
        assertThat(replayRoundTrips).isEqualTo(1); // the look-up, with its BEGIN and COMMIT, in one flight
    }

    @Test
    void quotedAndBareFormsAreTheSameKey() {
        call(post("/things", "desk", "\"key-2\""));
        APIGatewayV2HTTPResponse again = call(post("/things", "desk", "key-2"));

        assertThat(again.getHeaders()).containsEntry(HttpIdempotency.REPLAYED_HEADER, "true");
        assertThat(things("desk")).isEqualTo(1);
    }

    @Test
    void sameKeyForADifferentRequestIs422AndDoesNothing() {
        call(post("/things", "chair", "key-3"));

        APIGatewayV2HTTPResponse other = call(post("/things", "table", "key-3"));

        assertThat(other.getStatusCode()).isEqualTo(422);
        assertThat(problemType(other)).isEqualTo(HttpIdempotency.KEY_REUSED);
        assertThat(things("table")).isZero();
        assertThat(WORK).hasValue(1);
    }

    @Test
    void sameKeyWhileTheFirstRequestRunsIs409WithRetryAfter() throws Exception {
        inSlowRoute = new CountDownLatch(1);
        releaseSlowRoute = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Container other = new Container()) {
            Future<APIGatewayV2HTTPResponse> first = thread.submit(() -> other.call(post("/things", "slow",
                    "key-4")));
            assertThat(inSlowRoute.await(30, TimeUnit.SECONDS)).isTrue();

            APIGatewayV2HTTPResponse meanwhile = call(post("/things", "slow", "key-4"));
            releaseSlowRoute.countDown();

            assertThat(meanwhile.getStatusCode()).isEqualTo(409);
            assertThat(meanwhile.getHeaders()).containsEntry("Retry-After", "1");
            assertThat(problemType(meanwhile)).isEqualTo(HttpIdempotency.KEY_IN_USE);
            APIGatewayV2HTTPResponse original = first.get(30, TimeUnit.SECONDS);
            assertThat(original.getStatusCode()).isEqualTo(201);
            APIGatewayV2HTTPResponse retried = call(post("/things", "slow", "key-4"));
            assertThat(retried.getBody()).isEqualTo(original.getBody());
            assertThat(things("slow")).isEqualTo(1);
        } finally {
            releaseSlowRoute.countDown();
            thread.shutdownNow();
        }
    }

    @Test
    void missingKeyOnARequiredRouteIs400WithoutDatabaseWork() {
        APIGatewayV2HTTPResponse response = call(post("/required", "x", null));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(problemType(response)).isEqualTo(HttpIdempotency.KEY_INVALID);
        assertThat(TRANSACTIONS).hasValue(0);
    }

    @Test
    void malformedKeysAre400WithoutDatabaseWork() {
        for (String key : List.of("k".repeat(256), "caf\u00e9", "tab\tinside", "\"\"")) {
            APIGatewayV2HTTPResponse response = call(post("/things", "never", key));

            assertThat(response.getStatusCode()).as(key).isEqualTo(400);
            assertThat(problemType(response)).isEqualTo(HttpIdempotency.KEY_INVALID);
        }
        assertThat(TRANSACTIONS).hasValue(0);
        assertThat(WORK).hasValue(0);
    }

    @Test
    void theLongestKeyIsAccepted() {
        String key = "k".repeat(HttpIdempotency.MAX_KEY_LENGTH);
        call(post("/things", "long", key));

        assertThat(call(post("/things", "long", key)).getHeaders())
                .containsEntry(HttpIdempotency.REPLAYED_HEADER, "true");
        assertThat(things("long")).isEqualTo(1);
    }

    @Test
    void keysAreScopedToTheAuthorizedPrincipal() {
        APIGatewayV2HTTPResponse alice = call(asPrincipal(post("/things", "shared", "key-5"), "alice"));
        APIGatewayV2HTTPResponse bob = call(asPrincipal(post("/things", "shared", "key-5"), "bob"));
        APIGatewayV2HTTPResponse aliceAgain = call(asPrincipal(post("/things", "shared", "key-5"), "alice"));

        assertThat(alice.getStatusCode()).isEqualTo(201);
        assertThat(bob.getStatusCode()).isEqualTo(201);
        assertThat(bob.getHeaders()).doesNotContainKey(HttpIdempotency.REPLAYED_HEADER);
        assertThat(aliceAgain.getBody()).isEqualTo(alice.getBody());
        assertThat(things("shared")).isEqualTo(2);
    }

    @Test
    void aRouteThatFailsStoresNothingSoTheKeyMayBeUsedAgain() {
        APIGatewayV2HTTPResponse refused = call(post("/things", "refused", "key-6"));
        APIGatewayV2HTTPResponse next = call(post("/things", "accepted", "key-6"));

        assertThat(refused.getStatusCode()).isEqualTo(422);
        assertThat(next.getStatusCode()).isEqualTo(201);
        assertThat(things("accepted")).isEqualTo(1);
    }

    @Test
    void anExpiredKeyIsANewKey() throws InterruptedException {
        call(post("/short", "brief", "key-7"));
        Thread.sleep(1_100);

        APIGatewayV2HTTPResponse later = call(post("/short", "brief", "key-7"));

        assertThat(later.getHeaders()).doesNotContainKey(HttpIdempotency.REPLAYED_HEADER);
        assertThat(things("brief")).isEqualTo(2);
    }

    @Test
    void withoutAKeyAnOptionalRouteRunsEveryTime() {
        call(post("/things", "plain", null));
        call(post("/things", "plain", null));

        assertThat(things("plain")).isEqualTo(2);
        long keys = Tx.create(db).readOnly(h -> h.createQuery("select count(*) from " + KEYS).mapTo(Long.class)
                .one());
        assertThat(keys).isZero();
    }

    @Test
    void commitOutcomeUnknownIs503NamingItWithRetryAfter() {
        APIGatewayV2HTTPResponse response = call(post("/things", "unknown", "key-8"));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(response.getHeaders()).containsEntry("Retry-After", "1");
        assertThat(problemType(response)).isEqualTo("https://txfn.dev/problems/commit-outcome-unknown");
    }

    /**
     * Clients retrying with their keys while the server terminates the application's sessions at random moments
     * (COMMIT included): every logical request has exactly one effect, and every client ends with the response
     * the key stored.
     */
    @Test
    void retriesWithKeysUnderTerminatedSessionsHaveExactlyOneEffect() throws Exception {
        assumeFalse(PostgresTestDatabase.shared().behindTransactionPooler(),
                "behind PgBouncer, terminating sessions by application_name ends PgBouncer's server connections,"
                        + " not this application's");
        int clients = 3;
        int requestsEach = 10;
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(clients + 1);
        try {
            Future<Integer> killer = threads.submit(() -> {
                int killed = 0;
                while (running.get()) {
                    killed += PostgresTestDatabase.shared().terminateBackends(APP);
                    Thread.sleep(ThreadLocalRandom.current().nextInt(10, 60));
                }
                return killed;
            });
            List<Future<Map<String, String>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(threads.submit(() -> {
                    try (Container container = new Container()) {
                        return retryEach(container, client, requestsEach);
                    }
                }));
            }
            List<Map<String, String>> finals = new ArrayList<>();
            for (Future<Map<String, String>> result : results) {
                finals.add(result.get(120, TimeUnit.SECONDS));
            }
            running.set(false);
            assertThat(killer.get(30, TimeUnit.SECONDS)).isPositive();

            for (Map<String, String> bodies : finals) {
                bodies.forEach((name, body) -> {
                    assertThat(things(name)).as(name).isEqualTo(1);
                    APIGatewayV2HTTPResponse replay = call(post("/things", name, "key-" + name));
                    assertThat(replay.getBody()).as(name).isEqualTo(body);
                });
            }
        } finally {
            running.set(false);
            threads.shutdownNow();
        }
    }

    /** Sends each of a client's requests until it gets an answer that is not 5xx; returns the final bodies. */
    private static Map<String, String> retryEach(Container container, int client, int requests) {
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        for (int r = 0; r < requests; r++) {
            String name = "c" + client + "-r" + r;
            APIGatewayV2HTTPResponse response = null;
            for (int attempt = 0; attempt < 200; attempt++) {
                response = container.call(post("/things", name, "key-" + name));
                if (response.getStatusCode() < 500 && response.getStatusCode() != 409) {
                    break;
                }
            }
            assertThat(response.getStatusCode()).as(name).isEqualTo(201);
            bodies.put(name, response.getBody());
        }
        return bodies;
    }

    /**
     * Another Lambda container: a pool and a handler of its own, as the settle check at the end of each invocation
     * expects (one invocation at a time per container).
     */
    private static final class Container implements AutoCloseable {
        private final Database pool;
        private final Api handler;

        Container() {
            PostgresTestDatabase server = PostgresTestDatabase.shared();
            Database.Builder builder = Database.builder().jdbcUrl(proxy.jdbcUrl(server.database(), server.user()))
                    .maximumPoolSize(1).applicationName(APP)
                .transactionPooling(server.behindTransactionPooler());
            if (!server.password().isEmpty()) {
                builder.password(server.password());
            }
            pool = builder.build();
            handler = new Api(new LambdaResources(Tx.create(pool), InvocationSettings.defaults()
                    .withDatabase(pool)));
        }

        APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
            return handler.handleRequest(event, LocalContext.create());
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    private static APIGatewayV2HTTPEvent asPrincipal(APIGatewayV2HTTPEvent event, String sub) {
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer =
                new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt =
                new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(Map.of("sub", sub));
        authorizer.setJwt(jwt);
        event.getRequestContext().setAuthorizer(authorizer);
        return event;
    }
}
