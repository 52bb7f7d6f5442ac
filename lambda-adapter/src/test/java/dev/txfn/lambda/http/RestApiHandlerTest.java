package dev.txfn.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import dev.txfn.lambda.RestApiHandler;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.SettleAssertions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API (v1) handler serves the same routes as the HTTP API handler, against real PostgreSQL. */
class RestApiHandlerTest {
    static final String APP = "txfn-http-v1-test";

    static Database db;
    static ThingsRestApi api;

    static final class ThingsRestApi extends RestApiHandler {
        ThingsRestApi(LambdaResources resources) {
            super(resources, ThingsRoutes.routes());
        }
    }

    @BeforeAll
    static void startDatabase() {
        db = Database.builder().jdbcUrl(PostgresTestDatabase.shared().jdbcUrl()).maximumPoolSize(1)
                .applicationName(APP).build();
        Tx.create(db).useTransaction(h -> h.createScript(ThingsRoutes.SCHEMA).execute());
        api = new ThingsRestApi(LambdaResources.of(db));
    }

    @AfterAll
    static void closeDatabase() {
        db.close();
    }

    @BeforeEach
    void resetData() {
        Tx.create(db).useTransaction(h -> h.createScript(ThingsRoutes.RESET + ThingsRoutes.SEED).execute());
    }

    @AfterEach
    void noSessionIdleInTransaction() {
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    static APIGatewayProxyResponseEvent call(APIGatewayProxyRequestEvent event) {
        return api.handleRequest(event, LocalContext.create());
    }

    @Test
    void getsAThingFromTheRuntimeDecodedFixture() {
        APIGatewayProxyResponseEvent response = call(HttpEvents.v1Fixture("v1-get-thing.json"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
        assertThat(HttpEvents.json(response.getBody())).containsEntry("name", "first");
    }

    @Test
    void multiValueQueryAndHeadersReachTheRoute() {
        APIGatewayProxyRequestEvent event = HttpEvents.v1Fixture("v1-get-thing.json");
        event.setPath("/echo/hi");

        Map<String, Object> echo = HttpEvents.json(call(event).getBody());

        assertThat(echo).containsEntry("query", Map.of("tag", List.of("a", "b"), "verbose", List.of("true")))
                .containsEntry("custom", "one,two").containsEntry("params", Map.of("word", "hi"));
    }

    @Test
    void createsAThingFromAJsonBody() {
        APIGatewayProxyRequestEvent event = HttpEvents.v1("POST", "/things")
                .withHeaders(Map.of("Content-Type", "application/json")).withMultiValueHeaders(null)
                .withBody("{\"name\":\"rest\",\"ownerId\":1,\"qty\":2}");

        APIGatewayProxyResponseEvent response = call(event);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(HttpEvents.json(response.getBody())).containsEntry("name", "rest").containsEntry("ownerId", 1);
    }

    @Test
    void base64BodyIsDecoded() {
        APIGatewayProxyRequestEvent event = HttpEvents.v1("POST", "/echo/b64")
                .withHeaders(Map.of("Content-Type", "image/png")).withMultiValueHeaders(null)
                .withBody(Base64.getEncoder().encodeToString("png?".getBytes(StandardCharsets.UTF_8)))
                .withIsBase64Encoded(true);

        assertThat(HttpEvents.json(call(event).getBody())).containsEntry("body", "png?");
    }

    @Test
    void wrongTypedBodyIs400NamingTheField() {
        APIGatewayProxyRequestEvent event = HttpEvents.v1("POST", "/things")
                .withHeaders(Map.of("Content-Type", "application/json")).withMultiValueHeaders(null)
                .withBody("{\"name\":\"x\",\"ownerId\":\"one\",\"qty\":1}");

        APIGatewayProxyResponseEvent response = call(event);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
        assertThat(HttpEvents.json(response.getBody())).containsEntry("field", "ownerId");
    }

    @Test
    void duplicateNameIs409() {
        APIGatewayProxyRequestEvent event = HttpEvents.v1("POST", "/things")
                .withHeaders(Map.of("Content-Type", "application/json")).withMultiValueHeaders(null)
                .withBody("{\"name\":\"first\",\"qty\":1}");

        assertThat(call(event).getStatusCode()).isEqualTo(409);
    }

    @Test
    void encodedSlashStaysInsideItsSegment() {
        Map<String, Object> echo = HttpEvents.json(call(HttpEvents.v1("GET", "/echo/a%2Fb")).getBody());

        assertThat(echo).containsEntry("params", Map.of("word", "a/b")).containsEntry("path", "/echo/a%2Fb");
    }

    @Test
    void encodedSlashInAThingIdMatchesTheOneSegmentRoute() {
        APIGatewayProxyResponseEvent response = call(HttpEvents.v1("GET", "/things/a%2Fb"));

        assertThat(response.getStatusCode()).isEqualTo(400); // {id} matched, then is not a number: not a 404
        assertThat(HttpEvents.json(response.getBody())).containsEntry("field", "id")
                .containsEntry("instance", "/things/a%2Fb");
    }

    @Test
    void eachSegmentIsDecodedExactlyOnce() {
        Map<String, Object> echo = HttpEvents.json(call(HttpEvents.v1("GET", "/echo/%2541")).getBody());

        assertThat(echo).containsEntry("params", Map.of("word", "%41"));
    }

    @Test
    void percentThatIsNotAnEscapeIsKeptAsSent() {
        Map<String, Object> bare = HttpEvents.json(call(HttpEvents.v1("GET", "/echo/50%")).getBody());
        Map<String, Object> bad = HttpEvents.json(call(HttpEvents.v1("GET", "/echo/50%zz%41")).getBody());

        assertThat(bare).containsEntry("params", Map.of("word", "50%"));
        assertThat(bad).containsEntry("params", Map.of("word", "50%zzA"));
    }

    @Test
    void repeatedCookieHeadersReachTheRouteJoinedWithSemicolons() {
        APIGatewayProxyRequestEvent event = HttpEvents.v1("GET", "/echo/c")
                .withHeaders(Map.of("Cookie", "theme=dark"))
                .withMultiValueHeaders(Map.of("Cookie", List.of("session=abc", "theme=dark")));

        Map<String, Object> echo = HttpEvents.json(call(event).getBody());

        assertThat(echo).containsEntry("cookie", "session=abc; theme=dark")
                .containsEntry("cookies", Map.of("session", "abc", "theme", "dark"));
    }

    @Test
    void severalResponseCookiesGoToMultiValueHeaders() {
        APIGatewayProxyResponseEvent response = call(HttpEvents.v1("GET", "/cookies"));

        assertThat(response.getStatusCode()).isEqualTo(204);
        assertThat(response.getMultiValueHeaders()).containsEntry("Set-Cookie",
                List.of("session=abc; Path=/; HttpOnly", "theme=dark"));
        assertThat(response.getHeaders()).doesNotContainKey("Set-Cookie");
    }

    @Test
    void base64BodyIsDecodedByItsDeclaredCharset() {
        byte[] latin1 = "{\"name\":\"été\",\"qty\":1}".getBytes(StandardCharsets.ISO_8859_1);
        APIGatewayProxyRequestEvent event = HttpEvents.v1("POST", "/things")
                .withHeaders(Map.of("Content-Type", "application/json;charset=\"iso-8859-1\""))
                .withMultiValueHeaders(null)
                .withBody(Base64.getEncoder().encodeToString(latin1)).withIsBase64Encoded(true);

        APIGatewayProxyResponseEvent response = call(event);

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(HttpEvents.json(response.getBody())).containsEntry("name", "été");
    }

    @Test
    void unknownRouteIs404Problem() {
        APIGatewayProxyResponseEvent response = call(HttpEvents.v1("GET", "/nope"));

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(HttpEvents.json(response.getBody())).containsEntry("instance", "/nope");
    }
}
