package dev.txfn.lambda;

import org.jdbi.v3.core.Handle;

/**
 * The work done for one SQS message, inside that message's own transaction. {@link SqsHandler} decodes the body,
 * begins the transaction, records the idempotency key in it, calls this function, and commits when it returns or
 * rolls back when it throws; a message whose function throws is reported as a batch item failure, so SQS
 * redelivers it and only it.
 *
 * <pre>{@code
 * SqsMessageHandler<OrderPlaced> record = (order, message, h) ->
 *         h.createUpdate("insert into shipment(order_id, queued_at) values (:id, now())")
 *          .bind("id", order.id()).execute();
 * }</pre>
 *
 * <p>Like every {@code Tx} callback it may run more than once when the transaction is retried (serialization
 * failure, deadlock), so keep side effects outside the database in {@link Handle#afterCommit(Runnable)}. It is
 * called from one thread at a time per handler instance; keep it stateless.
 *
 * @param <T> the decoded body type
 */
@FunctionalInterface
public interface SqsMessageHandler<T> {

    /**
     * Handles one message.
     *
     * @param body the decoded body
     * @param message the message id, queue and attributes
     * @param handle the transaction's handle; valid only until this method returns
     * @throws Exception to fail the message: the transaction is rolled back and the message redelivered
     */
    void handle(T body, SqsMessage message, Handle handle) throws Exception;
}
