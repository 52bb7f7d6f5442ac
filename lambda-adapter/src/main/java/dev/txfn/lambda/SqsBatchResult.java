package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What came of one SQS batch: how many messages it held, how many succeeded (committed, or skipped as
 * duplicates of a message that committed before), and which failed and must be redelivered.
 *
 * @param messages the number of messages in the batch
 * @param succeeded messages processed and committed, duplicates included
 * @param duplicates messages skipped because their idempotency key was already recorded
 * @param notAttempted messages of a FIFO batch left unprocessed after an earlier failure (also in
 *     {@code failedMessageIds})
 * @param failedMessageIds the ids to report as batch item failures, in batch order, unmodifiable
 */
public record SqsBatchResult(int messages, int succeeded, int duplicates, int notAttempted,
        List<String> failedMessageIds) {

    /**
     * Creates the value; the list is copied.
     *
     * @param messages the number of messages
     * @param succeeded messages that succeeded
     * @param duplicates duplicates skipped
     * @param notAttempted FIFO messages left unprocessed
     * @param failedMessageIds the failed ids
     */
    public SqsBatchResult {
        failedMessageIds = List.copyOf(failedMessageIds);
    }

    /**
     * The response that tells Lambda's SQS poller to delete every message but the failed ones (partial batch
     * response; the event source mapping must list {@code ReportBatchItemFailures} in its
     * {@code FunctionResponseTypes}).
     *
     * @return the response, with an empty failure list when everything succeeded
     */
    public SQSBatchResponse toResponse() {
        return new SQSBatchResponse(failedMessageIds.stream()
                .map(SQSBatchResponse.BatchItemFailure::new)
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
        if (notAttempted > 0) {
            sb.append(", ").append(notAttempted).append(" not attempted");
        }
        return sb.toString();
    }
}
