package dev.txfn.lambda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a route answers: a status, headers and an optional body object that the handler encodes as JSON
 * ({@code Content-Type: application/json} unless a header says otherwise) after the route has returned, so
 * encoding never happens inside a transaction.
 *
 * <pre>{@code
 * return HttpResponse.ok(thing);
 * return HttpResponse.created("/things/" + t.id(), t);
 * return HttpResponse.noContent();
 * return HttpResponse.status(202, job).withHeader("Cache-Control", "no-store");
 * return HttpResponse.noContent().withCookie("session=abc; Path=/; Secure; HttpOnly").withCookie("theme=dark");
 * }</pre>
 *
 * <p>Headers have one value per name; {@code Set-Cookie} is the exception, kept as a list
 * ({@link #withCookie(String)}, {@link #cookies()}) because each cookie must be its own header line. Each value
 * becomes one {@code Set-Cookie} line under all three front ends: an HTTP API gets them in the response's
 * {@code cookies}, a REST API in {@code multiValueHeaders}, and {@link LocalHttpServer} writes one line each.
 *
 * <p>The body must be a materialized value (a record, collection, map, scalar), never anything bound to a
 * database handle. Immutable and thread-safe; the {@code withX} methods return a modified copy.
 */
public final class HttpResponse {
    private static final String SET_COOKIE = "Set-Cookie";

    private final int status;
    private final Map<String, String> headers;
    private final List<String> cookies;
    private final Object body;

    private HttpResponse(int status, Map<String, String> headers, List<String> cookies, Object body) {
        this.status = status;
        this.headers = headers;
        this.cookies = cookies;
        this.body = body;
    }

    /**
     * 200 OK with a JSON body.
     *
     * @param body the value to encode
     * @return the response
     */
    public static HttpResponse ok(Object body) {
        return status(200, Objects.requireNonNull(body, "body"));
    }

    /**
     * 201 Created with a {@code Location} header and a JSON body.
     *
     * @param location the URI of the new resource, e.g. {@code /things/7}
     * @param body the value to encode, usually the new resource
     * @return the response
     */
    public static HttpResponse created(String location, Object body) {
        return status(201, Objects.requireNonNull(body, "body"))
                .withHeader("Location", Objects.requireNonNull(location, "location"));
    }

    /**
     * 204 No Content.
     *
     * @return the response
     */
    public static HttpResponse noContent() {
        return status(204);
    }

    /**
     * Any status without a body.
     *
     * @param status 100 to 599
     * @return the response
     * @throws IllegalArgumentException if the status is out of range
     */
    public static HttpResponse status(int status) {
        return status(status, null);
    }

    /**
     * Any status with a JSON body.
     *
     * @param status 100 to 599
     * @param body the value to encode, or {@code null} for no body
     * @return the response
     * @throws IllegalArgumentException if the status is out of range
     */
    public static HttpResponse status(int status, Object body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100 to 599, was " + status);
        }
        return new HttpResponse(status, Map.of(), List.of(), body);
    }

    /**
     * A copy with a header set, replacing a previous value of the same name in any case. {@code Set-Cookie}
     * replaces every cookie set so far with this one value; use {@link #withCookie(String)} to add one.
     *
     * @param name the header name
     * @param value the value
     * @return the new response
     * @throws IllegalArgumentException for {@code Set-Cookie}, as for {@link #withCookie(String)}
     */
    public HttpResponse withHeader(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.equalsIgnoreCase(SET_COOKIE)) {
            return new HttpResponse(status, headers, List.of(), body).withCookie(value);
        }
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase(name)) {
                copy.put(k, v);
            }
        });
        copy.put(name, value);
        return new HttpResponse(status, Collections.unmodifiableMap(copy), cookies, body);
    }

    /**
     * A copy that also sets a cookie: one more {@code Set-Cookie} header line, after those already set.
     *
     * @param setCookie the whole header value, e.g. {@code session=abc; Path=/; Secure; HttpOnly; SameSite=Lax}
     * @return the new response
     * @throws IllegalArgumentException if the value is blank, has no {@code name=} before its first {@code ;},
     *     or holds a CR or LF
     */
    public HttpResponse withCookie(String setCookie) {
        Objects.requireNonNull(setCookie, "setCookie");
        if (setCookie.indexOf('\r') >= 0 || setCookie.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a Set-Cookie value must not contain CR or LF");
        }
        String pair = setCookie.split(";", 2)[0];
        if (pair.indexOf('=') <= 0 || pair.substring(0, pair.indexOf('=')).isBlank()) {
            throw new IllegalArgumentException("a Set-Cookie value starts with name=value, was '" + setCookie + "'");
        }
        List<String> copy = new ArrayList<>(cookies);
        copy.add(setCookie);
        return new HttpResponse(status, headers, List.copyOf(copy), body);
    }

    /**
     * The status.
     *
     * @return 100 to 599
     */
    public int status() {
        return status;
    }

    /**
     * The headers set on this response, in the order set, except {@code Set-Cookie} (see {@link #cookies()}).
     *
     * @return an unmodifiable map
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The {@code Set-Cookie} values, in the order set.
     *
     * @return an unmodifiable list, empty when no cookie is set
     */
    public List<String> cookies() {
        return cookies;
    }

    /**
     * The body object, not yet encoded.
     *
     * @return the body, or {@code null} for none
     */
    public Object body() {
        return body;
    }

    @Override
    public String toString() {
        return "HttpResponse[" + status + (body == null ? "" : ", " + body.getClass().getSimpleName()) + "]";
    }
}
