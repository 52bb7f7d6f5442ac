package dev.txfn.lambda.internal;

import dev.txfn.lambda.InvocationSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the application's {@linkplain InvocationSettings#telemetryFlush() telemetry flush} at the end of an
 * invocation, before the handler returns and Lambda freezes the environment. A failing flush costs a WARN line,
 * never the invocation. Stateless.
 */
final class TelemetryFlush {
    private static final Logger LOG = LoggerFactory.getLogger("dev.txfn.lambda.Invocation");

    private TelemetryFlush() {
    }

    static void run(InvocationSettings settings, String requestId) {
        Runnable flush = settings.telemetryFlush().orElse(null);
        if (flush == null) {
            return;
        }
        try {
            flush.run();
        } catch (RuntimeException e) {
            LOG.warn("invocation {}: the telemetry flush failed; its spans may be lost", requestId, e);
        }
    }
}
