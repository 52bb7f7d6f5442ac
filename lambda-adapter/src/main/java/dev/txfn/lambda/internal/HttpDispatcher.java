package dev.txfn.lambda.internal;

import com.amazonaws.services.lambda.runtime.Context;
import dev.txfn.Tx;
import dev.txfn.lambda.ClaimSetting;
import dev.txfn.lambda.HttpProblem;
import dev.txfn.lambda.HttpRequest;
import dev.txfn.lambda.HttpResponse;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one HTTP request inside the invocation lifecycle: route, check the body (413, 415, 400) before any
 * database work, run the route with the invocation's {@code Tx}, encode the response, map failures to problems,
 * and answer 500 when the invocation did not end settled. Thread-safe; one per handler.
 */
public final class HttpDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger("dev.txfn.lambda.Http");

    private final RouteTable table;
    private final int maxBodyBytes;
    private final List<ClaimSetting> claimSettings;
    private final InvocationRunner runner;

    /**
     * Creates the dispatcher.
     *
     * @param table the routes
     * @param maxBodyBytes the body limit in decoded bytes
     * @param claimSettings the claims that become settings of every transaction
     * @param runner the invocation lifecycle
     */
    public HttpDispatcher(RouteTable table, int maxBodyBytes, List<ClaimSetting> claimSettings,
            InvocationRunner runner) {
        this.table = Objects.requireNonNull(table, "table");
        this.maxBodyBytes = maxBodyBytes;
        this.claimSettings = List.copyOf(claimSettings);
        this.runner = Objects.requireNonNull(runner, "runner");
        table.bodyTypes().forEach(Json::prepareDecoding); // in the init phase, not in the first request
    }

    /**
     * Serves the request. Never throws for anything a route or the database does: every failure is answered as a
     * problem.
     *
     * @param raw the request from the event
     * @param context the Lambda context
     * @return the response
     */
    public WireResponse dispatch(RawHttpRequest raw, Context context) {
        RouteTable.Lookup lookup = table.find(raw.method(), raw.path().segments());
        String target = lookup instanceof RouteTable.Found found
                ? found.route().method() + " " + found.route().template()
                : raw.method() + " " + raw.path().encoded();
        InvocationRunner.Invocation invocation = runner.start(context, target, InvocationTrigger.http(raw.method(),
                lookup instanceof RouteTable.Found found ? found.route().template() : null, raw.headers()));
        WireResponse response = null;
        boolean settled = false;
        try {
            response = respond(lookup, raw, invocation);
            settled = invocation.checkSettled();
            if (!settled) {
                response = unsettled(raw, invocation.requestId());
            }
        } finally {
            boolean finished = invocation.finish(response == null ? "error" : Integer.toString(response.status()));
            if (!finished && settled) {
                response = unsettled(raw, invocation.requestId());
            }
        }
        return response;
    }

    private WireResponse respond(RouteTable.Lookup lookup, RawHttpRequest raw, InvocationRunner.Invocation inv) {
        String requestId = inv.requestId();
        try {
            if (lookup instanceof RouteTable.MethodNotAllowed notAllowed) {
                throw HttpProblem.of(405, "Method Not Allowed", raw.method() + " is not allowed here")
                        .withHeader("Allow", String.join(", ", new TreeSet<>(notAllowed.allowed())));
            }
            if (!(lookup instanceof RouteTable.Found found)) {
                throw HttpProblem.notFound("no route matches " + raw.method() + " " + raw.path().encoded());
            }
            HttpRequest request = request(raw, found, requestId);
            RouteTable.Endpoint endpoint = found.route().endpoint();
            Tx tx = SettingsTx.of(inv.tx(), settings(request)); // 401 before the body is looked at
            Object body = endpoint.bodyType() == null ? null : decodeBody(request, endpoint.bodyType());
            HttpResponse response = endpoint.call(request, body, tx);
            if (response == null) {
                throw new IllegalStateException("route " + found.route().method() + " " + found.route().template()
                        + " returned null instead of an HttpResponse");
            }
            return encode(response);
        } catch (HttpProblem problem) {
            LOG.debug("request {} answered {}: {}", requestId, problem.status(), problem.getMessage());
            return problem(problem, raw, requestId);
        } catch (Exception failure) {
            if (failure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            HttpProblem problem = HttpFailures.toProblem(failure, requestId);
            if (problem.status() == 500) {
                LOG.error("request {} ({} {}) failed", requestId, raw.method(), raw.path().encoded(), failure);
            } else if (problem.status() >= 500) {
                LOG.warn("request {} ({} {}) answered {}: {}", requestId, raw.method(), raw.path().encoded(),
                        problem.status(), failure.toString());
            } else {
                LOG.info("request {} answered {}: {}", requestId, problem.status(), failure.getClass().getSimpleName());
            }
            return problem(problem, raw, requestId);
        }
    }

    /** The invocation's settings from its claims; throws the 401 of the first claim that is missing or invalid. */
    private Map<String, String> settings(HttpRequest request) {
        if (claimSettings.isEmpty()) {
            return Map.of();
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (ClaimSetting claimSetting : claimSettings) {
            claimSetting.valueFor(request).ifPresent(value -> settings.put(claimSetting.setting(), value));
        }
        return settings;
    }

    private HttpRequest request(RawHttpRequest raw, RouteTable.Found found, String requestId) {
        if (decodedLength(raw.body(), raw.base64()) > maxBodyBytes) {
            throw HttpProblem.of(413, "Content Too Large", "the body must not exceed " + maxBodyBytes + " bytes");
        }
        HttpRequest.Builder builder = HttpRequest.builder(raw.method(), raw.path().encoded())
                .route(found.route().template())
                .requestId(requestId)
                .principal(raw.principal())
                .claims(raw.claims());
        // Loops, not lambdas: each lambda's first use costs a cold start a class spun and a call site linked.
        for (Map.Entry<String, String> param : found.params().entrySet()) {
            builder.pathParam(param.getKey(), param.getValue());
        }
        for (Map.Entry<String, List<String>> param : raw.query().entrySet()) {
            for (String value : param.getValue()) {
                builder.query(param.getKey(), value);
            }
        }
        for (Map.Entry<String, String> header : raw.headers().entrySet()) {
            builder.header(header.getKey(), header.getValue());
        }
        if (raw.body() != null) {
            if (raw.base64()) {
                try {
                    builder.body(Base64.getDecoder().decode(raw.body()));
                } catch (IllegalArgumentException e) {
                    throw HttpProblem.badRequest("the body is marked base64 but is not valid base64");
                }
            } else {
                builder.body(raw.body()); // text API Gateway has already decoded: no bytes, no charset to apply
            }
        }
        return builder.build();
    }

    private static Object decodeBody(HttpRequest request, Class<?> type) {
        boolean empty = request.bodyBytes().length == 0;
        String contentType = request.contentType().orElse("");
        if (!empty && !contentType.equals("application/json") && !contentType.endsWith("+json")) {
            throw HttpProblem.of(415, "Unsupported Media Type", "the body must be application/json, not "
                    + (contentType.isEmpty() ? "untyped" : contentType))
                    .withHeader("Accept", "application/json");
        }
        try {
            return Json.decode(request.body(), type); // body(): 400 or 415 for bytes not valid in their charset
        } catch (Json.InvalidJsonException e) {
            throw e.field().isEmpty() ? HttpProblem.badRequest(e.getMessage())
                    : HttpProblem.badRequest(e.field(), e.getMessage());
        }
    }

    private static boolean hasContentType(Map<String, String> headers) {
        for (String name : headers.keySet()) {
            if (name.equalsIgnoreCase("content-type")) {
                return true;
            }
        }
        return false;
    }

    private static WireResponse encode(HttpResponse response) {
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        if (response.body() == null) {
            return new WireResponse(response.status(), headers, response.cookies(), null);
        }
        String json = response.body() instanceof EncodedJson encoded ? encoded.json() : Json.encode(response.body());
        if (!hasContentType(headers)) {
            headers.put("Content-Type", "application/json");
        }
        return new WireResponse(response.status(), headers, response.cookies(), json);
    }

    private static WireResponse problem(HttpProblem problem, RawHttpRequest raw, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", HttpFailures.PROBLEM_JSON);
        headers.putAll(problem.headers());
        return new WireResponse(problem.status(), headers, List.of(),
                Json.encode(HttpFailures.body(problem, raw.path().encoded(), requestId)));
    }

    private static WireResponse unsettled(RawHttpRequest raw, String requestId) {
        // InvocationRunner has already logged the leak, where it was acquired, and repaired it.
        return problem(HttpFailures.internalError(requestId), raw, requestId);
    }

    /** The decoded size, computed without decoding: an oversize body costs no allocation. */
    static long decodedLength(String body, boolean base64) {
        if (body == null) {
            return 0;
        }
        if (base64) {
            int padding = body.endsWith("==") ? 2 : body.endsWith("=") ? 1 : 0;
            return Math.max(0, (long) body.length() * 3 / 4 - padding);
        }
        return utf8Length(body);
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
