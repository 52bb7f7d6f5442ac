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
     * Reads an HTTP API (v2) event. The path is {@code rawPath} without the stage prefix that API Gateway adds
     * for a named (non-{@code $default}) stage; query parameters come from {@code rawQueryString}, which keeps
     * repeated names apart.
     *
     * @param event the event
     * @return the request
     * @throws IllegalArgumentException if the event has no HTTP method: it is not an HTTP API event
     */
    public static RawHttpRequest fromV2(APIGatewayV2HTTPEvent event) {
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
        return new RawHttpRequest(method.toUpperCase(Locale.ROOT), path, query, lowerCase(event.getHeaders(), null),
                event.getBody(), event.getIsBase64Encoded());
    }

    /**
     * Reads a REST API (v1) event, preferring the multi-value forms of headers and query parameters.
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
        return new RawHttpRequest(method.toUpperCase(Locale.ROOT), path, query,
                lowerCase(event.getHeaders(), event.getMultiValueHeaders()), event.getBody(),
                Boolean.TRUE.equals(event.getIsBase64Encoded()));
    }

    /**
     * The HTTP API (v2) response.
     *
     * @param response the response
     * @return the event
     */
    public static APIGatewayV2HTTPResponse toV2(WireResponse response) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(new LinkedHashMap<>(response.headers()))
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }

    /**
     * The REST API (v1) response.
     *
     * @param response the response
     * @return the event
     */
    public static APIGatewayProxyResponseEvent toV1(WireResponse response) {
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(response.status())
                .withHeaders(new LinkedHashMap<>(response.headers()))
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
                    headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v));
                }
            });
        }
        return headers;
    }
}
