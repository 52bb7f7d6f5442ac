package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.txfn.lambda.internal.InvocationRunner;
import dev.txfn.lambda.internal.InvocationTrigger;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Objects;

/**
 * A Lambda handler for any event (S3, EventBridge, DynamoDB streams, your own records) with the txfn lifecycle:
 * the function's {@code Tx} is bounded by the invocation's deadline, the application must be settled when it
 * returns or throws, and one log line names the event type and the outcome. Subclass it with a no-argument
 * constructor:
 *
 * <pre>{@code
 * public final class ThumbnailQueued extends EventHandler<S3Event, Void> {
 *     public ThumbnailQueued() {
 *         super(App.RESOURCES, (event, tx, context) -> {
 *             for (var record : event.getRecords()) {
 *                 tx.useTransaction(h -> h.createUpdate("insert into thumbnail_job(bucket, key) values (?, ?)")
 *                         .bind(0, record.getS3().getBucket().getName())
 *                         .bind(1, record.getS3().getObject().getUrlDecodedKey()).execute());
 *             }
 *             return null;
 *         });
 *     }
 * }
 * }</pre>
 *
 * <p><b>The handler setting names the class alone</b> ({@code com.example.ThumbnailQueued}), never
 * {@code com.example.ThumbnailQueued::handleRequest}. Given the class, the Lambda Java runtime (its runtime
 * interface client) finds the event type in {@code EventHandler<S3Event, Void>}; given the method, it reads the
 * parameter type of {@link #handleRequest}, which here is the type variable {@code I}, decodes the event as a
 * {@code Map}, and every invocation fails with a {@link ClassCastException}.
 *
 * <p><b>Failures.</b> An exception the function throws propagates after the settle check and the log line, so
 * Lambda marks the invocation failed and retries asynchronous events: runtime exceptions and errors as they are, a
 * checked exception wrapped in an {@link UndeclaredThrowableException} (its cause). If the function leaves a
 * connection checked out or a transaction open, that is repaired (rolled back, connection evicted), logged at
 * ERROR with where the connection was taken, and the invocation fails with an {@link IllegalStateException}
 * (attached as suppressed when the function threw as well).
 *
 * <p>The log line's target is the event's {@code detail-type} for a {@link ScheduledEvent} and the event class's
 * simple name otherwise.
 *
 * <p>Thread-safe: one instance serves every invocation of a container.
 *
 * @param <I> the event type
 * @param <O> the result type ({@code Void} for none)
 */
public abstract class EventHandler<I, O> implements RequestHandler<I, O> {
    private final EventFunction<I, O> function;
    private final InvocationRunner runner;

    /**
     * A handler running {@code function} for every event.
     *
     * @param resources the container's {@code Tx} and invocation settings
     * @param function the work of one invocation
     * @throws NullPointerException if an argument is {@code null}
     */
    protected EventHandler(LambdaResources resources, EventFunction<I, O> function) {
        this.function = Objects.requireNonNull(function, "function");
        this.runner = new InvocationRunner(resources.tx(), resources.settings(), "event");
    }

    /**
     * Runs the function for one event, then verifies the application settled.
     *
     * @param event the event, as the Lambda runtime decoded it
     * @param context the invocation's context
     * @return the function's result
     * @throws IllegalStateException if the function left a connection or transaction open (repaired by then)
     * @throws UndeclaredThrowableException wrapping a checked exception the function threw
     * @throws RuntimeException any unchecked exception the function threw, unchanged
     */
    @Override
    public final O handleRequest(I event, Context context) {
        InvocationRunner.Invocation invocation = runner.start(context, target(event),
                InvocationTrigger.event(event instanceof ScheduledEvent));
        O result = null;
        Throwable failure = null;
        try {
            result = function.handle(event, invocation.tx(), context);
        } catch (Throwable t) { // rethrown below, after the settle check and the log line
            failure = t;
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        boolean settled = false;
        try {
            settled = invocation.checkSettled();
        } finally { // even if the check throws: the invocation's span must not stay current for the next one
            invocation.finish(!settled ? "unsettled" : failure == null ? "ok" : "error: " + failure.getClass().getName());
        }
        RuntimeException unsettled = settled ? null : new IllegalStateException("invocation "
                + invocation.requestId() + " (" + target(event) + ") left a connection checked out or a transaction"
                + " open; it was rolled back and evicted, and the ERROR log line above says where it was taken");
        if (failure == null) {
            if (unsettled != null) {
                throw unsettled;
            }
            return result;
        }
        if (unsettled != null) {
            failure.addSuppressed(unsettled);
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new UndeclaredThrowableException(failure, "the event function threw " + failure);
    }

    private static String target(Object event) {
        if (event instanceof ScheduledEvent scheduled && scheduled.getDetailType() != null) {
            return scheduled.getDetailType();
        }
        return event == null ? "null" : event.getClass().getSimpleName();
    }
}
