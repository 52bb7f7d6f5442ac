package dev.txfn.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalHttpServer;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.SettleAssertions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local runner: real HTTP in, API Gateway v2 events to the handler, real HTTP out. */
class LocalHttpServerTest {
    static final String APP = "txfn-http-local-test";

    static Database db;
    static LocalHttpServer server;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    static final class ThingsApi extends HttpApiHandler {
        ThingsApi(LambdaResources resources) {
            super(resources, ThingsRoutes.routes());
        }
    }

    @BeforeAll
    static void start() {
        db = Database.builder().jdbcUrl(PostgresTestDatabase.shared().jdbcUrl()).maximumPoolSize(1)
                .applicationName(APP).build();
        Tx.create(db).useTransaction(h -> h.createScript(ThingsRoutes.SCHEMA + ThingsRoutes.RESET + ThingsRoutes.SEED)
                .execute());
        server = LocalHttpServer.start(new ThingsApi(LambdaResources.of(db)), 0);
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    @AfterEach
    void noSessionIdleInTransaction() {
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    @Test
    void listensOnAnEphemeralPort() {
        assertThat(server.port()).isPositive();
    }

    @Test
    void getRoundTrip() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/things/1")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(HttpEvents.json(response.body())).containsEntry("name", "first");
    }

    @Test
    void postRoundTripCreatesAndAnswersLocation() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/things"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"local\",\"qty\":2}")));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("location")).get().asString().startsWith("/things/");
    }

    @Test
    void queryHeadersAndBinaryBodyArriveAsApiGatewaySendsThem() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/echo/w%20x?tag=a&tag=b"))
                .header("X-Custom", "yes")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray("bytes".getBytes(StandardCharsets.UTF_8))));

        Map<String, Object> echo = HttpEvents.json(response.body());
        assertThat(echo).containsEntry("custom", "yes").containsEntry("body", "bytes")
                .containsEntry("params", Map.of("word", "w x"))
                .containsEntry("query", Map.of("tag", java.util.List.of("a", "b")));
    }

    @Test
    void problemsPassThroughWithTheirHeaders() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/things/1"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).contains("DELETE, GET, PUT");
        assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
    }

    @Test
    void noContentHasNoBody() throws Exception {
        send(HttpRequest.newBuilder(uri("/things")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"doomed\",\"qty\":0}")));
        long id = Tx.create(db).readOnly(h -> h.createQuery("select id from http_thing where name = 'doomed'")
                .mapTo(Long.class).one());

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/things/" + id)).DELETE());

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
    }
}
