package dev.txfn.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.txfn.Tx;
import dev.txfn.TxFn;
import dev.txfn.lambda.internal.EncodedJson;
import dev.txfn.lambda.internal.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Makes an HTTP write route safe to retry with the {@code Idempotency-Key} request header (the IETF httpapi
 * draft "The Idempotency-Key HTTP Header Field", with the semantics Stripe's API made familiar). The key, a
 * fingerprint of the request (method, path, body) and the response (status, headers, cookies, body) are stored
 * in {@link IdempotencyTable} <em>in the same transaction as the route's work</em>, so they commit or roll back
 * together:
 *
 * <ul>
 *   <li>the same key again after that transaction committed: the stored response, byte for byte, with
 *       {@code Idempotent-Replayed: true}, and no work done (one round trip, a one-query read);
 *   <li>the same key with a different request: 422 problem, type {@value #KEY_REUSED};
 *   <li>the same key while the first request is still running (another container): 409 problem, type
 *       {@value #KEY_IN_USE}, with {@code Retry-After: 1};
 *   <li>a key that is empty, longer than {@value #MAX_KEY_LENGTH} characters or not printable ASCII, or a
 *       missing key on a route that {@linkplain #required() requires} one: 400 problem, no database work;
 *   <li>the connection failing after {@code COMMIT} was sent: 503 problem, type
 *       {@code https://txfn.dev/problems/commit-outcome-unknown}, with {@code Retry-After}; the client's retry
 *       with the same key returns the original response if the transaction committed, or does the work if
 *       it did not.
 * </ul>
 *
 * <pre>{@code
 * HttpRoutes routes = HttpRoutes.builder()
 *     .post("/things", NewThing.class, HttpIdempotency.optional().route((req, body, h) -> {
 *         Thing t = things.insert(h, body);
 *         return HttpResponse.created("/things/" + t.id(), t);
 *     }))
 *     .build();
 * }</pre>
 *
 * <p>Keys are scoped to the caller the API Gateway authorizer names ({@link HttpRequest#principal()}): two
 * callers may use the same key. They expire after the {@linkplain #withRetention(Duration) retention} (24 hours by
 * default); an expired key is a new key, and {@link IdempotencyTable#purgeExpired(Handle)} deletes expired
 * rows. The key header is read as sent ({@code Idempotency-Key: 8e03978e-40d5}) or as the draft's structured
 * string ({@code Idempotency-Key: "8e03978e-40d5"}). A route that throws, an {@link HttpProblem} included,
 * stores nothing: the transaction rolled back, so the same key may try again. The response body is encoded to
 * JSON inside the transaction, so that what is stored is exactly what is sent.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpIdempotency {
    /** The request header, {@code Idempotency-Key}. */
    public static final String HEADER = "Idempotency-Key";
    /** The response header marking a replay, {@code Idempotent-Replayed}. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** The longest key accepted, in characters. */
    public static final int MAX_KEY_LENGTH = 255;
    /** The default retention of a key: 24 hours. */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    /** The problem type of a key reused for a different request (422). */
    public static final String KEY_REUSED = "https://txfn.dev/problems/idempotency-key-reused";
    /** The problem type of a key whose first request is still running (409). */
    public static final String KEY_IN_USE = "https://txfn.dev/problems/idempotency-key-in-use";
    /** The problem type of a missing or malformed key (400). */
    public static final String KEY_INVALID = "https://txfn.dev/problems/idempotency-key-invalid";

    private static final TypeReference<Map<String, Object>> STORED_HEADERS = new TypeReference<>() {
    };

    private final boolean required;
    private final String table;
    private final Duration retention;

    private HttpIdempotency(boolean required, String table, Duration retention) {
        this.required = required;
        this.table = table;
        this.retention = retention;
    }

    /**
     * Idempotency for requests that carry a key; a request without one runs as a plain transaction.
     *
     * @return the setting, with the default table and retention
     */
    public static HttpIdempotency optional() {
        return new HttpIdempotency(false, IdempotencyTable.DEFAULT_NAME, DEFAULT_RETENTION);
    }

    /**
     * Idempotency for every request: one without a key is answered 400 without any database work.
     *
     * @return the setting, with the default table and retention
     */
    public static HttpIdempotency required() {
        return new HttpIdempotency(true, IdempotencyTable.DEFAULT_NAME, DEFAULT_RETENTION);
    }

    /**
     * A copy storing keys in another table, created as {@link IdempotencyTable#createTableSql(String)} shows.
     *
     * @param name an unquoted identifier, optionally schema-qualified
     * @return the new setting
     * @throws IllegalArgumentException if the name is not a plain identifier
     */
    public HttpIdempotency withTable(String name) {
        return new HttpIdempotency(required, IdempotencyTable.checkName(name), retention);
    }

    /**
     * A copy keeping keys for another duration.
     *
     * @param keep how long a key and its response are kept, at least one second
     * @return the new setting
     * @throws IllegalArgumentException if {@code keep} is shorter than one second
     */
    public HttpIdempotency withRetention(Duration keep) {
        Objects.requireNonNull(keep, "keep");
        if (keep.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("idempotency retention must be at least 1 s, was " + keep);
        }
        return new HttpIdempotency(required, table, keep);
    }

    /**
     * Whether a request must carry a key.
     *
     * @return {@code true} for {@link #required()}
     */
    public boolean isRequired() {
        return required;
    }

    /**
     * A route running {@code route} as one transaction, idempotent by key.
     *
     * @param route the work and its response
     * @return the route to register
     */
    public HttpRoute route(HttpTransactionRoute route) {
        Objects.requireNonNull(route, "route");
        return (request, tx) -> serve(request, tx, h -> route.handle(request, h));
    }

    /**
     * A body route running {@code route} as one transaction, idempotent by key.
     *
     * @param route the work and its response
     * @param <B> the body type
     * @return the route to register
     */
    public <B> HttpBodyRoute<B> route(HttpTransactionBodyRoute<B> route) {
        Objects.requireNonNull(route, "route");
        return (request, body, tx) -> serve(request, tx, h -> route.handle(request, body, h));
    }

    /** The route's work on the transaction's handle. */
    @FunctionalInterface
    private interface Work {
        HttpResponse run(Handle handle) throws Exception;
    }

    /** A response as stored: status, headers, cookies and the encoded body ({@code null} for none). */
    private record Stored(String fingerprint, int status, Map<String, String> headers, List<String> cookies,
            String body) {

        HttpResponse response(boolean replayed) {
            HttpResponse response = HttpResponse.status(status, body == null ? null : new EncodedJson(body));
            for (Map.Entry<String, String> header : headers.entrySet()) {
                response = response.withHeader(header.getKey(), header.getValue());
            }
            for (String cookie : cookies) {
                response = response.withCookie(cookie);
            }
            return replayed ? response.withHeader(REPLAYED_HEADER, "true") : response;
        }
    }

    /** What the transaction found or did. */
    private record Outcome(Stored stored, boolean replayed) {
    }

    private HttpResponse serve(HttpRequest request, Tx tx, Work work) throws Exception {
        Optional<String> key = key(request);
        if (key.isEmpty()) {
            if (required) {
                throw HttpProblem.badRequest(HEADER + " is required on " + request.method() + " "
                        + request.route()).withType(KEY_INVALID);
            }
            return tx.inTransaction(h -> store(work.run(h), null)).response(false);
        }
        String stored = scoped(request, key.get());
        String fingerprint = fingerprint(request);
        Optional<Stored> earlier = tx.readOnly(TxFn.query("select fingerprint, response_status, response_headers,"
                + " response_body from " + table + " where key = :key and expires_at > now()"
                + " and response_status is not null",
                q -> q.bind("key", stored).map((rs, ctx) -> stored(rs.getString(1), rs.getInt(2), rs.getString(3),
                        rs.getString(4))).findOne()));
        if (earlier.isPresent()) {
            return replay(earlier.get(), fingerprint);
        }
        Outcome outcome = tx.inTransaction(h -> {
            Optional<Stored> committed = lockOrReplay(h, stored);
            if (committed.isPresent()) {
                return new Outcome(committed.get(), true);
            }
            Stored fresh = store(work.run(h), fingerprint);
            h.createUpdate("insert into " + table + " (key, processed_at, expires_at, fingerprint, response_status,"
                    + " response_headers, response_body) values (:key, now(),"
                    + " now() + make_interval(secs => :seconds), :fingerprint, :status, :headers, :body)"
                    + " on conflict (key) do update set processed_at = excluded.processed_at,"
                    + " expires_at = excluded.expires_at, fingerprint = excluded.fingerprint,"
                    + " response_status = excluded.response_status, response_headers = excluded.response_headers,"
                    + " response_body = excluded.response_body where " + table + ".expires_at < now()")
                    .bind("key", stored)
                    .bind("seconds", (double) retention.toSeconds())
                    .bind("fingerprint", fingerprint)
                    .bind("status", fresh.status())
                    .bind("headers", encodeHeaders(fresh))
                    .bind("body", fresh.body())
                    .execute();
            return new Outcome(fresh, false);
        });
        return outcome.replayed() ? replay(outcome.stored(), fingerprint) : outcome.stored().response(false);
    }

    /**
     * Takes the key's transaction-scoped advisory lock, or answers 409 when another transaction holds it (the
     * same key's first request, still running); then looks once more for a response committed since the first
     * look-up.
     */
    private Optional<Stored> lockOrReplay(Handle h, String key) {
        Map<String, Object> row = h.createQuery("select l.locked, t.fingerprint, t.response_status,"
                + " t.response_headers, t.response_body"
                + " from (select pg_try_advisory_xact_lock(hashtext(:table), hashtext(:key)) as locked) l"
                + " left join " + table + " t on t.key = :key and t.expires_at > now()"
                + " and t.response_status is not null")
                .bind("table", table)
                .bind("key", key)
                .mapToMap()
                .one();
        if (!Boolean.TRUE.equals(row.get("locked"))) {
            throw HttpProblem.of(409, "Conflict", "a request with this " + HEADER + " is still being processed;"
                    + " retry it later").withType(KEY_IN_USE).withHeader("Retry-After", "1");
        }
        if (row.get("response_status") == null) {
            return Optional.empty();
        }
        return Optional.of(stored((String) row.get("fingerprint"), ((Number) row.get("response_status")).intValue(),
                (String) row.get("response_headers"), (String) row.get("response_body")));
    }

    private static HttpResponse replay(Stored stored, String fingerprint) {
        if (!stored.fingerprint().equals(fingerprint)) {
            throw HttpProblem.unprocessable("this " + HEADER + " was used for a different request (method, path or"
                    + " body); use a new key for a new request").withType(KEY_REUSED);
        }
        return stored.response(true);
    }

    /** The response as it will be sent and stored: the body encoded now, inside the transaction. */
    private static Stored store(HttpResponse response, String fingerprint) {
        if (response == null) {
            throw new IllegalStateException("an idempotent route returned null instead of an HttpResponse");
        }
        String body = response.body() == null ? null
                : response.body() instanceof EncodedJson encoded ? encoded.json() : Json.encode(response.body());
        // JDK copies: the result guard walks them (it refuses the unmodifiable views HttpResponse hands out).
        return new Stored(fingerprint == null ? "" : fingerprint, response.status(),
                new LinkedHashMap<>(response.headers()), List.copyOf(response.cookies()), body);
    }

    private static Stored stored(String fingerprint, int status, String headersJson, String body) {
        Map<String, Object> decoded;
        try {
            decoded = Json.mapper().readValue(headersJson, STORED_HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored headers of an idempotent response are not valid JSON", e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (decoded.get("headers") instanceof Map<?, ?> map) {
            map.forEach((k, v) -> headers.put(String.valueOf(k), String.valueOf(v)));
        }
        List<String> cookies = decoded.get("cookies") instanceof List<?> list
                ? list.stream().map(String::valueOf).toList() : List.of();
        return new Stored(fingerprint, status, headers, cookies, body);
    }

    private static String encodeHeaders(Stored stored) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("headers", stored.headers());
        value.put("cookies", stored.cookies());
        return Json.encode(value);
    }

    /** The key as stored: scoped to the principal (length-prefixed, so no principal can forge another's scope). */
    private static String scoped(HttpRequest request, String key) {
        String principal = request.principal().orElse("");
        return "http:" + principal.length() + ":" + principal + ":" + key;
    }

    /**
     * The key in the request, unquoted if sent as a structured-field string.
     *
     * @throws HttpProblem 400 if it is empty, too long or not printable ASCII
     */
    static Optional<String> key(HttpRequest request) {
        Optional<String> header = request.header(HEADER);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String key = header.get().strip();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw HttpProblem.badRequest(HEADER + " must be 1 to " + MAX_KEY_LENGTH + " characters, was "
                    + key.length()).withType(KEY_INVALID);
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw HttpProblem.badRequest(HEADER + " must be printable ASCII; character " + (i + 1)
                        + " is not").withType(KEY_INVALID);
            }
        }
        return Optional.of(key);
    }

    /** SHA-256 of the method, the path and the body bytes. */
    static String fingerprint(HttpRequest request) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((request.method() + "\n" + request.path() + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(request.bodyBytes());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "HttpIdempotency[" + (required ? "required" : "optional") + ", table=" + table + ", retention="
                + retention + "]";
    }
}
