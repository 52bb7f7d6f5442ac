package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What came of one SQS batch: how many messages it held, how many succeeded (committed, or skipped as duplicates
 * of a message that committed before), and which failed, why, and must be redelivered.
 *
 * @param messages the number of messages in the batch
 * @param succeeded messages processed and committed, duplicates included
 * @param duplicates messages skipped because their idempotency key was already recorded
 * @param failures the failed messages in batch order, unmodifiable
 */
public record SqsBatchResult(int messages, int succeeded, int duplicates, List<Failure> failures) {

    /**
     * Creates the value; the list is copied.
     *
     * @param messages the number of messages
     * @param succeeded messages that succeeded
     * @param duplicates duplicates skipped
     * @param failures the failed messages
     */
    public SqsBatchResult {
        failures = List.copyOf(failures);
    }

    /**
     * The ids of the failed messages, in batch order.
     *
     * @return the ids
     */
    public List<String> failedMessageIds() {
        return failures.stream().map(Failure::messageId).toList();
    }

    /**
     * How many messages were left unprocessed ({@link Reason#NOT_ATTEMPTED}).
     *
     * @return the count
     */
    public int notAttempted() {
        return (int) failures.stream().filter(f -> f.reason() == Reason.NOT_ATTEMPTED).count();
    }

    /**
     * The response that tells Lambda's SQS poller to delete every message but the failed ones (partial batch
     * response; the event source mapping must list {@code ReportBatchItemFailures} in its
     * {@code FunctionResponseTypes}).
     *
     * @return the response, with an empty failure list when everything succeeded
     */
    public SQSBatchResponse toResponse() {
        return new SQSBatchResponse(failures.stream()
                .map(f -> new SQSBatchResponse.BatchItemFailure(f.messageId()))
                .collect(Collectors.toList()));
    }

    /**
     * A short outcome for the log line, e.g. {@code 9/10 ok} or {@code 10/10 ok, 2 duplicate(s)}.
     *
     * @return the outcome
     */
    public String outcome() {
        StringBuilder sb = new StringBuilder().append(succeeded).append('/').append(messages).append(" ok");
        if (duplicates > 0) {
            sb.append(", ").append(duplicates).append(" duplicate(s)");
        }
        int skipped = notAttempted();
        if (skipped > 0) {
            sb.append(", ").append(skipped).append(" not attempted");
        }
        return sb.toString();
    }

    /**
     * One failed message.
     *
     * @param messageId the SQS message id, reported as a batch item failure
     * @param reason why it failed
     * @param cause the exception behind it, or {@code null} for {@link Reason#NOT_ATTEMPTED} and for a message
     *     that only failed the settle check
     */
    public record Failure(String messageId, Reason reason, Throwable cause) {

        /**
         * Creates the value.
         *
         * @param messageId the message id
         * @param reason why it failed
         * @param cause the exception, or {@code null}
         * @throws NullPointerException if the id or reason is {@code null}
         */
        public Failure {
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a message failed. */
    public enum Reason {
        /** The body did not decode into the body type, or no idempotency key could be derived: no database work. */
        INVALID_MESSAGE,
        /** The transaction failed (the message function or the database threw): nothing was committed. */
        ROLLED_BACK,
        /**
         * A connection was still checked out or a transaction open after the message; that was repaired. Its work
         * may have committed, with its idempotency key, so a redelivery is then skipped as a duplicate.
         */
        UNSETTLED,
        /** Not processed: an earlier message of a FIFO batch failed, or the invocation's deadline had passed. */
        NOT_ATTEMPTED
    }
}
