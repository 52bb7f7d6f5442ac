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
    void unknownRouteIs404Problem() {
        APIGatewayProxyResponseEvent response = call(HttpEvents.v1("GET", "/nope"));

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(HttpEvents.json(response.getBody())).containsEntry("instance", "/nope");
    }
}
