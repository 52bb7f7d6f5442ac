package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.txfn.lambda.internal.ApiGatewayEvents;
import dev.txfn.lambda.internal.BodyText;
import dev.txfn.lambda.internal.InvocationLogContext;
import dev.txfn.lambda.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link HttpApiHandler} on a local port, for running an API on a laptop: each HTTP request becomes an
 * {@code APIGatewayV2HTTPEvent} as API Gateway would send it (header names lower-cased, repeated values
 * comma-joined, cookies in the {@code cookies} array, non-text bodies base64-encoded), is handled with a fresh
 * {@link LocalContext} (30 s timeout), and the response is written back, one {@code Set-Cookie} line per
 * cookie. Requests are served one at a time, as one Lambda container would.
 *
 * <p>Two differences from a deployed HTTP API, both so that nothing is lost: a text body that is not UTF-8 (a
 * {@code charset} other than UTF-8, or bytes that are not valid UTF-8) is passed base64-encoded, so the route
 * decodes the bytes by their declared charset; and the path is passed as sent, each segment decoded once, so
 * {@code /things/a%2Fb} reaches {@code /things/{id}} with {@code id} = {@code a/b}. API Gateway decodes the path
 * before the function sees it, where the same request has the two segments {@code a} and {@code b}.
 *
 * <pre>{@code
 * try (LocalHttpServer server = LocalHttpServer.start(new ThingsApi(), 8080)) {
 *     System.out.println("listening on http://127.0.0.1:" + server.port());
 *     Thread.currentThread().join();
 * }
 * }</pre>
 *
 * <p><b>Bearer tokens.</b> Started with a {@link LocalJwtVerifier}, the server does what an HTTP API's JWT
 * authorizer does: a request with {@code Authorization: Bearer <token>} has its token verified, and its claims
 * are put in {@code requestContext.authorizer.jwt.claims} (all as text, as API Gateway renders them) and
 * {@code scopes} (from the {@code scope} claim), where {@link HttpRequest#claims()} and {@link ClaimSetting}
 * find them exactly as in a deployed function. A forged, expired or malformed token, or an {@code Authorization}
 * header that is not a bearer token, is answered 401 {@code application/problem+json} with
 * {@code WWW-Authenticate: Bearer error="invalid_token"} without calling the handler (API Gateway answers
 * {@code {"message":"Unauthorized"}} there); the log line says why, never the token. A request without an
 * {@code Authorization} header reaches the handler without claims, so routes that require one answer 401.
 *
 * <p>Listens on the loopback address only. Thread-safe; {@link #close()} may be called from any thread.
 */
public final class LocalHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalHttpServer.class);
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final HttpApiHandler handler;
    private final HttpServer server;
    private final ExecutorService executor;
    private final LocalJwtVerifier verifier;

    private LocalHttpServer(HttpApiHandler handler, HttpServer server, ExecutorService executor,
            LocalJwtVerifier verifier) {
        this.handler = handler;
        this.server = server;
        this.executor = executor;
        this.verifier = verifier;
    }

    /**
     * Starts serving {@code handler} on {@code 127.0.0.1:port}.
     *
     * @param handler the handler
     * @param port the port, or 0 for an ephemeral one (see {@link #port()})
     * @return the running server
     * @throws UncheckedIOException if the port cannot be bound
     * @throws IllegalArgumentException if the port is out of range
     */
    public static LocalHttpServer start(HttpApiHandler handler, int port) {
        return start(handler, port, null);
    }

    /**
     * Starts serving {@code handler} on {@code 127.0.0.1:port}, verifying bearer tokens with {@code verifier} and
     * handing their claims to the handler as an HTTP API's JWT authorizer does.
     *
     * @param handler the handler
     * @param port the port, or 0 for an ephemeral one (see {@link #port()})
     * @param verifier the token verifier, or {@code null} to pass requests without claims
     * @return the running server
     * @throws UncheckedIOException if the port cannot be bound
     * @throws IllegalArgumentException if the port is out of range
     */
    public static LocalHttpServer start(HttpApiHandler handler, int port, LocalJwtVerifier verifier) {
        Objects.requireNonNull(handler, "handler");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "txfn-local-http");
            thread.setDaemon(true);
            return thread;
        });
        LocalHttpServer local = new LocalHttpServer(handler, server, executor, verifier);
        server.createContext("/", local::serve);
        server.setExecutor(executor);
        server.start();
        LOG.info("serving {} on http://127.0.0.1:{}", handler.getClass().getSimpleName(), local.port());
        return local;
    }

    /**
     * The port listened on.
     *
     * @return the port, the ephemeral one chosen when started with 0
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening at once and ends the serving thread; a request in flight is abandoned. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void serve(HttpExchange exchange) throws IOException {
        LocalContext context = LocalContext.create();
        // The request id on this server's own lines too (a refused token, a handler that threw), as on the handler's.
        InvocationLogContext logContext = InvocationLogContext.open(context.getAwsRequestId());
        try (exchange; logContext) {
            APIGatewayV2HTTPResponse response;
            try {
                APIGatewayV2HTTPEvent event = event(exchange, context.getAwsRequestId());
                Map<String, String> claims = verifier == null ? null
                        : claims(event.getHeaders().get("authorization"));
                if (claims != null) {
                    event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                            .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                    .withClaims(claims).withScopes(scopes(claims.get("scope"))).build())
                            .build());
                }
                response = handler.handleWithEncodedPath(event, context);
            } catch (LocalJwtVerifier.InvalidTokenException e) {
                LOG.info("request {} refused: {}", context.getAwsRequestId(), e.getMessage());
                response = APIGatewayV2HTTPResponse.builder().withStatusCode(401)
                        .withHeaders(Map.of("Content-Type", "application/problem+json",
                                "WWW-Authenticate", "Bearer error=\"invalid_token\""))
                        .withBody(Json.encode(refusal(e.getMessage(), exchange.getRequestURI().getRawPath(),
                                context.getAwsRequestId())))
                        .build();
            } catch (RuntimeException e) {
                // What API Gateway answers when the function itself fails.
                LOG.error("handler failed on request {}", context.getAwsRequestId(), e);
                response = APIGatewayV2HTTPResponse.builder().withStatusCode(500)
                        .withHeaders(Map.of("Content-Type", "application/json"))
                        .withBody("{\"message\":\"Internal Server Error\"}").build();
            }
            write(exchange, response);
        }
    }

    private static APIGatewayV2HTTPEvent event(HttpExchange exchange, String requestId) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (name.equalsIgnoreCase("cookie")) {
                values.forEach(value -> cookies.addAll(cookiePairs(value)));
            } else {
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values));
            }
        });
        Map<String, String> query = new LinkedHashMap<>();
        ApiGatewayEvents.parseQuery(rawQuery).forEach((name, values) -> query.put(name, String.join(",", values)));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        boolean text = isText(headers.get("content-type")) && BodyText.isUtf8Text(body, headers.get("content-type"));
        long now = System.currentTimeMillis();
        APIGatewayV2HTTPEvent.RequestContext.Http http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method)
                .withPath(rawPath)
                .withProtocol(exchange.getProtocol())
                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                .withUserAgent(headers.getOrDefault("user-agent", ""))
                .build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(rawPath)
                .withRawQueryString(rawQuery)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withBody(body.length == 0 ? null
                        : text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !text)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(requestId)
                        .withRouteKey("$default")
                        .withStage("$default")
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withDomainName("127.0.0.1")
                        .withTime(REQUEST_TIME.format(Instant.ofEpochMilli(now)))
                        .withTimeEpoch(now)
                        .withHttp(http)
                        .build())
                .build();
    }

    /** The problem body of a refused token, in the members' usual order. */
    private static Map<String, Object> refusal(String detail, String path, String requestId) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Unauthorized");
        problem.put("status", 401);
        problem.put("detail", detail);
        problem.put("instance", path);
        problem.put("requestId", requestId);
        return problem;
    }

    /** The verified claims of the bearer token; {@code null} without an {@code Authorization} header. */
    private Map<String, String> claims(String authorization) {
        if (authorization == null) {
            return null;
        }
        String[] parts = authorization.strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
            throw new LocalJwtVerifier.InvalidTokenException("the Authorization header is not a bearer token");
        }
        return new LinkedHashMap<>(verifier.verify(parts[1]));
    }

    private static List<String> scopes(String scope) {
        return scope == null || scope.isBlank() ? null : List.of(scope.strip().split("\\s+"));
    }

    /** What an HTTP API puts in {@code cookies}: each pair of each {@code Cookie} header. */
    private static List<String> cookiePairs(String header) {
        List<String> pairs = new ArrayList<>();
        for (String pair : header.split(";")) {
            if (!pair.isBlank()) {
                pairs.add(pair.trim());
            }
        }
        return pairs;
    }

    /** The content types API Gateway passes as text; anything else (or none) arrives base64-encoded. */
    private static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml")
                || type.equals("application/x-www-form-urlencoded") || type.equals("application/javascript");
    }

    private static void write(HttpExchange exchange, APIGatewayV2HTTPResponse response) throws IOException {
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) ->
                    exchange.getResponseHeaders().put(name, List.copyOf(values)));
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(cookie -> exchange.getResponseHeaders().add("Set-Cookie", cookie));
        }
        String body = response.getBody();
        byte[] bytes = body == null ? new byte[0]
                : response.getIsBase64Encoded() ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
        int status = response.getStatusCode();
        boolean noBody = bytes.length == 0 || status == 204 || status == 304 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
