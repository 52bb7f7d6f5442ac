package dev.txfn.lambda;

import dev.txfn.lambda.internal.BodyText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request as a route sees it, the same whether it came through API Gateway REST (v1), HTTP API (v2) or
 * {@link LocalHttpServer}: method, path, the matched route template, path and query parameters, headers
 * (case-insensitive names), cookies and the body, already base64-decoded when the event carried it so.
 *
 * <p><b>Cookies</b> are in the {@code cookie} header under all three: an HTTP API event carries them in its
 * {@code cookies} array instead, which is joined back into one {@code cookie} header with {@code "; "}.
 * {@link #cookie(String)} and {@link #cookies()} parse that header.
 *
 * <p><b>The body</b> is bytes or text depending on how it arrived. An API Gateway event whose body is not
 * base64-encoded carries it as text, already decoded by API Gateway: {@link #body()} is that text as it is, and
 * the {@code charset} of {@code Content-Type} plays no part. A base64-encoded body, and every body through
 * {@link LocalHttpServer} that is not UTF-8 text, is bytes: {@link #body()} decodes them by the declared
 * charset (UTF-8 when none is declared), strictly.
 *
 * <p>The typed accessors answer a client error for a client mistake: {@link #pathLong(String)} and
 * {@link #queryInt(String, int)} throw an {@link HttpProblem} 400 naming the parameter when the value is not a
 * number, so a route need not validate them itself.
 *
 * <p>Routes are plain functions of a request, so a unit test builds one with {@link #builder(String, String)}.
 * Immutable and thread-safe.
 */
public final class HttpRequest {
    private final String method;
    private final String path;
    private final String route;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> queryParams;
    private final Map<String, String> headers;
    private final byte[] body;
    private final String text;
    private final String requestId;
    private final String principal;
    private final Map<String, Object> claims;

    private HttpRequest(Builder b) {
        this.method = b.method;
        this.path = b.path;
        this.route = b.route == null ? b.path : b.route;
        this.pathParams = Collections.unmodifiableMap(new LinkedHashMap<>(b.pathParams));
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> param : b.queryParams.entrySet()) {
            query.put(param.getKey(), List.copyOf(param.getValue()));
        }
        this.queryParams = Collections.unmodifiableMap(query);
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.text = b.text;
        this.body = b.text != null ? b.text.getBytes(StandardCharsets.UTF_8) : b.body;
        this.requestId = b.requestId;
        this.principal = b.principal;
        this.claims = Collections.unmodifiableMap(new LinkedHashMap<>(b.claims));
    }

    /**
     * A builder for a request, for tests of routes and for the adapters.
     *
     * @param method the HTTP method, e.g. {@code GET}; upper-cased
     * @param path the request path, e.g. {@code /things/7}
     * @return a new builder
     */
    public static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    /**
     * The HTTP method, upper case.
     *
     * @return e.g. {@code GET}
     */
    public String method() {
        return method;
    }

    /**
     * The request path, percent-encoded, without the stage prefix API Gateway adds for a named HTTP API stage.
     * Under a REST API and {@link LocalHttpServer} it is the path as sent; an HTTP API delivers the path already
     * decoded, so there it is that path encoded again (a client's {@code %2F} arrives as a slash and stays one).
     * Path parameters are the decoded form.
     *
     * @return e.g. {@code /things/7}
     */
    public String path() {
        return path;
    }

    /**
     * The template of the route that matched.
     *
     * @return e.g. {@code /things/{id}}; the path itself when the request was built without one
     */
    public String route() {
        return route;
    }

    /**
     * A path parameter of the matched template. Each path segment is percent-decoded exactly once, after the
     * path is split, so the value may hold a slash sent as {@code %2F} ({@code /things/a%2Fb} gives {@code a/b})
     * and {@code %2541} gives {@code %41}; an escape that is not {@code %} and two hex digits, or whose bytes
     * are not UTF-8, is kept as sent. An HTTP API decodes the path before the function sees it: there an encoded
     * slash is already a separator, and the value is the segment as delivered.
     *
     * @param name the name in the template, e.g. {@code id} for {@code /things/{id}}
     * @return the decoded value
     * @throws IllegalArgumentException if the template has no such parameter (a bug in the route, answered 500)
     */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route " + route + " has no path parameter {" + name + "}");
        }
        return value;
    }

    /**
     * A path parameter as a {@code long}.
     *
     * @param name the name in the template
     * @return the value
     * @throws HttpProblem 400 naming the parameter if the value is not a decimal {@code long}
     * @throws IllegalArgumentException if the template has no such parameter
     */
    public long pathLong(String name) {
        String value = pathParam(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest(name, "path parameter '" + name + "' must be an integer");
        }
    }

    /**
     * All path parameters, in template order.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    /**
     * The first value of a query parameter.
     *
     * @param name the parameter name, case-sensitive
     * @return the decoded value, or empty when absent
     */
    public Optional<String> query(String name) {
        List<String> values = queryParams.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * Every value of a query parameter, in request order.
     *
     * @param name the parameter name
     * @return the values, empty when absent
     */
    public List<String> queryAll(String name) {
        return queryParams.getOrDefault(name, List.of());
    }

    /**
     * A query parameter as an {@code int}, or a default when it is absent or empty.
     *
     * @param name the parameter name
     * @param defaultValue the value when absent
     * @return the value
     * @throws HttpProblem 400 naming the parameter if the value is present but not a decimal {@code int}
     */
    public int queryInt(String name, int defaultValue) {
        String value = query(name).orElse("");
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest(name, "query parameter '" + name + "' must be an integer");
        }
    }

    /**
     * A query parameter as a {@code long}, or a default when it is absent or empty.
     *
     * @param name the parameter name
     * @param defaultValue the value when absent
     * @return the value
     * @throws HttpProblem 400 naming the parameter if the value is present but not a decimal {@code long}
     */
    public long queryLong(String name, long defaultValue) {
        String value = query(name).orElse("");
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest(name, "query parameter '" + name + "' must be an integer");
        }
    }

    /**
     * All query parameters.
     *
     * @return an unmodifiable map from name to values
     */
    public Map<String, List<String>> queryParams() {
        return queryParams;
    }

    /**
     * A header; repeated headers come comma-joined, as API Gateway sends them ({@code cookie}: joined with
     * {@code "; "}).
     *
     * @param name the name, any case
     * @return the value, or empty when absent
     */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * All headers, keyed by lower-case name.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The media type of the body, without parameters.
     *
     * @return e.g. {@code application/json}, lower case; empty when there is no {@code Content-Type}
     */
    public Optional<String> contentType() {
        return header("content-type").map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty());
    }

    /**
     * A cookie the client sent, from the {@code cookie} header.
     *
     * @param name the cookie name, case-sensitive
     * @return its value as sent (not decoded), the first when the name repeats; empty when absent
     */
    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies().get(Objects.requireNonNull(name, "name")));
    }

    /**
     * All cookies the client sent, parsed from the {@code cookie} header ({@code a=1; b=2}). A pair without
     * {@code =} is skipped; when a name repeats the first value is kept, as browsers send the most specific
     * cookie first.
     *
     * @return an unmodifiable map from name to value as sent, in header order
     */
    public Map<String, String> cookies() {
        String header = headers.get("cookie");
        if (header == null) {
            return Map.of();
        }
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String pair : header.split(";")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? "" : pair.substring(0, eq).trim();
            if (!name.isEmpty()) {
                cookies.putIfAbsent(name, pair.substring(eq + 1).trim());
            }
        }
        return Collections.unmodifiableMap(cookies);
    }

    /**
     * The body as text. A body that arrived as text (an API Gateway event not base64-encoded, or
     * {@link Builder#body(String)}) is returned as it is. A body that arrived as bytes is decoded by the
     * {@code charset} parameter of {@code Content-Type}, UTF-8 when there is none, and never with replacement
     * characters: bytes that are not valid in that charset are a client error.
     *
     * @return the text, empty when there is no body
     * @throws HttpProblem 400 if the bytes are not valid in the charset; 415 if the JVM does not know the charset
     */
    public String body() {
        return text != null ? text : BodyText.decode(body, headers.get("content-type"));
    }

    /**
     * The body bytes: as received when the body arrived as bytes (base64-decoded when the event was
     * base64-encoded), the UTF-8 encoding of the text when it arrived as text.
     *
     * @return a copy of the bytes, empty when there is no body
     */
    public byte[] bodyBytes() {
        return body.clone();
    }

    /**
     * The Lambda request id of the invocation, also in its log line and in any problem response.
     *
     * @return the id, or an empty string when the request was built without one
     */
    public String requestId() {
        return requestId;
    }

    /**
     * Who the API Gateway authorizer says sent the request: under an HTTP API the JWT authorizer's {@code sub}
     * claim, a Lambda authorizer's {@code principalId} context value or the IAM caller's ARN; under a REST API
     * the Lambda authorizer's {@code principalId} or a Cognito authorizer's {@code sub} claim. Idempotency keys
     * are scoped to it ({@link HttpIdempotency}).
     *
     * @return the principal, or empty when no authorizer vouched for the caller
     */
    public Optional<String> principal() {
        return Optional.ofNullable(principal);
    }

    /**
     * The claims the authorizer vouched for, as the event carries them:
     * <ul>
     *   <li>HTTP API with a JWT authorizer: {@code requestContext.authorizer.jwt.claims}; API Gateway hands every
     *       claim over as text (a number as its digits, a list as {@code [a b]});</li>
     *   <li>HTTP API with a Lambda authorizer: its context ({@code requestContext.authorizer.lambda}), strings,
     *       numbers, booleans, lists and maps as the authorizer returned them;</li>
     *   <li>REST API: a Cognito user-pool authorizer's {@code claims}, or else a Lambda authorizer's context
     *       ({@code requestContext.authorizer}, with {@code principalId});</li>
     *   <li>{@link LocalHttpServer}: the claims of the verified bearer token, rendered as an HTTP API's JWT
     *       authorizer renders them.</li>
     * </ul>
     * {@link ClaimSetting} turns a claim into a transaction setting.
     *
     * @return an unmodifiable map, empty when no authorizer vouched for the caller
     */
    public Map<String, Object> claims() {
        return claims;
    }

    /**
     * One claim, if it is a string.
     *
     * @param name the claim name, case-sensitive
     * @return the value; empty when absent or not a string (see {@link #claims()} for every value as it came)
     */
    public Optional<String> claim(String name) {
        return claims.get(Objects.requireNonNull(name, "name")) instanceof String value ? Optional.of(value)
                : Optional.empty();
    }

    @Override
    public String toString() {
        return method + " " + path + (requestId.isEmpty() ? "" : " (" + requestId + ")");
    }

    /** Builds an {@link HttpRequest}. Not thread-safe. */
    public static final class Builder {
        private final String method;
        private final String path;
        private String route;
        private final Map<String, String> pathParams = new LinkedHashMap<>();
        private final Map<String, List<String>> queryParams = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] body = new byte[0];
        private String text;
        private String requestId = "";
        private String principal;
        private final Map<String, Object> claims = new LinkedHashMap<>();

        private Builder(String method, String path) {
            this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            this.path = Objects.requireNonNull(path, "path");
        }

        /**
         * The matched route template.
         *
         * @param template e.g. {@code /things/{id}}
         * @return this builder
         */
        public Builder route(String template) {
            this.route = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * Adds a path parameter.
         *
         * @param name the name in the template
         * @param value the decoded value
         * @return this builder
         */
        public Builder pathParam(String name, String value) {
            pathParams.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds a value of a query parameter.
         *
         * @param name the name
         * @param value the decoded value
         * @return this builder
         */
        public Builder query(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            List<String> values = queryParams.get(name);
            if (values == null) {
                values = new ArrayList<>();
                queryParams.put(name, values);
            }
            values.add(value);
            return this;
        }

        /**
         * Sets a header, replacing a previous value of the same name in any case.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT),
                    Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * The body as text, already decoded: {@link HttpRequest#body()} returns it as it is, whatever charset
         * {@code Content-Type} names. Replaces a body set before.
         *
         * @param text the text
         * @return this builder
         */
        public Builder body(String text) {
            this.text = Objects.requireNonNull(text, "text");
            this.body = new byte[0];
            return this;
        }

        /**
         * The body as bytes, which {@link HttpRequest#body()} decodes by the charset of {@code Content-Type}.
         * Replaces a body set before.
         *
         * @param bytes the bytes, copied
         * @return this builder
         */
        public Builder body(byte[] bytes) {
            this.body = Objects.requireNonNull(bytes, "bytes").clone();
            this.text = null;
            return this;
        }

        /**
         * The request id.
         *
         * @param id the id
         * @return this builder
         */
        public Builder requestId(String id) {
            this.requestId = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * Who the authorizer says sent the request.
         *
         * @param principal the principal, or {@code null} for none
         * @return this builder
         */
        public Builder principal(String principal) {
            this.principal = principal == null || principal.isEmpty() ? null : principal;
            return this;
        }

        /**
         * Adds a claim the authorizer vouched for, replacing one of the same name.
         *
         * @param name the claim name
         * @param value a string, number, boolean, list or map
         * @return this builder
         */
        public Builder claim(String name, Object value) {
            claims.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds every claim of a map, skipping {@code null} names and values.
         *
         * @param all the claims
         * @return this builder
         */
        public Builder claims(Map<String, ?> all) {
            for (Map.Entry<String, ?> claim : Objects.requireNonNull(all, "claims").entrySet()) {
                if (claim.getKey() != null && claim.getValue() != null) {
                    claims.put(claim.getKey(), claim.getValue());
                }
            }
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         */
        public HttpRequest build() {
            return new HttpRequest(this);
        }
    }
}
