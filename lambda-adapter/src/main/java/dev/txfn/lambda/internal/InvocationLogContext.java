package dev.txfn.lambda.internal;

import org.slf4j.MDC;

/**
 * Puts the invocation's request id and X-Ray trace id into the SLF4J MDC for as long as the invocation runs, so
 * every line written meanwhile (txfn's, the handler's, the libraries') carries them, and restores what was there
 * before on {@link #close()}.
 *
 * <p>Keys: {@value #REQUEST_ID}, the key of the Lambda Java runtime and {@code aws-lambda-java-log4j2} (so
 * layouts written for them, {@code %X{AWSRequestId}}, keep working), and {@value #TRACE_ID}, the key of
 * Powertools for AWS Lambda, holding the {@code Root=} part of the trace header.
 *
 * <p>Confined to the invoking thread, like the MDC itself.
 */
public final class InvocationLogContext implements AutoCloseable {
    /** The MDC key of the Lambda request id. */
    public static final String REQUEST_ID = "AWSRequestId";
    /** The MDC key of the X-Ray trace id (the {@code Root=} part of the trace header). */
    public static final String TRACE_ID = "xray_trace_id";

    /** Where the Lambda Java runtime puts the invocation's trace header; read first. */
    static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";
    /** Where Lambda puts it for runtimes that read the environment; read when the property is absent. */
    static final String TRACE_HEADER_ENV = "_X_AMZN_TRACE_ID";

    private final String previousRequestId;
    private final String previousTraceId;
    private boolean closed;

    private InvocationLogContext(String requestId, String traceId) {
        this.previousRequestId = MDC.get(REQUEST_ID);
        this.previousTraceId = MDC.get(TRACE_ID);
        put(REQUEST_ID, requestId);
        put(TRACE_ID, traceId);
    }

    /**
     * Opens the scope of one invocation on this thread.
     *
     * @param requestId the Lambda request id, or {@code null} when there is none
     * @return the scope; close it on the same thread when the invocation ends
     */
    public static InvocationLogContext open(String requestId) {
        String header = System.getProperty(TRACE_HEADER_PROPERTY);
        if (header == null || header.isBlank()) {
            header = System.getenv(TRACE_HEADER_ENV);
        }
        return new InvocationLogContext(requestId, traceRoot(header));
    }

    /**
     * The {@code Root=} part of an X-Ray trace header such as
     * {@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1}.
     *
     * @param header the header, or {@code null}
     * @return the root trace id, or {@code null} when the header has none
     */
    static String traceRoot(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String trimmed = part.strip();
            if (trimmed.startsWith("Root=") && trimmed.length() > "Root=".length()) {
                return trimmed.substring("Root=".length());
            }
        }
        return null;
    }

    /** Restores the MDC values that were there when the scope opened; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        put(REQUEST_ID, previousRequestId);
        put(TRACE_ID, previousTraceId);
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
