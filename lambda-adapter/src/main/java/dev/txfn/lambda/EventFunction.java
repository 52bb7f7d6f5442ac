package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.txfn.Tx;

/**
 * The work of one invocation of an {@link EventHandler}: takes the decoded event and returns the function's
 * result, doing its database work through the invocation's {@link Tx}, whose transactions never outlive the
 * invocation's deadline.
 *
 * <pre>{@code
 * EventFunction<ScheduledEvent, Integer> purge = (event, tx, context) ->
 *         tx.inTransaction(IdempotencyTable::purgeExpired);
 * }</pre>
 *
 * <p>Called from one thread at a time per handler instance; keep it stateless.
 *
 * @param <I> the event type
 * @param <O> the result type ({@code Void} for none)
 */
@FunctionalInterface
public interface EventFunction<I, O> {

    /**
     * Handles one event.
     *
     * @param event the event, as the Lambda runtime decoded it
     * @param tx the invocation's transaction runner, bounded by its deadline
     * @param context the Lambda context
     * @return the result Lambda returns to the caller
     * @throws Exception to fail the invocation; Lambda retries asynchronous events
     */
    O handle(I event, Tx tx, Context context) throws Exception;
}
