package dev.txfn.lambda.internal;

import java.util.Locale;

/**
 * The trace Lambda hands over to an invocation: its X-Ray trace header
 * ({@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1}), read on every invocation
 * (the runtime sets it per invocation) from the first of: the Lambda context's {@code getXrayTraceId()} (set by
 * newer runtimes, and the only source that stays right when one environment runs invocations concurrently), the
 * {@value #SYSTEM_PROPERTY} system property (the Java 17+ runtimes), the {@value #ENVIRONMENT_VARIABLE}
 * environment variable.
 *
 * <p>Parsed here rather than by the OpenTelemetry contrib X-Ray propagator: its latest release (1.60.0-alpha)
 * calls an internal method the API removed by 1.68.0 and fails with {@code NoSuchMethodError}. A header without a
 * valid {@code Root} and {@code Parent} is ignored, never an exception. Names no OpenTelemetry class.
 *
 * @param traceId the trace id as 32 lower-case hex digits (the root's time and random parts joined)
 * @param parentId the parent span id as 16 lower-case hex digits
 * @param sampled whether {@code Sampled=1}
 */
record XrayTraceHeader(String traceId, String parentId, boolean sampled) {
    /** Where the Java 17+ runtimes put the invocation's trace header. */
    static final String SYSTEM_PROPERTY = "com.amazonaws.xray.traceHeader";
    /** Where older runtimes put it. */
    static final String ENVIRONMENT_VARIABLE = "_X_AMZN_TRACE_ID";

    private static final int MAX_LENGTH = 1024;

    /**
     * The trace header of the invocation, from the first source that has one.
     *
     * @param lambda the invocation's Lambda context
     * @return the header's value, or {@code null} when no source has one
     */
    static String find(com.amazonaws.services.lambda.runtime.Context lambda) {
        String fromContext = lambda.getXrayTraceId();
        if (fromContext != null && !fromContext.isBlank()) {
            return fromContext;
        }
        String fromProperty = System.getProperty(SYSTEM_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return fromProperty;
        }
        return System.getenv(ENVIRONMENT_VARIABLE);
    }

    /**
     * Reads a header. Keys are matched ignoring case, fields in any order, unknown fields ({@code Lineage},
     * {@code Self}) skipped.
     *
     * @param header the header value, or {@code null}
     * @return the trace, or {@code null} when the header is missing, too long, or lacks a valid root or parent
     */
    static XrayTraceHeader parse(String header) {
        if (header == null || header.length() > MAX_LENGTH) {
            return null;
        }
        String traceId = null;
        String parentId = null;
        boolean sampled = false;
        for (String field : header.split(";")) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = field.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = field.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
            switch (key) {
                case "root" -> traceId = traceIdOf(value);
                case "parent" -> parentId = isHex(value, 16) ? value : null;
                case "sampled" -> sampled = value.equals("1");
                default -> {
                    // Lineage, Self and the like say nothing about the parent
                }
            }
        }
        return traceId == null || parentId == null ? null : new XrayTraceHeader(traceId, parentId, sampled);
    }

    /** {@code 1-5759e988-bd862e3fe1be46a994272793} → {@code 5759e988bd862e3fe1be46a994272793}, else {@code null}. */
    private static String traceIdOf(String root) {
        String[] parts = root.split("-", -1);
        if (parts.length != 3 || !parts[0].equals("1") || !isHex(parts[1], 8) || !isHex(parts[2], 24)) {
            return null;
        }
        return parts[1] + parts[2];
    }

    /** Exactly {@code length} lower-case hex digits, not all zero (an all-zero id is invalid in both formats). */
    private static boolean isHex(String value, int length) {
        if (value.length() != length) {
            return false;
        }
        boolean nonZero = false;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }
}
