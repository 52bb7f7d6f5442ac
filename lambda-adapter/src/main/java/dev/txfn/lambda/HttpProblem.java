package dev.txfn.lambda;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Thrown by a route to answer with an RFC 9457 problem ({@code application/problem+json}) instead of its normal
 * response: {@code throw HttpProblem.notFound("thing 7 not found")}. Thrown inside a transaction callback it
 * also rolls the transaction back, like any other exception. The handler adds {@code instance} (the request
 * path) and {@code requestId} to the body.
 *
 * <pre>{@code
 * Thing t = tx.readOnly(h -> things.find(h, id))
 *         .orElseThrow(() -> HttpProblem.notFound("thing " + id + " not found"));
 * }</pre>
 *
 * <p>The detail is sent to the client as it is: never put SQL, stack traces or secrets in it. No stack trace
 * is captured (a problem is an answer, not a bug). Immutable and thread-safe; each {@code withX} method returns
 * a modified copy.
 */
public final class HttpProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Set<String> RESERVED = Set.of("type", "title", "status", "detail", "instance", "requestId");

    /** The HTTP status. */
    private final int status;
    /** The problem type URI. */
    private final String type;
    /** The short summary. */
    private final String title;
    /** The occurrence detail, or {@code null}. */
    private final String detail;
    /** The extension members. */
    @SuppressWarnings("serial") // always an unmodifiable copy of serializable values in practice
    private final Map<String, Object> extensions;
    /** The extra response headers. */
    @SuppressWarnings("serial")
    private final Map<String, String> headers;

    private HttpProblem(int status, String type, String title, String detail, Map<String, Object> extensions,
            Map<String, String> headers) {
        super(title + (detail == null ? "" : ": " + detail), null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.detail = detail;
        this.extensions = extensions;
        this.headers = headers;
    }

    /**
     * A problem of type {@code about:blank}: any 4xx or 5xx status, a short title, and a detail for this
     * occurrence.
     *
     * @param status the HTTP status, 400 to 599
     * @param title a short summary of the problem type, e.g. the status's reason phrase
     * @param detail what went wrong this time, for the client; may be {@code null}
     * @return the problem, to be thrown
     * @throws IllegalArgumentException if the status is not 400 to 599 or the title is blank
     */
    public static HttpProblem of(int status, String title, String detail) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("problem status must be 400 to 599, was " + status);
        }
        Objects.requireNonNull(title, "title");
        if (title.isBlank()) {
            throw new IllegalArgumentException("problem title must not be blank");
        }
        return new HttpProblem(status, "about:blank", title, detail, Map.of(), Map.of());
    }

    /**
     * A 400 Bad Request.
     *
     * @param detail what is wrong with the request
     * @return the problem
     */
    public static HttpProblem badRequest(String detail) {
        return of(400, "Bad Request", detail);
    }

    /**
     * A 400 Bad Request naming the offending request field, path or query parameter in the {@code field}
     * member.
     *
     * @param field the name of the field or parameter
     * @param detail what is wrong with it
     * @return the problem
     */
    public static HttpProblem badRequest(String field, String detail) {
        return badRequest(detail).withExtension("field", Objects.requireNonNull(field, "field"));
    }

    /**
     * A 401 Unauthorized with {@code WWW-Authenticate: Bearer}: the request does not say, or does not prove, who
     * sent it.
     *
     * @param detail what is missing or wrong, for the client; never the token or a claim's value
     * @return the problem
     */
    public static HttpProblem unauthorized(String detail) {
        return of(401, "Unauthorized", detail).withHeader("WWW-Authenticate", "Bearer");
    }

    /**
     * A 404 Not Found.
     *
     * @param detail what was not found
     * @return the problem
     */
    public static HttpProblem notFound(String detail) {
        return of(404, "Not Found", detail);
    }

    /**
     * A 409 Conflict: the request conflicts with the current state of the resource.
     *
     * @param detail what conflicts
     * @return the problem
     */
    public static HttpProblem conflict(String detail) {
        return of(409, "Conflict", detail);
    }

    /**
     * A 422 Unprocessable Content: well-formed, but semantically invalid.
     *
     * @param detail what is invalid
     * @return the problem
     */
    public static HttpProblem unprocessable(String detail) {
        return of(422, "Unprocessable Content", detail);
    }

    /**
     * A copy with another {@code type}, a URI identifying the problem type (ideally a stable, dereferenceable
     * one documenting it).
     *
     * @param typeUri the URI, e.g. {@code https://example.com/problems/out-of-stock}
     * @return the new problem
     * @throws IllegalArgumentException if the type is blank
     */
    public HttpProblem withType(String typeUri) {
        Objects.requireNonNull(typeUri, "typeUri");
        if (typeUri.isBlank()) {
            throw new IllegalArgumentException("problem type must not be blank");
        }
        return new HttpProblem(status, typeUri, title, detail, extensions, headers);
    }

    /**
     * A copy with an extension member in the body, e.g. {@code withExtension("balance", 30)}. Values are
     * encoded as JSON.
     *
     * @param name the member name; not one of the standard members or {@code requestId}
     * @param value the value, a JSON-encodable object
     * @return the new problem
     * @throws IllegalArgumentException if the name is reserved
     */
    public HttpProblem withExtension(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is a standard problem member, not an extension");
        }
        Map<String, Object> copy = new LinkedHashMap<>(extensions);
        copy.put(name, value);
        return new HttpProblem(status, type, title, detail, Collections.unmodifiableMap(copy), headers);
    }

    /**
     * A copy that also sends a response header, e.g. {@code Retry-After}.
     *
     * @param name the header name
     * @param value the value
     * @return the new problem
     */
    public HttpProblem withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new HttpProblem(status, type, title, detail, extensions, Collections.unmodifiableMap(copy));
    }

    /**
     * The HTTP status.
     *
     * @return 400 to 599
     */
    public int status() {
        return status;
    }

    /**
     * The problem type URI.
     *
     * @return {@code about:blank} unless {@link #withType(String) set}
     */
    public String type() {
        return type;
    }

    /**
     * The title.
     *
     * @return the short summary
     */
    public String title() {
        return title;
    }

    /**
     * The detail.
     *
     * @return the detail, or {@code null}
     */
    public String detail() {
        return detail;
    }

    /**
     * The extension members, in insertion order.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> extensions() {
        return extensions;
    }

    /**
     * The extra response headers.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> headers() {
        return headers;
    }
}
