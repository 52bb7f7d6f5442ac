package dev.txfn.lambda.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A response ready for an API Gateway event: status, headers, the {@code Set-Cookie} values (kept apart because
 * each must be its own header line) and the body text (JSON), or {@code null} for none.
 *
 * @param status the HTTP status
 * @param headers the headers, in order, one value each
 * @param cookies the {@code Set-Cookie} values, in order
 * @param body the encoded body or {@code null}
 */
public record WireResponse(int status, Map<String, String> headers, List<String> cookies, String body) {

    /** Checks and copies the components. */
    public WireResponse {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(headers, "headers")));
        cookies = List.copyOf(cookies);
    }
}
