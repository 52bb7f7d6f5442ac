package dev.txfn.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.HttpProblem;
import dev.txfn.lambda.HttpRequest;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoute;
import dev.txfn.lambda.HttpRoutes;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import dev.txfn.testing.InMemoryDatabase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing and routes as plain functions, over an in-memory database: no server. */
class HttpRoutingTest {
    InMemoryDatabase memory;

    static final class ThingsApi extends HttpApiHandler {
        ThingsApi(LambdaResources resources) {
            super(resources, ThingsRoutes.routes());
        }
    }

    @BeforeEach
    void createDatabase() {
        memory = InMemoryDatabase.withSchema(ThingsRoutes.SCHEMA + ThingsRoutes.SEED);
    }

    @AfterEach
    void dropDatabase() {
        memory.close();
    }

    @Test
    void aRouteIsAPlainFunctionOfRequestAndTx() throws Exception {
        HttpRoute find = (req, tx) -> HttpResponse.ok(tx.readOnly(h -> ThingsRoutes.find(h, req.pathLong("id")))
                .orElseThrow(() -> HttpProblem.notFound("no thing " + req.pathParam("id"))));

        HttpResponse response = find.handle(HttpRequest.builder("GET", "/things/1").pathParam("id", "1").build(),
                memory.tx());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(new ThingsRoutes.Thing(1, "first", 1L, 5));
    }

    @Test
    void aMissingRowIsAProblemTheRouteThrows() {
        HttpRoute find = (req, tx) -> HttpResponse.ok(tx.readOnly(h -> ThingsRoutes.find(h, req.pathLong("id")))
                .orElseThrow(() -> HttpProblem.notFound("no thing " + req.pathParam("id"))));

        assertThatThrownBy(() -> find.handle(HttpRequest.builder("GET", "/things/9").pathParam("id", "9").build(),
                memory.tx())).isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.status()).isEqualTo(404));
    }

    @Test
    void wholeHandlerRunsOnAnInMemoryDatabase() {
        APIGatewayV2HTTPResponse response = new ThingsApi(LambdaResources.of(memory.tx()))
                .handleRequest(HttpEvents.v2Json("POST", "/things", "{\"name\":\"h2\",\"qty\":4}"), LocalContext.create());

        assertThat(response.getStatusCode()).isEqualTo(201);
        assertThat(response.getHeaders()).containsEntry("Location", "/things/2");
    }

    @Test
    void trailingSlashIsTolerated() {
        APIGatewayV2HTTPResponse response = new ThingsApi(LambdaResources.of(memory.tx()))
                .handleRequest(HttpEvents.v2("GET", "/things/1/"), LocalContext.create());

        assertThat(response.getStatusCode()).isEqualTo(200);
    }

    @Test
    void literalSegmentWinsWhateverTheRegistrationOrder() {
        HttpRoutes routes = HttpRoutes.builder()
                .get("/a/{x}", (req, tx) -> HttpResponse.ok("param"))
                .get("/a/b", (req, tx) -> HttpResponse.ok("literal"))
                .build();
        HttpApiHandler api = new HttpApiHandler(LambdaResources.of(memory.tx()), routes) { };

        assertThat(api.handleRequest(HttpEvents.v2("GET", "/a/b"), LocalContext.create()).getBody())
                .isEqualTo("\"literal\"");
        assertThat(api.handleRequest(HttpEvents.v2("GET", "/a/c"), LocalContext.create()).getBody())
                .isEqualTo("\"param\"");
    }

    @Test
    void sameMethodAndShapeTwiceIsRefused() {
        HttpRoutes.Builder builder = HttpRoutes.builder()
                .get("/a/{x}", (req, tx) -> HttpResponse.noContent())
                .get("/a/{y}/", (req, tx) -> HttpResponse.noContent());

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conflicts");
    }

    @Test
    void partialSegmentParameterIsRefused() {
        HttpRoutes.Builder builder = HttpRoutes.builder().get("/a/x{y}", (req, tx) -> HttpResponse.noContent());

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole segment");
    }

    @Test
    void queryIntFallsBackToTheDefault() {
        HttpRequest request = HttpRequest.builder("GET", "/things").query("limit", "").build();

        assertThat(request.queryInt("limit", 10)).isEqualTo(10);
        assertThat(request.queryInt("page", 1)).isEqualTo(1);
    }

    @Test
    void queryIntRejectsANonNumberNamingIt() {
        HttpRequest request = HttpRequest.builder("GET", "/things").query("limit", "ten").build();

        assertThatThrownBy(() -> request.queryInt("limit", 10)).isInstanceOfSatisfying(HttpProblem.class,
                p -> assertThat(p.extensions()).containsEntry("field", "limit"));
    }

    @Test
    void headersAreCaseInsensitive() {
        HttpRequest request = HttpRequest.builder("get", "/").header("Content-Type", "Application/JSON; charset=utf-8")
                .build();

        assertThat(request.header("content-TYPE")).contains("Application/JSON; charset=utf-8");
        assertThat(request.contentType()).contains("application/json");
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.queryAll("x")).isEqualTo(List.of());
    }

    @Test
    void cookiesAreParsedFromTheCookieHeader() {
        HttpRequest request = HttpRequest.builder("GET", "/").header("Cookie", "a=1; b=x=y;junk; a=2; c=").build();

        assertThat(request.cookie("a")).contains("1");
        assertThat(request.cookie("b")).contains("x=y");
        assertThat(request.cookie("junk")).isEmpty();
        assertThat(request.cookies()).containsExactly(entry("a", "1"), entry("b", "x=y"), entry("c", ""));
        assertThat(HttpRequest.builder("GET", "/").build().cookies()).isEmpty();
    }

    @Test
    void withCookieAddsOneSetCookieValueEach() {
        HttpResponse response = HttpResponse.noContent().withCookie("a=1; Path=/").withCookie("b=2");

        assertThat(response.cookies()).containsExactly("a=1; Path=/", "b=2");
        assertThat(response.headers()).isEmpty();
    }

    @Test
    void withHeaderSetCookieReplacesTheCookies() {
        HttpResponse response = HttpResponse.noContent().withCookie("a=1").withHeader("set-cookie", "b=2");

        assertThat(response.cookies()).containsExactly("b=2");
        assertThat(response.headers()).isEmpty();
    }

    @Test
    void malformedSetCookieIsRefused() {
        assertThatThrownBy(() -> HttpResponse.noContent().withCookie("a=1\r\nX-Injected: yes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CR or LF");
        assertThatThrownBy(() -> HttpResponse.noContent().withCookie("; Path=/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name=value");
    }

    @Test
    void bodyBytesAreDecodedByTheDeclaredCharset() {
        HttpRequest request = HttpRequest.builder("POST", "/")
                .header("Content-Type", "text/plain; CHARSET=\"ISO-8859-1\"")
                .body("été".getBytes(StandardCharsets.ISO_8859_1)).build();

        assertThat(request.body()).isEqualTo("été");
    }

    @Test
    void bodyBytesDefaultToUtf8() {
        HttpRequest request = HttpRequest.builder("POST", "/").header("Content-Type", "application/json")
                .body("\"été\"".getBytes(StandardCharsets.UTF_8)).build();

        assertThat(request.body()).isEqualTo("\"été\"");
    }

    @Test
    void bodyBytesNotValidInTheCharsetAre400() {
        HttpRequest request = HttpRequest.builder("POST", "/").header("Content-Type", "text/plain; charset=us-ascii")
                .body(new byte[] {'o', 'k', (byte) 0xE9}).build();

        assertThatThrownBy(request::body).isInstanceOfSatisfying(HttpProblem.class, p -> {
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.detail()).contains("US-ASCII").contains("offset 2");
        });
    }

    @Test
    void unknownCharsetIs415() {
        HttpRequest request = HttpRequest.builder("POST", "/").header("Content-Type", "text/plain; charset=klingon")
                .body(new byte[] {'o', 'k'}).build();

        assertThatThrownBy(request::body).isInstanceOfSatisfying(HttpProblem.class,
                p -> assertThat(p.status()).isEqualTo(415));
    }

    @Test
    void textBodyIsReturnedAsItIsWhateverTheCharset() {
        HttpRequest request = HttpRequest.builder("POST", "/").header("Content-Type", "text/plain; charset=klingon")
                .body("été").build();

        assertThat(request.body()).isEqualTo("été");
        assertThat(request.bodyBytes()).isEqualTo("été".getBytes(StandardCharsets.UTF_8));
    }
}
