package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.txfn.lambda.internal.Slf4jLambdaLogger;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A Lambda {@link Context} for running handlers outside Lambda: tests and the local runner. The remaining time
 * really counts down from the configured timeout, so deadlines behave as in Lambda; the logger writes each call
 * as one line through SLF4J, so it takes the logging backend's format and the invocation's request id.
 *
 * <p>Immutable apart from the clock; thread-safe.
 */
public final class LocalContext implements Context {
    private final String requestId;
    private final String functionName;
    private final int memoryLimitMb;
    private final long deadlineNanos;
    private final String xrayTraceId;

    private LocalContext(String requestId, String functionName, int memoryLimitMb, long deadlineNanos,
            String xrayTraceId) {
        this.requestId = requestId;
        this.functionName = functionName;
        this.memoryLimitMb = memoryLimitMb;
        this.deadlineNanos = deadlineNanos;
        this.xrayTraceId = xrayTraceId;
    }

    /**
     * A context with a random request id and a 30 s timeout starting now.
     *
     * @return the context
     */
    public static LocalContext create() {
        return withTimeout(Duration.ofSeconds(30));
    }

    /**
     * A context with a random request id and the given timeout starting now.
     *
     * @param timeout the function timeout, positive
     * @return the context
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public static LocalContext withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return new LocalContext(UUID.randomUUID().toString(), "txfn-local", 512, System.nanoTime() + timeout.toNanos(),
                null);
    }

    /**
     * A copy with another request id (the clock keeps running).
     *
     * @param requestId the id
     * @return the context
     */
    public LocalContext withRequestId(String requestId) {
        return new LocalContext(Objects.requireNonNull(requestId, "requestId"), functionName, memoryLimitMb,
                deadlineNanos, xrayTraceId);
    }

    /**
     * A copy handing over a trace, as the Lambda runtime's context does: {@link #getXrayTraceId()} returns
     * {@code traceHeader}, which the invocation's span continues when OpenTelemetry is on the class path.
     *
     * @param traceHeader an X-Ray trace header, e.g. {@code Root=1-5759e988-bd862e3fe1be46a994272793;}
     *     {@code Parent=53995c3f42cd8ad8;Sampled=1}
     * @return the context
     */
    public LocalContext withXrayTraceId(String traceHeader) {
        return new LocalContext(requestId, functionName, memoryLimitMb, deadlineNanos,
                Objects.requireNonNull(traceHeader, "traceHeader"));
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:local:000000000000:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, left));
    }

    /** The trace header given to {@link #withXrayTraceId}, or {@code null}. */
    @Override
    public String getXrayTraceId() {
        return xrayTraceId;
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryLimitMb;
    }

    /** Writes each call as one line through SLF4J (logger {@code dev.txfn.lambda.LocalContext}), at INFO or its level. */
    @Override
    public LambdaLogger getLogger() {
        return new Slf4jLambdaLogger();
    }

    @Override
    public String toString() {
        return "LocalContext[" + requestId + ", remaining=" + getRemainingTimeInMillis() + " ms]";
    }
}
