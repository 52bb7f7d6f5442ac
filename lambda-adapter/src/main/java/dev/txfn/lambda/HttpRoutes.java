package dev.txfn.lambda;

import dev.txfn.Tx;
import dev.txfn.lambda.internal.RouteTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The routes of an HTTP API, as a table: method, path template, function. The same routes serve API Gateway
 * HTTP APIs ({@link HttpApiHandler}), REST APIs ({@link RestApiHandler}) and {@link LocalHttpServer}.
 *
 * <pre>{@code
 * HttpRoutes routes = HttpRoutes.builder()
 *     .get("/things/{id}", (req, tx) -> HttpResponse.ok(tx.readOnly(h -> things.find(h, req.pathLong("id")))
 *             .orElseThrow(() -> HttpProblem.notFound("thing " + req.pathParam("id") + " not found"))))
 *     .post("/things", NewThing.class, (req, body, tx) -> {
 *         Thing t = tx.inTransaction(h -> things.insert(h, body));
 *         return HttpResponse.created("/things/" + t.id(), t);
 *     })
 *     .maxBodyBytes(64 * 1024)
 *     .build();
 * }</pre>
 *
 * <p><b>Matching.</b> Templates are literal segments and whole-segment parameters ({@code /things/{id}}); a
 * literal beats a parameter at the same position; a trailing slash is ignored. The path is split first, then
 * each segment is percent-decoded exactly once, so {@code /things/a%2Fb} matches {@code /things/{id}} with
 * {@code id} = {@code a/b}, and {@code %2541} gives {@code %41}. An HTTP API hands the function a path it has
 * already decoded, so there {@code /things/a%2Fb} arrives as {@code /things/a/b} (see
 * {@link HttpRequest#pathParam(String)}).
 *
 * <p><b>Errors</b> are answered as RFC 9457 {@code application/problem+json} with {@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance} (the request path) and {@code requestId}:
 * <table>
 *   <caption>status by cause</caption>
 *   <tr><td>400</td><td>malformed JSON, wrong types, bad path or query number (member {@code field} names
 *       it); body bytes not valid in their declared charset (UTF-8 by default)</td></tr>
 *   <tr><td>401</td><td>a {@linkplain Builder#claimSetting(ClaimSetting) claim setting}'s claim missing or
 *       invalid; {@code WWW-Authenticate: Bearer}</td></tr>
 *   <tr><td>404</td><td>no route for the path, or {@link HttpProblem#notFound(String)}</td></tr>
 *   <tr><td>405</td><td>a route for the path, not for the method; {@code Allow} lists those that are</td></tr>
 *   <tr><td>413</td><td>body larger than {@link Builder#maxBodyBytes(int)} (decoded bytes)</td></tr>
 *   <tr><td>415</td><td>a body route given a body that is not {@code application/json} or
 *       {@code +json}, or body bytes in a charset the JVM does not know</td></tr>
 *   <tr><td>409</td><td>{@link dev.txfn.UniqueViolationException}; member {@code constraint}</td></tr>
 *   <tr><td>422</td><td>foreign-key, check or not-null violation; member {@code constraint}</td></tr>
 *   <tr><td>503</td><td>the database unavailable: no connection within the budget, the server refusing or
 *       shutting down ({@code 57P0x}, {@code 53300}), the connection lost, a
 *       {@linkplain dev.txfn.ReadOnlyServerException read-only server} (failover in progress), a transient
 *       failure that outlasted its retries; and a {@link dev.txfn.CommitOutcomeUnknownException}, with type
 *       {@code https://txfn.dev/problems/commit-outcome-unknown} (retry with the same
 *       {@link HttpIdempotency Idempotency-Key}); all with {@code Retry-After: 1}</td></tr>
 *   <tr><td>504</td><td>{@link dev.txfn.DeadlineExceededException}</td></tr>
 *   <tr><td>500</td><td>anything else, and any invocation that did not end settled; logged at ERROR with the
 *       request id, answered with a generic detail (never SQL, a stack trace or a server message)</td></tr>
 * </table>
 * Bodies are checked (413, 415, 400) before the route runs, so a bad body never causes database work.
 *
 * <p><b>Claims as settings.</b> {@link Builder#claimSetting(ClaimSetting)} turns an authorizer claim into a
 * transaction-local setting of every transaction the route runs, e.g. {@code tenant_id} into
 * {@code SET LOCAL app.tenant_id} for row-level security; a request without a required claim, or with one that is
 * not a valid value, is answered 401 before the body is decoded and the route runs, with no database work.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpRoutes {
    /** The default body limit: 1 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private final RouteTable table;
    private final int maxBodyBytes;
    private final List<ClaimSetting> claimSettings;

    private HttpRoutes(RouteTable table, int maxBodyBytes, List<ClaimSetting> claimSettings) {
        this.table = table;
        this.maxBodyBytes = maxBodyBytes;
        this.claimSettings = List.copyOf(claimSettings);
    }

    /**
     * A builder with no routes and a 1 MiB body limit.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The body limit in decoded bytes.
     *
     * @return the limit
     */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * The claim settings every route's transactions carry, in the order they were added.
     *
     * @return an unmodifiable list, empty when there are none
     */
    public List<ClaimSetting> claimSettings() {
        return claimSettings;
    }

    RouteTable table() {
        return table;
    }

    /** Builds {@link HttpRoutes}. Not thread-safe; build once per container. */
    public static final class Builder {
        private final List<RouteTable.Route> routes = new ArrayList<>();
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private final List<ClaimSetting> claimSettings = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a {@code GET} route.
         *
         * @param template the path template, e.g. {@code /things/{id}}
         * @param route the function
         * @return this builder
         */
        public Builder get(String template, HttpRoute route) {
            return route("GET", template, route);
        }

        /**
         * Adds a {@code POST} route without a body.
         *
         * @param template the path template
         * @param route the function
         * @return this builder
         */
        public Builder post(String template, HttpRoute route) {
            return route("POST", template, route);
        }

        /**
         * Adds a {@code POST} route with a JSON body.
         *
         * @param template the path template
         * @param bodyType the type the body is decoded to, typically a record
         * @param route the function
         * @param <B> the body type
         * @return this builder
         */
        public <B> Builder post(String template, Class<B> bodyType, HttpBodyRoute<B> route) {
            return route("POST", template, bodyType, route);
        }

        /**
         * Adds a {@code PUT} route without a body.
         *
         * @param template the path template
         * @param route the function
         * @return this builder
         */
        public Builder put(String template, HttpRoute route) {
            return route("PUT", template, route);
        }

        /**
         * Adds a {@code PUT} route with a JSON body.
         *
         * @param template the path template
         * @param bodyType the type the body is decoded to
         * @param route the function
         * @param <B> the body type
         * @return this builder
         */
        public <B> Builder put(String template, Class<B> bodyType, HttpBodyRoute<B> route) {
            return route("PUT", template, bodyType, route);
        }

        /**
         * Adds a {@code PATCH} route without a body.
         *
         * @param template the path template
         * @param route the function
         * @return this builder
         */
        public Builder patch(String template, HttpRoute route) {
            return route("PATCH", template, route);
        }

        /**
         * Adds a {@code PATCH} route with a JSON body.
         *
         * @param template the path template
         * @param bodyType the type the body is decoded to
         * @param route the function
         * @param <B> the body type
         * @return this builder
         */
        public <B> Builder patch(String template, Class<B> bodyType, HttpBodyRoute<B> route) {
            return route("PATCH", template, bodyType, route);
        }

        /**
         * Adds a {@code DELETE} route without a body.
         *
         * @param template the path template
         * @param route the function
         * @return this builder
         */
        public Builder delete(String template, HttpRoute route) {
            return route("DELETE", template, route);
        }

        /**
         * Adds a {@code DELETE} route with a JSON body.
         *
         * @param template the path template
         * @param bodyType the type the body is decoded to
         * @param route the function
         * @param <B> the body type
         * @return this builder
         */
        public <B> Builder delete(String template, Class<B> bodyType, HttpBodyRoute<B> route) {
            return route("DELETE", template, bodyType, route);
        }

        /**
         * Adds a route for any method without a body.
         *
         * @param method the method, e.g. {@code OPTIONS}; upper-cased
         * @param template the path template
         * @param route the function
         * @return this builder
         */
        public Builder route(String method, String template, HttpRoute route) {
            Objects.requireNonNull(route, "route");
            return add(method, template, new RouteTable.Endpoint() {
                @Override
                public Class<?> bodyType() {
                    return null;
                }

                @Override
                public HttpResponse call(HttpRequest request, Object body, Tx tx) throws Exception {
                    return route.handle(request, tx);
                }
            });
        }

        /**
         * Adds a route for any method with a JSON body.
         *
         * @param method the method; upper-cased
         * @param template the path template
         * @param bodyType the type the body is decoded to
         * @param route the function
         * @param <B> the body type
         * @return this builder
         */
        public <B> Builder route(String method, String template, Class<B> bodyType, HttpBodyRoute<B> route) {
            Objects.requireNonNull(bodyType, "bodyType");
            Objects.requireNonNull(route, "route");
            return add(method, template, new RouteTable.Endpoint() {
                @Override
                public Class<?> bodyType() {
                    return bodyType;
                }

                @Override
                public HttpResponse call(HttpRequest request, Object body, Tx tx) throws Exception {
                    return route.handle(request, bodyType.cast(body), tx);
                }
            });
        }

        /**
         * The largest request body accepted, counted in decoded bytes; larger ones are answered 413 before
         * anything else happens.
         *
         * @param bytes positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxBodyBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxBodyBytes must be positive, was " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Makes a claim of the authorizer a transaction-local setting of every transaction of every route (the
         * ones added before and after this call alike): each invocation's {@code Tx} carries it, whatever options
         * the route passes. A request without a {@linkplain ClaimSetting#required required} claim, or with an
         * invalid one, is answered 401 before the route runs.
         *
         * @param claimSetting which claim becomes which setting
         * @return this builder
         * @throws IllegalArgumentException if another claim setting already names the same setting
         */
        public Builder claimSetting(ClaimSetting claimSetting) {
            Objects.requireNonNull(claimSetting, "claimSetting");
            for (ClaimSetting other : claimSettings) {
                if (other.setting().equals(claimSetting.setting())) {
                    throw new IllegalArgumentException("setting " + claimSetting.setting()
                            + " already comes from claim " + other.claim());
                }
            }
            claimSettings.add(claimSetting);
            return this;
        }

        /**
         * Builds the routes.
         *
         * @return the immutable routes
         * @throws IllegalArgumentException if a template is malformed or two routes have the same method and
         *     the same shape ({@code /a/{x}} and {@code /a/{y}})
         */
        public HttpRoutes build() {
            return new HttpRoutes(RouteTable.of(routes), maxBodyBytes, claimSettings);
        }

        private Builder add(String method, String template, RouteTable.Endpoint endpoint) {
            Objects.requireNonNull(method, "method");
            if (method.isBlank()) {
                throw new IllegalArgumentException("method must not be blank");
            }
            routes.add(new RouteTable.Route(method.toUpperCase(Locale.ROOT),
                    Objects.requireNonNull(template, "template"), endpoint));
            return this;
        }
    }
}
