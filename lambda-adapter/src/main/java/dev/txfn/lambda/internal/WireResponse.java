package dev.txfn.lambda.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A response ready for an API Gateway event: status, headers and the body text (JSON), or {@code null} for none.
 *
 * @param status the HTTP status
 * @param headers the headers, in order
 * @param body the encoded body or {@code null}
 */
public record WireResponse(int status, Map<String, String> headers, String body) {

    /** Checks and copies the components. */
    public WireResponse {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(headers, "headers")));
    }
}
