package dev.txfn.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Translates API Gateway events to {@link RawHttpRequest} and {@link WireResponse}s back, for REST APIs (payload
 * 1.0, {@code APIGatewayProxyRequestEvent}) and HTTP APIs (payload 2.0, {@code APIGatewayV2HTTPEvent}), as the
 * Lambda runtime decodes them. Stateless.
 */
public final class ApiGatewayEvents {

    private ApiGatewayEvents() {
    }

    /**
     * Reads an HTTP API (v2) event as API Gateway sends it. The path is {@code rawPath} without the stage prefix
     * that API Gateway adds for a named (non-{@code $default}) stage. Despite its name, API Gateway delivers
     * {@code rawPath} already percent-decoded (a client's {@code /a%2Fb} arrives as {@code /a/b}, {@code %2541}
     * as {@code %41}), so it is split but never decoded again. Query parameters come from
     * {@code rawQueryString}, which stays encoded and keeps repeated names apart. The {@code cookies} array
     * becomes one {@code cookie} header, joined with {@code "; "}, as the client sent it.
     *
     * @param event the event
     * @return the request
     * @throws IllegalArgumentException if the event has no HTTP method: it is not an HTTP API event
     */
    public static RawHttpRequest fromV2(APIGatewayV2HTTPEvent event) {
        return fromV2(event, false);
    }

    /**
     * Reads an HTTP API (v2) event whose {@code rawPath} is percent-encoded as sent, as {@code LocalHttpServer}
     * builds it: otherwise as {@link #fromV2(APIGatewayV2HTTPEvent)}, but each path segment is decoded once.
     *
     * @param event the event
     * @return the request
     * @throws IllegalArgumentException if the event has no HTTP method
     */
    public static RawHttpRequest fromV2WithEncodedPath(APIGatewayV2HTTPEvent event) {
        return fromV2(event, true);
    }

    private static RawHttpRequest fromV2(APIGatewayV2HTTPEvent event, boolean encodedPath) {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        String method = context == null || context.getHttp() == null ? null : context.getHttp().getMethod();
        if (method == null || method.isEmpty()) {
            throw new IllegalArgumentException("not an API Gateway HTTP API (v2) event: requestContext.http.method"
                    + " is missing");
        }
        String path = event.getRawPath() != null ? event.getRawPath() : context.getHttp().getPath();
        path = withoutStage(path == null || path.isEmpty() ? "/" : path, context.getStage());
        Map<String, List<String>> query = event.getRawQueryString() != null
                ? parseQuery(event.getRawQueryString())
                : single(event.getQueryStringParameters());
        Map<String, String> headers = lowerCase(event.getHeaders(), null);
        List<String> cookies = event.getCookies() == null ? List.of()
                : event.getCookies().stream().filter(c -> c != null && !c.isEmpty()).toList();
        if (!cookies.isEmpty()) {
            headers.putIfAbsent("cookie", String.join("; ", cookies));
        }
        return new RawHttpRequest(method.toUpperCase(Locale.ROOT),
                encodedPath ? RequestPath.ofEncoded(path) : RequestPath.ofDecoded(path), query, headers,
                event.getBody(), event.getIsBase64Encoded(), principal(context.getAuthorizer()),
                claims(context.getAuthorizer()));
    }

    /**
     * Reads a REST API (v1) event, preferring the multi-value forms of headers and query parameters. A REST API
     * delivers {@code path} percent-encoded as sent, so each segment is decoded once, after splitting.
     *
     * @param event the event
     * @return the request
     * @throws IllegalArgumentException if the event has no HTTP method: it is not a REST API event
     */
    public static RawHttpRequest fromV1(APIGatewayProxyRequestEvent event) {
        String method = event.getHttpMethod();
        if (method == null || method.isEmpty()) {
            throw new IllegalArgumentException("not an API Gateway REST API (v1) event: httpMethod is missing");
        }
        String path = event.getPath() == null || event.getPath().isEmpty() ? "/" : event.getPath();
        Map<String, List<String>> query = event.getMultiValueQueryStringParameters() != null
                ? copy(event.getMultiValueQueryStringParameters())
                : single(event.getQueryStringParameters());
        return new RawHttpRequest(method.toUpperCase(Locale.ROOT), RequestPath.ofEncoded(path), query,
                lowerCase(event.getHeaders(), event.getMultiValueHeaders()), event.getBody(),
                Boolean.TRUE.equals(event.getIsBase64Encoded()),
                event.getRequestContext() == null ? null : principal(event.getRequestContext().getAuthorizer()),
                event.getRequestContext() == null ? Map.of() : claims(event.getRequestContext().getAuthorizer()));
    }

    /**
     * Who an HTTP API's authorizer says sent the request: the JWT's {@code sub} claim, a Lambda authorizer's
     * {@code principalId} context value, or the IAM caller's ARN; {@code null} without an authorizer.
     */
    private static String principal(APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer) {
        if (authorizer == null) {
            return null;
        }
        if (authorizer.getJwt() != null && authorizer.getJwt().getClaims() != null) {
            String sub = authorizer.getJwt().getClaims().get("sub");
            if (sub != null && !sub.isEmpty()) {
                return sub;
            }
        }
        if (authorizer.getLambda() != null && authorizer.getLambda().get("principalId") instanceof String id
                && !id.isEmpty()) {
            return id;
        }
        return authorizer.getIam() != null ? nonEmpty(authorizer.getIam().getUserArn()) : null;
    }

    /**
     * Who a REST API's authorizer says sent the request: a Lambda authorizer's {@code principalId}, or the
     * {@code sub} claim a Cognito user-pool authorizer puts under {@code claims}; {@code null} without one.
     */
    private static String principal(Map<String, Object> authorizer) {
        if (authorizer == null) {
            return null;
        }
        if (authorizer.get("principalId") instanceof String id && !id.isEmpty()) {
            return id;
        }
        return authorizer.get("claims") instanceof Map<?, ?> claims && claims.get("sub") instanceof String sub
                ? nonEmpty(sub) : null;
    }

    /**
     * The claims an HTTP API's authorizer vouched for: the JWT authorizer's claims (all text, as API Gateway
     * renders them), else a Lambda authorizer's context; empty for IAM or no authorizer.
     */
    private static Map<String, Object> claims(APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer) {
        if (authorizer == null) {
            return Map.of();
        }
        if (authorizer.getJwt() != null && authorizer.getJwt().getClaims() != null) {
            return withoutNulls(authorizer.getJwt().getClaims());
        }
        return authorizer.getLambda() == null ? Map.of() : withoutNulls(authorizer.getLambda());
    }

    /**
     * The claims a REST API's authorizer vouched for: a Cognito user-pool authorizer's {@code claims}, else the
     * Lambda authorizer's context, which is the authorizer map itself ({@code principalId} included).
     */
    private static Map<String, Object> claims(Map<String, Object> authorizer) {
        if (authorizer == null) {
            return Map.of();
        }
        if (authorizer.get("claims") instanceof Map<?, ?> cognito) {
            return withoutNulls(cognito);
        }
        return withoutNulls(authorizer);
    }

    private static Map<String, Object> withoutNulls(Map<?, ?> map) {
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (k instanceof String name && v != null) {
                result.put(name, v);
            }
        });
        return result;
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * The HTTP API (v2) response; each {@code Set-Cookie} value goes to {@code cookies}, which API Gateway sends
     * as one {@code Set-Cookie} header each.
     *
     * @param response the response
     * @return the event
     */
    public static APIGatewayV2HTTPResponse toV2(WireResponse response) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(new LinkedHashMap<>(response.headers()))
                .withCookies(response.cookies().isEmpty() ? null : new ArrayList<>(response.cookies()))
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }

    /**
     * The REST API (v1) response; the {@code Set-Cookie} values go to {@code multiValueHeaders}, the only way a
     * REST API sends more than one.
     *
     * @param response the response
     * @return the event
     */
    public static APIGatewayProxyResponseEvent toV1(WireResponse response) {
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(response.status())
                .withHeaders(new LinkedHashMap<>(response.headers()))
                .withMultiValueHeaders(response.cookies().isEmpty() ? null
                        : new LinkedHashMap<>(Map.of("Set-Cookie", new ArrayList<>(response.cookies()))))
                .withBody(response.body())
                .withIsBase64Encoded(false);
    }

    /**
     * Parses a query string as browsers and API Gateway encode it ({@code +} is a space); a malformed escape is
     * kept as sent.
     *
     * @param rawQuery the string after {@code ?}, may be empty
     * @return the parameters, each with its values in order
     */
    public static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static String withoutStage(String path, String stage) {
        if (stage == null || stage.isEmpty() || stage.equals("$default")) {
            return path;
        }
        String prefix = "/" + stage;
        if (path.equals(prefix)) {
            return "/";
        }
        return path.startsWith(prefix + "/") ? path.substring(prefix.length()) : path;
    }

    private static Map<String, List<String>> single(Map<String, String> params) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (params != null) {
            params.forEach((k, v) -> {
                if (k != null && v != null) {
                    result.put(k, List.of(v));
                }
            });
        }
        return result;
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> params) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (k != null && v != null) {
                result.put(k, v.stream().filter(Objects::nonNull).toList());
            }
        });
        return result;
    }

    private static Map<String, String> lowerCase(Map<String, String> single, Map<String, List<String>> multi) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (single != null) {
            single.forEach((k, v) -> {
                if (k != null && v != null) {
                    headers.put(k.toLowerCase(Locale.ROOT), v);
                }
            });
        }
        if (multi != null) {
            multi.forEach((k, v) -> {
                if (k != null && v != null && !v.isEmpty()) {
                    String name = k.toLowerCase(Locale.ROOT);
                    List<String> values = v.stream().filter(Objects::nonNull).toList();
                    // Cookie pairs are separated by "; " (RFC 6265 5.4), never by a comma.
                    headers.put(name, String.join(name.equals("cookie") ? "; " : ",", values));
                }
            });
        }
        return headers;
    }
}
