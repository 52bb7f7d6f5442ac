package dev.txfn.lambda.internal;

import java.util.Map;
import java.util.Objects;

/**
 * What started an invocation, as its trace span describes it: the trigger, and for HTTP the method, the matched
 * route template and the headers (for a W3C {@code traceparent}); for SQS the queue and the batch size. Plain
 * data, with no tracing library behind it: built on every invocation, read only when traces are on.
 *
 * @param type the kind of trigger
 * @param httpMethod the HTTP method, or {@code null} when not HTTP
 * @param httpRoute the matched route template ({@code /things/{id}}), or {@code null} when no route matched or
 *     not HTTP: never the raw path, which carries ids
 * @param headers the request headers keyed by lower-case name; empty when not HTTP
 * @param queue the SQS queue name, or {@code null} when not SQS
 * @param batchSize the number of SQS messages, 0 when not SQS
 */
public record InvocationTrigger(Type type, String httpMethod, String httpRoute, Map<String, String> headers,
        String queue, int batchSize) {

    /** The {@code faas.trigger} of an invocation. */
    public enum Type {
        /** An API Gateway request: {@code http}. */
        HTTP("http"),
        /** A batch of queue messages: {@code pubsub}. */
        SQS("pubsub"),
        /** A scheduled event: {@code timer}. */
        TIMER("timer"),
        /** Any other event: {@code other}. */
        OTHER("other");

        private final String semanticValue;

        Type(String semanticValue) {
            this.semanticValue = semanticValue;
        }

        /** The {@code faas.trigger} value. */
        public String semanticValue() {
            return semanticValue;
        }
    }

    /** Checks and copies the components. */
    public InvocationTrigger {
        Objects.requireNonNull(type, "type");
        headers = Map.copyOf(headers);
    }

    /**
     * An HTTP request.
     *
     * @param method the method
     * @param route the matched route template, or {@code null} when none matched
     * @param headers the headers, keyed by lower-case name
     * @return the trigger
     */
    public static InvocationTrigger http(String method, String route, Map<String, String> headers) {
        return new InvocationTrigger(Type.HTTP, method, route, headers, null, 0);
    }

    /**
     * A batch of SQS messages.
     *
     * @param queue the queue name
     * @param batchSize the number of messages
     * @return the trigger
     */
    public static InvocationTrigger sqs(String queue, int batchSize) {
        return new InvocationTrigger(Type.SQS, null, null, Map.of(), queue, batchSize);
    }

    /**
     * Any other event: {@code timer} for a scheduled one, {@code other} otherwise.
     *
     * @param scheduled whether the event is a scheduled (EventBridge Scheduler or rule) event
     * @return the trigger
     */
    public static InvocationTrigger event(boolean scheduled) {
        return new InvocationTrigger(scheduled ? Type.TIMER : Type.OTHER, null, null, Map.of(), null, 0);
    }
}
