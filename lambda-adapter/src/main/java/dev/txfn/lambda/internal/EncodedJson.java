package dev.txfn.lambda.internal;

import java.util.Objects;

/**
 * A response body encoded already, sent as it is: a replayed idempotent response, byte for byte the first one.
 *
 * @param json the JSON text
 */
public record EncodedJson(String json) {
    /** Checks the component. */
    public EncodedJson {
        Objects.requireNonNull(json, "json");
    }
}
