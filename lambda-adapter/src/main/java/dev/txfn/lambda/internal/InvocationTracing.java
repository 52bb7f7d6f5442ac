package dev.txfn.lambda.internal;

import com.amazonaws.services.lambda.runtime.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the trace span of each invocation, when OpenTelemetry is on the class path. This type names no
 * OpenTelemetry class: {@link #forClassPath()} looks for the API by name and only then touches
 * {@link OtelInvocationTracing}, so a function without OpenTelemetry loads none of it. Implementations are
 * thread-safe.
 */
interface InvocationTracing {
    Logger LOG = LoggerFactory.getLogger("dev.txfn.lambda.Invocation");

    /** No tracing: OpenTelemetry is not on the class path. */
    InvocationTracing NONE = (context, trigger) -> ActiveSpan.NONE;

    /**
     * Starts the invocation's span and makes it current on the calling thread until {@link ActiveSpan#end} is called,
     * on the same thread. Never throws.
     *
     * @param context the Lambda context
     * @param trigger what started the invocation
     * @return the span
     */
    ActiveSpan begin(Context context, InvocationTrigger trigger);

    /** The span of one invocation; confined to the invoking thread. */
    interface ActiveSpan {
        /** Nothing to end. */
        ActiveSpan NONE = (outcome, settled, transactions, retries) -> { };

        /**
         * Records how the invocation ended, ends the span and restores the context current before
         * {@link InvocationTracing#begin}. Never throws.
         *
         * @param outcome the invocation's outcome: the HTTP status, the batch outcome, {@code ok} or {@code error...}
         * @param settled whether the invocation ended with no transaction open and no connection checked out
         * @param transactions the transactions committed
         * @param retries the transactions retried
         */
        void end(String outcome, boolean settled, int transactions, int retries);
    }

    /**
     * OpenTelemetry tracing when its API is on the class path (through the application's own
     * {@code GlobalOpenTelemetry}), {@link #NONE} otherwise.
     *
     * @return the tracing
     */
    static InvocationTracing forClassPath() {
        ClassLoader loader = InvocationTracing.class.getClassLoader();
        if (!isPresent("io.opentelemetry.api.GlobalOpenTelemetry", loader)) {
            return NONE;
        }
        try {
            return OtelInvocationTracing.create();
        } catch (LinkageError e) {
            LOG.warn("invocation spans are off: the OpenTelemetry API on the class path does not match the one txfn"
                    + " was built with ({})", e.toString());
            return NONE;
        }
    }

    private static boolean isPresent(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
