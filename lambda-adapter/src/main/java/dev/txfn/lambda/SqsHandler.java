package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.txfn.TxException;
import dev.txfn.lambda.SqsBatchResult.Reason;
import dev.txfn.lambda.internal.InvocationRunner;
import dev.txfn.lambda.internal.InvocationTrigger;
import dev.txfn.lambda.internal.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Lambda handler for SQS batches that runs each message in its own transaction and reports failures through a
 * partial batch response, so SQS redelivers only the messages that failed. Subclass it with a no-argument
 * constructor that passes the body type, the container's {@link LambdaResources} and the message function:
 *
 * <pre>{@code
 * public final class OrderPlacedQueue extends SqsHandler<OrderPlaced> {
 *     public OrderPlacedQueue() {
 *         super(OrderPlaced.class, App.RESOURCES, (order, message, h) ->
 *                 h.createUpdate("insert into shipment(order_id) values (:id)").bind("id", order.id()).execute());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Per message.</b> The body is decoded as JSON into the body type (a {@code String} body type receives the
 * raw body); a body that does not decode fails that message before any database work. Then, in one
 * transaction: the message's idempotency key is recorded in the {@link IdempotencyTable} and the
 * {@link SqsMessageHandler} runs. If the key was already recorded (the message committed before and SQS delivered
 * it again) the function is skipped, nothing else is written, and the message counts as a success. A function
 * that throws rolls back the work and the key together and fails the message, so its redelivery is processed
 * afresh. After each message the application must be settled (no connection checked out, no transaction open); a
 * message that leaves something open is repaired, logged at ERROR and reported failed.
 *
 * <p><b>Batch.</b> One poison message does not affect the others: every message is attempted and only the failed
 * ones are reported. From a FIFO queue (see {@link SqsSettings.FifoHandling}) processing stops at the first
 * failure, which is reported with every message after it, so SQS redelivers them in order. Messages whose turn
 * comes after the invocation's deadline are reported failed without being attempted. One log line per batch
 * names the queue ({@code sqs:orders}) and the outcome ({@code 9/10 ok}).
 *
 * <p>The event source mapping must enable {@code ReportBatchItemFailures}; without it Lambda ignores the
 * response and redelivers the whole batch whenever the function returns, duplicates being skipped then.
 *
 * <p>Thread-safe: one instance serves every invocation of a container.
 *
 * @param <T> the decoded body type
 */
public abstract class SqsHandler<T> implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(SqsHandler.class);

    private final Class<T> bodyType;
    private final SqsSettings<T> sqsSettings;
    private final SqsMessageHandler<T> handler;
    private final InvocationRunner runner;

    /**
     * A handler with the default {@link SqsSettings}: idempotency keyed by the SQS message id.
     *
     * @param bodyType what the body decodes to: a record or other Jackson-mappable type, or {@code String} for
     *     the raw body
     * @param resources the container's {@code Tx} and invocation settings
     * @param handler the work for one message
     * @throws NullPointerException if an argument is {@code null}
     */
    protected SqsHandler(Class<T> bodyType, LambdaResources resources, SqsMessageHandler<T> handler) {
        this(bodyType, resources, SqsSettings.defaults(), handler);
    }

    /**
     * A handler with the given {@link SqsSettings}.
     *
     * @param bodyType what the body decodes to, or {@code String} for the raw body
     * @param resources the container's {@code Tx} and invocation settings
     * @param sqsSettings idempotency and FIFO handling
     * @param handler the work for one message
     * @throws NullPointerException if an argument is {@code null}
     */
    protected SqsHandler(Class<T> bodyType, LambdaResources resources, SqsSettings<T> sqsSettings,
            SqsMessageHandler<T> handler) {
        this.bodyType = Objects.requireNonNull(bodyType, "bodyType");
        this.sqsSettings = Objects.requireNonNull(sqsSettings, "sqsSettings");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.runner = new InvocationRunner(resources.tx(), resources.settings(), "sqs");
        if (bodyType != String.class) {
            Json.prepareDecoding(bodyType); // in the init phase, not in the first invocation
        }
    }

    /**
     * Processes the batch and answers with the ids of the failed messages.
     *
     * @param event the batch, as the Lambda runtime decoded it
     * @param context the invocation's context
     * @return the partial batch response
     */
    @Override
    public final SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return process(event, context).toResponse();
    }

    /**
     * Processes the batch as {@link #handleRequest} does and tells what came of each message, for tests and for
     * callers that want the counts.
     *
     * @param event the batch
     * @param context the invocation's context
     * @return the result
     */
    public final SqsBatchResult process(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null
                ? List.of() : event.getRecords();
        String arn = records.isEmpty() ? null : records.get(0).getEventSourceArn();
        InvocationRunner.Invocation invocation = runner.start(context, "sqs:" + SqsMessage.queueName(arn),
                InvocationTrigger.sqs(SqsMessage.queueName(arn), records.size()));
        SqsBatchResult result = null;
        try {
            result = processAll(records, fifo(arn), invocation);
            return result;
        } finally {
            invocation.finish(result == null ? "error" : result.outcome());
        }
    }

    private SqsBatchResult processAll(List<SQSEvent.SQSMessage> records, boolean fifo,
            InvocationRunner.Invocation invocation) {
        List<SqsBatchResult.Failure> failures = new ArrayList<>();
        int succeeded = 0;
        int duplicates = 0;
        boolean stop = false;
        for (SQSEvent.SQSMessage record : records) {
            SqsMessage message = SqsMessage.of(record);
            if (stop || !Instant.now().isBefore(invocation.deadline())) {
                failures.add(new SqsBatchResult.Failure(message.messageId(), Reason.NOT_ATTEMPTED, null));
                continue;
            }
            Outcome outcome = processOne(message, invocation);
            SqsBatchResult.Failure failure = outcome.failure();
            if (!invocation.checkSettled()) {
                LOG.error("SQS message {} left a connection or transaction open (see above); reported as failed",
                        message.messageId());
                failure = new SqsBatchResult.Failure(message.messageId(), Reason.UNSETTLED,
                        failure == null ? null : failure.cause());
            }
            if (failure == null) {
                succeeded++;
                duplicates += outcome.duplicate() ? 1 : 0;
            } else {
                failures.add(failure);
                stop = fifo || Thread.currentThread().isInterrupted();
            }
        }
        return new SqsBatchResult(records.size(), succeeded, duplicates, failures);
    }

    private Outcome processOne(SqsMessage message, InvocationRunner.Invocation invocation) {
        T body;
        String key;
        try {
            body = decode(message.body());
            key = key(body, message);
        } catch (RuntimeException e) {
            LOG.warn("SQS message {} from {} failed before any database work: {}", message.messageId(),
                    message.queueName(), e.getMessage());
            return Outcome.failed(message, Reason.INVALID_MESSAGE, e);
        }
        boolean[] keyRecorded = new boolean[1];
        boolean processed;
        try {
            processed = invocation.tx().inTransaction(h -> {
                if (sqsSettings.idempotency()) {
                    if (!IdempotencyTable.claim(h, sqsSettings.idempotencyTable(), key,
                            sqsSettings.idempotencyRetention())) {
                        return false;
                    }
                    keyRecorded[0] = true;
                }
                handler.handle(body, message, h);
                return true;
            });
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            logFailure(message, e, !keyRecorded[0]);
            return Outcome.failed(message, Reason.ROLLED_BACK, e);
        }
        if (!processed) {
            LOG.info("SQS message {} skipped: idempotency key '{}' was recorded by an earlier delivery",
                    message.messageId(), key);
            return Outcome.DUPLICATE;
        }
        return Outcome.PROCESSED;
    }

    private void logFailure(SqsMessage message, Exception e, boolean beforeKeyRecorded) {
        if (sqsSettings.idempotency() && beforeKeyRecorded && e instanceof TxException failure
                && "42P01".equals(failure.sqlState())) {
            String table = sqsSettings.idempotencyTable();
            LOG.error("SQS message {} failed: the idempotency table {} does not exist (SQLSTATE 42P01). Create it"
                    + " with a migration running IdempotencyTable.createTableSql(\"{}\"):\n{}\nor turn idempotency"
                    + " off with SqsSettings.withIdempotency(false)", message.messageId(), table, table,
                    IdempotencyTable.createTableSql(table), e);
        } else {
            LOG.warn("SQS message {} from {} failed and was rolled back", message.messageId(), message.queueName(), e);
        }
    }

    private T decode(String body) {
        if (bodyType == String.class) {
            return bodyType.cast(body == null ? "" : body);
        }
        try {
            return Json.decode(body, bodyType);
        } catch (Json.InvalidJsonException e) {
            throw new IllegalArgumentException("the body is not a valid " + bodyType.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    private String key(T body, SqsMessage message) {
        if (!sqsSettings.idempotency()) {
            return message.messageId();
        }
        Function<? super T, String> derive = sqsSettings.idempotencyKey().orElse(null);
        if (derive == null) {
            return message.messageId();
        }
        String key = derive.apply(body);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("the idempotency key function returned "
                    + (key == null ? "null" : "a blank key"));
        }
        return key;
    }

    private boolean fifo(String arn) {
        return switch (sqsSettings.fifoHandling()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> arn != null && arn.endsWith(".fifo");
        };
    }

    /** What came of one message: committed, skipped as a duplicate (both successes), or failed. */
    private record Outcome(boolean duplicate, SqsBatchResult.Failure failure) {
        static final Outcome PROCESSED = new Outcome(false, null);
        static final Outcome DUPLICATE = new Outcome(true, null);

        static Outcome failed(SqsMessage message, Reason reason, Exception cause) {
            return new Outcome(false, new SqsBatchResult.Failure(message.messageId(), reason, cause));
        }
    }
}
