package dev.txfn.lambda.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request as the API Gateway events carry it, before routing: the path (stage removed) both encoded and
 * as decoded segments, query parameters decoded, header names lower-cased, the body still as the event holds it
 * (base64 or text).
 *
 * @param method the upper-case method
 * @param path the path
 * @param query decoded query parameters, each with its values in order
 * @param headers headers keyed by lower-case name, repeated values comma-joined ({@code cookie}: joined with
 *     {@code "; "})
 * @param body the body as carried by the event, or {@code null}
 * @param base64 whether {@code body} is base64-encoded
 * @param principal who the API Gateway authorizer says sent the request, or {@code null} when none did
 * @param claims the claims or context the authorizer vouched for, without {@code null} values; empty when none
 */
public record RawHttpRequest(String method, RequestPath path, Map<String, List<String>> query,
        Map<String, String> headers, String body, boolean base64, String principal, Map<String, Object> claims) {

    /** Checks and copies the components. */
    public RawHttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }
}
