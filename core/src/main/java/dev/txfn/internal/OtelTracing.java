package dev.txfn.internal;

import dev.txfn.TxOptions;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracing through OpenTelemetry, instrumentation scope {@code dev.txfn}. Loaded only once {@link Tracing} found
 * the API on the class path. Without an instance of its own it follows {@link GlobalOpenTelemetry}, but never
 * calls {@code GlobalOpenTelemetry.get()} before an application has set one (that would fix the global to a
 * no-op for good): until then transactions are not traced. An API older than 1.57 has no
 * {@code GlobalOpenTelemetry.isSet()} to ask that without fixing the global: with it, only a given instance is
 * followed (one WARN says so), and transactions run untraced rather than fail. Thread-safe.
 */
final class OtelTracing implements Tracing {
    static final String SCOPE = "dev.txfn";
    private static final Logger LOG = LoggerFactory.getLogger(OtelTracing.class);
    /** Whether the API on the class path can say if a global is set (1.57 and later); checked once. */
    private static final boolean GLOBAL_CHECKABLE = hasIsSet();

    private final OpenTelemetry given;
    private volatile Tracer tracer;

    private OtelTracing(OpenTelemetry given) {
        this.given = given;
        this.tracer = given == null ? null : tracerOf(given);
        if (given == null && !GLOBAL_CHECKABLE) {
            LOG.warn("transactions are not traced: the OpenTelemetry API on the class path is older than 1.57 and"
                    + " cannot tell whether a global OpenTelemetry is set without fixing it to a no-op; give the"
                    + " instance to Database.Builder.openTelemetry or Tx.Builder.openTelemetry, or use API 1.57+");
        }
    }

    static Tracing of(Object openTelemetry) {
        if (openTelemetry != null && !(openTelemetry instanceof OpenTelemetry)) {
            throw new IllegalArgumentException("not an io.opentelemetry.api.OpenTelemetry: "
                    + openTelemetry.getClass().getName());
        }
        return new OtelTracing((OpenTelemetry) openTelemetry);
    }

    @Override
    public TransactionTrace begin(TxOptions options, Instant deadline) {
        Tracer t = tracer();
        if (t == null) {
            return TransactionTrace.NONE;
        }
        Context parent = Context.current();
        Span span = t.spanBuilder("txfn transaction").setParent(parent).setSpanKind(SpanKind.INTERNAL).startSpan();
        if (!span.isRecording()) {
            // Sampled out, or a no-op provider: nothing is built, statements are not wrapped.
            span.end();
            return TransactionTrace.NONE;
        }
        span.setAttribute(OtelTransactionTrace.DB_SYSTEM_NAME, OtelTransactionTrace.POSTGRESQL);
        span.setAttribute(OtelTransactionTrace.ISOLATION, options.isolation() == null ? "default"
                : options.isolation().name().toLowerCase(Locale.ROOT));
        span.setAttribute(OtelTransactionTrace.READ_ONLY, options.readOnly());
        if (deadline != null) {
            span.setAttribute(OtelTransactionTrace.DEADLINE, deadline.toString());
        }
        return new OtelTransactionTrace(t, parent.with(span), span);
    }

    private Tracer tracer() {
        Tracer t = tracer;
        if (t == null && given == null && GLOBAL_CHECKABLE && GlobalOpenTelemetry.isSet()) {
            t = tracerOf(GlobalOpenTelemetry.get());
            tracer = t;
        }
        return t;
    }

    private static boolean hasIsSet() {
        try {
            GlobalOpenTelemetry.class.getMethod("isSet");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static Tracer tracerOf(OpenTelemetry openTelemetry) {
        String version = OtelTracing.class.getPackage().getImplementationVersion();
        return version == null ? openTelemetry.getTracer(SCOPE) : openTelemetry.getTracer(SCOPE, version);
    }
}
