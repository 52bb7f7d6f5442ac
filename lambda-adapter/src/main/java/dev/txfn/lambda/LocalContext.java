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

    private LocalContext(String requestId, String functionName, int memoryLimitMb, long deadlineNanos) {
        this.requestId = requestId;
        this.functionName = functionName;
        this.memoryLimitMb = memoryLimitMb;
        this.deadlineNanos = deadlineNanos;
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
        return new LocalContext(UUID.randomUUID().toString(), "txfn-local", 512, System.nanoTime() + timeout.toNanos());
    }

    /**
     * A copy with another request id (the clock keeps running).
     *
     * @param requestId the id
     * @return the context
     */
    public LocalContext withRequestId(String requestId) {
        return new LocalContext(Objects.requireNonNull(requestId, "requestId"), functionName, memoryLimitMb,
                deadlineNanos);
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
