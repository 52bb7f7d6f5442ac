package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What SQS says about one message besides its body: its id, the queue it came from, its system attributes
 * ({@code ApproximateReceiveCount}, {@code SentTimestamp}, {@code MessageGroupId}, ...) and its string-valued
 * message attributes. Handed to a {@link SqsMessageHandler} next to the decoded body.
 *
 * @param messageId the SQS message id, unique per message (redeliveries keep it)
 * @param eventSourceArn the queue's ARN, e.g. {@code arn:aws:sqs:eu-west-1:123456789012:orders.fifo}
 * @param body the raw body, as sent
 * @param attributes the system attributes, unmodifiable
 * @param messageAttributes the message attributes whose data type is {@code String} or {@code Number} (and
 *     their custom subtypes), by name, unmodifiable; binary attributes are left out
 */
public record SqsMessage(String messageId, String eventSourceArn, String body, Map<String, String> attributes,
        Map<String, String> messageAttributes) {

    /**
     * Creates the value; the maps are copied.
     *
     * @param messageId the message id
     * @param eventSourceArn the queue's ARN, or {@code null} if unknown
     * @param body the raw body, or {@code null}
     * @param attributes the system attributes
     * @param messageAttributes the string-valued message attributes
     * @throws NullPointerException if {@code messageId} or a map is {@code null}
     */
    public SqsMessage {
        Objects.requireNonNull(messageId, "messageId");
        attributes = Map.copyOf(attributes);
        messageAttributes = Map.copyOf(messageAttributes);
    }

    /**
     * Reads the parts of a message from the event the Lambda runtime decoded.
     *
     * @param message one record of an {@link SQSEvent}
     * @return the value
     * @throws NullPointerException if the record has no message id
     */
    public static SqsMessage of(SQSEvent.SQSMessage message) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (message.getAttributes() != null) {
            message.getAttributes().forEach((k, v) -> {
                if (k != null && v != null) {
                    attributes.put(k, v);
                }
            });
        }
        Map<String, String> messageAttributes = new LinkedHashMap<>();
        if (message.getMessageAttributes() != null) {
            message.getMessageAttributes().forEach((name, attribute) -> {
                if (name != null && attribute != null && attribute.getStringValue() != null) {
                    messageAttributes.put(name, attribute.getStringValue());
                }
            });
        }
        return new SqsMessage(message.getMessageId(), message.getEventSourceArn(), message.getBody(), attributes,
                messageAttributes);
    }

    /**
     * The queue's name: the last part of {@link #eventSourceArn()}.
     *
     * @return the name, or {@code "unknown"} when the ARN is missing
     */
    public String queueName() {
        return queueName(eventSourceArn);
    }

    /**
     * Whether the queue is a FIFO queue (its name ends in {@code .fifo}).
     *
     * @return {@code true} for a FIFO queue
     */
    public boolean fromFifoQueue() {
        return eventSourceArn != null && eventSourceArn.endsWith(".fifo");
    }

    /**
     * How many times SQS has handed this message out, this delivery included ({@code ApproximateReceiveCount}).
     *
     * @return the count, or 1 when SQS did not say
     */
    public int receiveCount() {
        try {
            return Integer.parseInt(attributes.getOrDefault("ApproximateReceiveCount", "1"));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * When the message was sent ({@code SentTimestamp}).
     *
     * @return the instant, or empty when SQS did not say
     */
    public Optional<Instant> sentAt() {
        try {
            return Optional.ofNullable(attributes.get("SentTimestamp")).map(Long::parseLong).map(Instant::ofEpochMilli);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The FIFO message group ({@code MessageGroupId}).
     *
     * @return the group, or empty for a standard queue
     */
    public Optional<String> messageGroupId() {
        return Optional.ofNullable(attributes.get("MessageGroupId"));
    }

    static String queueName(String arn) {
        if (arn == null || arn.isBlank()) {
            return "unknown";
        }
        return arn.substring(arn.lastIndexOf(':') + 1);
    }
}
