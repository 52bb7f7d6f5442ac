package dev.txfn.internal;

import dev.txfn.TxOptions;
import java.time.Instant;

/**
 * Where transaction and statement spans go: nowhere, or to OpenTelemetry. This type and {@link TransactionTrace}
 * name no OpenTelemetry class, so that txfn runs, and loads no OpenTelemetry class, when the API is not on the
 * class path; {@link OtelTracing} is touched only after a presence check. Thread-safe.
 */
public interface Tracing {
    /** Records nothing. */
    Tracing NONE = (options, deadline) -> TransactionTrace.NONE;

    /**
     * Starts the trace of one transaction (all its attempts).
     *
     * @param options the transaction's options
     * @param deadline its deadline, or {@code null}
     * @return the trace; {@link TransactionTrace#NONE} when nothing is recorded
     */
    TransactionTrace begin(TxOptions options, Instant deadline);

    /**
     * The tracing for a {@code Tx}: through {@code openTelemetry} when given, else through the global
     * OpenTelemetry once an application has set one; nothing when the OpenTelemetry API is not on the class
     * path.
     *
     * @param openTelemetry an {@code io.opentelemetry.api.OpenTelemetry}, or {@code null} for the global one
     * @return the tracing
     * @throws IllegalArgumentException if {@code openTelemetry} is not an {@code OpenTelemetry}
     */
    static Tracing of(Object openTelemetry) {
        if (!OpenTelemetryPresence.PRESENT) {
            if (openTelemetry != null) {
                throw new IllegalArgumentException("an OpenTelemetry instance was given but the OpenTelemetry API"
                        + " is not on the class path");
            }
            return NONE;
        }
        return OtelTracing.of(openTelemetry);
    }
}
