package dev.txfn.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalHttpServer;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.SettleAssertions;
import java.net.InetAddress;
import java.net.Socket;
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

    static long countNamed(String pattern) {
        return Tx.create(db).readOnly(h -> h.createQuery("select count(*) from http_thing where name like :p")
                .bind("p", pattern).mapTo(Long.class).one());
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
    void cookiesReachTheRouteAsOneCookieHeader() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/echo/c"))
                .header("Cookie", "session=abc; theme=dark"));

        assertThat(HttpEvents.json(response.body())).containsEntry("cookie", "session=abc; theme=dark")
                .containsEntry("cookies", Map.of("session", "abc", "theme", "dark"));
    }

    @Test
    void severalResponseCookiesAreSeveralSetCookieLines() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/cookies")));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().allValues("set-cookie"))
                .containsExactly("session=abc; Path=/; HttpOnly", "theme=dark");
    }

    @Test
    void bodyIsDecodedByItsDeclaredCharset() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/things"))
                .header("Content-Type", "application/json; charset=iso-8859-1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(
                        "{\"name\":\"latin-été\",\"qty\":1}".getBytes(StandardCharsets.ISO_8859_1))));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(HttpEvents.json(response.body())).containsEntry("name", "latin-été");
        assertThat(countNamed("latin-été")).isEqualTo(1);
    }

    @Test
    void bodyNotValidInItsCharsetIs400AndStoresNothing() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/things"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(
                        "{\"name\":\"bad-été\",\"qty\":1}".getBytes(StandardCharsets.ISO_8859_1))));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
        assertThat((String) HttpEvents.json(response.body()).get("detail")).contains("not valid UTF-8");
        assertThat(countNamed("bad-%")).isZero();
    }

    @Test
    void encodedSlashStaysInsideItsSegment() throws Exception {
        Map<String, Object> echo = HttpEvents.json(send(HttpRequest.newBuilder(uri("/echo/a%2Fb"))).body());

        assertThat(echo).containsEntry("params", Map.of("word", "a/b")).containsEntry("path", "/echo/a%2Fb");
    }

    @Test
    void eachSegmentIsDecodedExactlyOnce() throws Exception {
        Map<String, Object> once = HttpEvents.json(send(HttpRequest.newBuilder(uri("/echo/%2541"))).body());
        Map<String, Object> percent = HttpEvents.json(send(HttpRequest.newBuilder(uri("/echo/50%25"))).body());

        assertThat(once).containsEntry("params", Map.of("word", "%41"));
        assertThat(percent).containsEntry("params", Map.of("word", "50%"));
    }

    @Test
    void percentThatIsNotAnEscapeIsABadRequestTarget() throws Exception {
        // Not a valid URI: the JDK server answers 400 itself, before any event is built.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write(("GET /echo/50%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertThat(reply).startsWith("HTTP/1.1 400");
        }
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
