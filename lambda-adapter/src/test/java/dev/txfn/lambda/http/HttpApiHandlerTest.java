package dev.txfn.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.TxEvent;
import dev.txfn.TxListener;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.InvocationSettings;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.SettleAssertions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP API (v2) handler through the Lambda contract, against real PostgreSQL. */
class HttpApiHandlerTest {
    static final String APP = "txfn-http-v2-test";
    static final AtomicInteger BEGINS = new AtomicInteger();

    static Database db;
    static ThingsApi api;

    static final class ThingsApi extends HttpApiHandler {
        ThingsApi(LambdaResources resources) {
            super(resources, ThingsRoutes.routes());
        }
    }

    @BeforeAll
    static void startDatabase() {
        db = Database.builder().jdbcUrl(PostgresTestDatabase.shared().jdbcUrl()).maximumPoolSize(1)
                .applicationName(APP).build();
        Tx tx = Tx.builder(db).listener(new TxListener() {
            @Override
            public void onBegin(TxEvent event) {
                BEGINS.incrementAndGet();
            }
        }).build();
        tx.useTransaction(h -> h.createScript(ThingsRoutes.SCHEMA).execute());
        api = new ThingsApi(new LambdaResources(tx, InvocationSettings.defaults().withDatabase(db)));
    }

    @AfterAll
    static void closeDatabase() {
        db.close();
    }

    @BeforeEach
    void resetData() {
        Tx.create(db).useTransaction(h -> h.createScript(ThingsRoutes.RESET + ThingsRoutes.SEED).execute());
        BEGINS.set(0);
    }

    @AfterEach
    void noSessionIdleInTransaction() {
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    static APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return api.handleRequest(event, LocalContext.create());
    }

    static Map<String, Object> problem(APIGatewayV2HTTPResponse response, int status) {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
        Map<String, Object> body = HttpEvents.json(response.getBody());
        assertThat(body).containsEntry("status", status).containsKeys("type", "title", "instance", "requestId");
        return body;
    }

    @Test
    void getsAThingFromTheRuntimeDecodedFixture() {
        APIGatewayV2HTTPResponse response = call(HttpEvents.v2Fixture("v2-get-thing.json"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
        assertThat(HttpEvents.json(response.getBody())).containsEntry("name", "first").containsEntry("qty", 5);
    }

    @Test
    void createsAThingFromABase64BodyUnderANamedStage() {
        APIGatewayV2HTTPResponse response = call(HttpEvents.v2Fixture("v2-post-thing.json"));

        assertThat(response.getStatusCode()).isEqualTo(201);
        Map<String, Object> body = HttpEvents.json(response.getBody());
        assertThat(body).containsEntry("name", "from-fixture").containsEntry("qty", 3);
        assertThat(response.getHeaders()).containsEntry("Location", "/things/" + body.get("id"));
    }

    @Test
    void deletesAThingWithNoContent() {
        APIGatewayV2HTTPResponse response = call(HttpEvents.v2("DELETE", "/things/" + firstId()));

        assertThat(response.getStatusCode()).isEqualTo(204);
        assertThat(response.getBody()).isNull();
        assertThat(count()).isZero();
    }

    @Test
    void literalSegmentBeatsParameter() {
        APIGatewayV2HTTPResponse response = call(HttpEvents.v2("GET", "/things/count"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(HttpEvents.json(response.getBody())).containsEntry("count", 1);
    }

    @Test
    void pathAndQueryParametersReachTheRoute() {
        // A client's /echo/caf%C3%A9/ arrives with rawPath already decoded; rawQueryString stays encoded.
        APIGatewayV2HTTPResponse response = call(HttpEvents.v2("GET", "/echo/café/?tag=a&tag=b%20c&n=1"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("X-Echo", "café");
        Map<String, Object> echo = HttpEvents.json(response.getBody());
        assertThat(echo).containsEntry("route", "/echo/{word}").containsEntry("params", Map.of("word", "café"))
                .containsEntry("path", "/echo/caf%C3%A9/")
                .containsEntry("query", Map.of("tag", List.of("a", "b c"), "n", List.of("1")));
    }

    @Test
    void decodedRawPathIsNotDecodedAgain() {
        // A client's /echo/%2541 arrives as rawPath /echo/%41: the value is %41, never A.
        Map<String, Object> echo = HttpEvents.json(call(HttpEvents.v2("GET", "/echo/%41")).getBody());

        assertThat(echo).containsEntry("params", Map.of("word", "%41")).containsEntry("path", "/echo/%2541");
    }

    @Test
    void percentInADecodedRawPathStaysInItsSegment() {
        // What clients sent as /echo/a%252Fb and /echo/50%25.
        Map<String, Object> slash = HttpEvents.json(call(HttpEvents.v2("GET", "/echo/a%2Fb")).getBody());
        Map<String, Object> percent = HttpEvents.json(call(HttpEvents.v2("GET", "/echo/50%")).getBody());

        assertThat(slash).containsEntry("params", Map.of("word", "a%2Fb")).containsEntry("path", "/echo/a%252Fb");
        assertThat(percent).containsEntry("params", Map.of("word", "50%")).containsEntry("path", "/echo/50%25");
    }

    @Test
    void encodedSlashArrivesAsASeparatorFromAnHttpApi() {
        // A client's /things/a%2Fb arrives as rawPath /things/a/b: API Gateway has split it already.
        Map<String, Object> body = problem(call(HttpEvents.v2("GET", "/things/a/b")), 404);

        assertThat(body).containsEntry("instance", "/things/a/b");
    }

    @Test
    void cookiesArrayReachesTheRouteAsOneCookieHeader() {
        APIGatewayV2HTTPEvent event = HttpEvents.v2Fixture("v2-get-thing.json");
        event.setRawPath("/echo/c");
        event.setCookies(List.of("session=abc", "theme=dark"));

        Map<String, Object> echo = HttpEvents.json(call(event).getBody());

        assertThat(echo).containsEntry("cookie", "session=abc; theme=dark")
                .containsEntry("cookies", Map.of("session", "abc", "theme", "dark"));
    }

    @Test
    void cookiesFromTheRuntimeDecodedFixtureReachTheRoute() {
        APIGatewayV2HTTPEvent event = HttpEvents.v2Fixture("v2-get-thing.json");
        event.setRawPath("/echo/c");

        assertThat(HttpEvents.json(call(event).getBody())).containsEntry("cookie", "session=abc");
    }

    @Test
    void severalResponseCookiesGoToTheCookiesList() {
        APIGatewayV2HTTPResponse response = call(HttpEvents.v2("GET", "/cookies"));

        assertThat(response.getStatusCode()).isEqualTo(204);
        assertThat(response.getCookies()).containsExactly("session=abc; Path=/; HttpOnly", "theme=dark");
        assertThat(response.getHeaders()).doesNotContainKey("Set-Cookie");
    }

    @Test
    void base64BodyIsDecodedByItsDeclaredCharset() {
        byte[] latin1 = "{\"name\":\"été\",\"qty\":1}".getBytes(StandardCharsets.ISO_8859_1);
        APIGatewayV2HTTPEvent event = HttpEvents.v2("POST", "/things", "application/json; charset=ISO-8859-1",
                Base64.getEncoder().encodeToString(latin1));
        event.setIsBase64Encoded(true);

        APIGatewayV2HTTPResponse response = call(event);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(HttpEvents.json(response.getBody())).containsEntry("name", "été");
        assertThat(storedNames()).contains("été");
    }

    @Test
    void base64BodyNotValidInItsCharsetIs400WithoutDatabaseWork() {
        byte[] latin1 = "{\"name\":\"été\",\"qty\":1}".getBytes(StandardCharsets.ISO_8859_1);
        APIGatewayV2HTTPEvent event = HttpEvents.v2("POST", "/things", "application/json",
                Base64.getEncoder().encodeToString(latin1));
        event.setIsBase64Encoded(true);

        Map<String, Object> body = problem(call(event), 400);

        assertThat((String) body.get("detail")).contains("not valid UTF-8").contains("offset 9");
        assertThat(BEGINS).hasValue(0);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void unknownCharsetIs415WithoutDatabaseWork() {
        APIGatewayV2HTTPEvent event = HttpEvents.v2("POST", "/things", "application/json; charset=x-no-such",
                Base64.getEncoder().encodeToString("{\"name\":\"x\",\"qty\":1}".getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        Map<String, Object> body = problem(call(event), 415);

        assertThat((String) body.get("detail")).contains("x-no-such");
        assertThat(BEGINS).hasValue(0);
    }

    @Test
    void textBodyIsTakenAsApiGatewayDecodedItWhateverTheCharset() {
        APIGatewayV2HTTPEvent event = HttpEvents.v2("POST", "/things", "application/json; charset=ISO-8859-1",
                "{\"name\":\"été\",\"qty\":1}");

        APIGatewayV2HTTPResponse response = call(event);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(HttpEvents.json(response.getBody())).containsEntry("name", "été");
    }

    @Test
    void queryLimitIsApplied() {
        call(HttpEvents.v2Json("POST", "/things", "{\"name\":\"second\",\"qty\":1}"));

        APIGatewayV2HTTPResponse response = call(HttpEvents.v2("GET", "/things?limit=1"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).contains("first").doesNotContain("second");
    }

    @Test
    void badQueryNumberIs400NamingTheParameter() {
        Map<String, Object> body = problem(call(HttpEvents.v2("GET", "/things?limit=ten")), 400);

        assertThat(body).containsEntry("field", "limit");
    }

    @Test
    void badPathNumberIs400NamingTheParameter() {
        Map<String, Object> body = problem(call(HttpEvents.v2("GET", "/things/abc")), 400);

        assertThat(body).containsEntry("field", "id").containsEntry("instance", "/things/abc");
    }

    @Test
    void binaryBase64BodyIsDecoded() {
        APIGatewayV2HTTPEvent event = HttpEvents.v2("POST", "/echo/bin", "application/octet-stream",
                Base64.getEncoder().encodeToString("héllo".getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        APIGatewayV2HTTPResponse response = call(event);

        assertThat(HttpEvents.json(response.getBody())).containsEntry("body", "héllo")
                .containsEntry("contentType", "application/octet-stream");
    }

    @Test
    void missingThingIs404Problem() {
        Map<String, Object> body = problem(call(HttpEvents.v2("GET", "/things/999")), 404);

        assertThat(body).containsEntry("type", "about:blank").containsEntry("title", "Not Found")
                .containsEntry("detail", "thing 999 not found").containsEntry("instance", "/things/999");
    }

    @Test
    void unknownRouteIs404Problem() {
        Map<String, Object> body = problem(call(HttpEvents.v2("GET", "/nothing/here")), 404);

        assertThat(body).containsEntry("instance", "/nothing/here");
    }

    @Test
    void wrongMethodIs405WithSortedAllow() {
        APIGatewayV2HTTPResponse response = call(HttpEvents.v2("PATCH", "/things/1"));

        problem(response, 405);
        assertThat(response.getHeaders()).containsEntry("Allow", "DELETE, GET, PUT");
    }

    @Test
    void wrongTypedBodyIs400NamingTheFieldWithoutDatabaseWork() {
        APIGatewayV2HTTPEvent event = HttpEvents.v2Json("POST", "/things", "{\"name\":\"x\",\"qty\":\"three\"}");

        Map<String, Object> body = problem(call(event), 400);

        assertThat(body).containsEntry("field", "qty");
        assertThat(BEGINS).hasValue(0);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void malformedJsonIs400WithoutDatabaseWork() {
        Map<String, Object> body = problem(call(HttpEvents.v2Json("POST", "/things", "{\"name\": ")), 400);

        assertThat((String) body.get("detail")).contains("malformed JSON");
        assertThat(BEGINS).hasValue(0);
    }

    @Test
    void unknownPropertyIs400NamingIt() {
        Map<String, Object> body = problem(call(HttpEvents.v2Json("POST", "/things", "{\"name\":\"x\",\"qty\":1,\"nme\":\"y\"}")), 400);

        assertThat(body).containsEntry("field", "nme");
        assertThat(BEGINS).hasValue(0);
    }

    @Test
    void oversizeBodyIs413WithoutDatabaseWork() {
        String big = "{\"name\":\"" + "x".repeat(ThingsRoutes.MAX_BODY_BYTES) + "\",\"qty\":1}";

        problem(call(HttpEvents.v2Json("POST", "/things", big)), 413);

        assertThat(BEGINS).hasValue(0);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void base64BodyIsMeasuredInDecodedBytes() {
        // 240 decoded bytes encode to 320 base64 characters: over the limit encoded, under it decoded.
        String json = "{\"name\":\"" + "y".repeat(240 - 20) + "\",\"qty\":1}";
        json = json + " ".repeat(240 - json.length());
        APIGatewayV2HTTPEvent event = HttpEvents.v2("POST", "/things", "application/json",
                Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        assertThat(event.getBody().length()).isGreaterThan(ThingsRoutes.MAX_BODY_BYTES);
        assertThat(call(event).getStatusCode()).isEqualTo(201);
    }

    @Test
    void oversizeBase64BodyIs413WithoutDatabaseWork() {
        APIGatewayV2HTTPEvent event = HttpEvents.v2("POST", "/things", "application/json",
                Base64.getEncoder().encodeToString(new byte[ThingsRoutes.MAX_BODY_BYTES + 1]));
        event.setIsBase64Encoded(true);

        problem(call(event), 413);

        assertThat(BEGINS).hasValue(0);
    }

    @Test
    void nonJsonContentTypeIs415WithoutDatabaseWork() {
        problem(call(HttpEvents.v2("POST", "/things", "text/plain", "{\"name\":\"x\",\"qty\":1}")), 415);

        assertThat(BEGINS).hasValue(0);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void problemJsonSuffixContentTypeIsAccepted() {
        APIGatewayV2HTTPEvent event = HttpEvents.v2("POST", "/things", "application/vnd.things+json",
                "{\"name\":\"suffixed\",\"qty\":1}");

        assertThat(call(event).getStatusCode()).isEqualTo(201);
    }

    @Test
    void duplicateNameIs409NamingTheConstraint() {
        Map<String, Object> body = problem(call(HttpEvents.v2Json("POST", "/things", "{\"name\":\"first\",\"qty\":1}")),
                409);

        assertThat(body).containsEntry("constraint", "http_thing_name_key");
        assertThat(body.toString()).doesNotContain("Key (name)", "23505", "insert");
    }

    @Test
    void unknownOwnerIs422NamingTheConstraint() {
        Map<String, Object> body = problem(call(HttpEvents.v2Json("POST", "/things",
                "{\"name\":\"orphan\",\"ownerId\":999,\"qty\":1}")), 422);

        assertThat(body).containsEntry("constraint", "http_thing_owner_fk");
    }

    @Test
    void deletingAReferencedOwnerIs422() {
        Map<String, Object> body = problem(call(HttpEvents.v2("DELETE", "/owners/1")), 422);

        assertThat(body).containsEntry("constraint", "http_thing_owner_fk");
    }

    @Test
    void negativeQuantityIs422NamingTheCheck() {
        Map<String, Object> body = problem(call(HttpEvents.v2Json("POST", "/things", "{\"name\":\"neg\",\"qty\":-1}")),
                422);

        assertThat(body).containsEntry("constraint", "http_thing_qty_check");
    }

    @Test
    void missingRequiredValueIs422() {
        Map<String, Object> body = problem(call(HttpEvents.v2Json("POST", "/things", "{\"qty\":1}")), 422);

        assertThat(body).containsEntry("field", "name");
    }

    @Test
    void deadlineCancelsPgSleepWith504() {
        long start = System.nanoTime();

        APIGatewayV2HTTPResponse response = api.handleRequest(HttpEvents.v2("GET", "/slow"),
                LocalContext.withTimeout(Duration.ofSeconds(2)));

        long millis = (System.nanoTime() - start) / 1_000_000;
        problem(response, 504);
        assertThat(millis).isBetween(1_000L, 1_950L);
    }

    @Test
    void unexpectedFailureIs500WithRequestIdAndNothingElse() {
        LocalContext context = LocalContext.create().withRequestId("req-500-check");

        APIGatewayV2HTTPResponse response = api.handleRequest(HttpEvents.v2("GET", "/broken"), context);

        Map<String, Object> body = problem(response, 500);
        assertThat(body).containsEntry("requestId", "req-500-check");
        assertThat((String) body.get("detail")).contains("req-500-check");
        assertThat(response.getBody()).doesNotContain("no_such_table", "select", "hunter2", "42P01", "Exception",
                "at dev.", "relation");
    }

    @Test
    void transientFailureAfterRetriesIs503WithRetryAfter() {
        APIGatewayV2HTTPResponse response = call(HttpEvents.v2("GET", "/contended"));

        problem(response, 503);
        assertThat(response.getHeaders()).containsEntry("Retry-After", "1");
    }

    @Test
    void readOnlyServerAfterItsReRunsIs503DatabaseUnavailableWithRetryAfter() {
        APIGatewayV2HTTPResponse response = call(HttpEvents.v2("GET", "/read-only-server"));

        assertThat(problem(response, 503)).containsEntry("detail", "the database is unavailable; retry later");
        assertThat(response.getHeaders()).containsEntry("Retry-After", "1");
    }

    @Test
    void unavailableConnectionIs503() {
        problem(call(HttpEvents.v2("GET", "/unavailable")), 503);
    }

    private static long firstId() {
        return Tx.create(db).readOnly(h -> h.createQuery("select id from http_thing where name = 'first'")
                .mapTo(Long.class).one());
    }

    private static List<String> storedNames() {
        return Tx.create(db).readOnly(h -> h.createQuery("select name from http_thing order by id")
                .mapTo(String.class).list());
    }

    private static long count() {
        return Tx.create(db).readOnly(h -> h.createQuery("select count(*) from http_thing").mapTo(Long.class).one());
    }
}
