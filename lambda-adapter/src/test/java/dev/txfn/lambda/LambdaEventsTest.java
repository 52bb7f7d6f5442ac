package dev.txfn.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import org.junit.jupiter.api.Test;

/** LambdaEvents decodes with the Lambda runtime's own serializers. */
class LambdaEventsTest {

    @Test
    void sqsBatchKeepsRecordsQueueArnAndAttributes() {
        SQSEvent event = LambdaEvents.fromResource("events/sqs-fifo-batch.json", SQSEvent.class);

        assertThat(event.getRecords()).hasSize(4);
        SqsMessage first = SqsMessage.of(event.getRecords().get(0));
        assertThat(first.eventSourceArn()).isEqualTo("arn:aws:sqs:eu-west-1:123456789012:orders.fifo");
        assertThat(first.queueName()).isEqualTo("orders.fifo");
        assertThat(first.fromFifoQueue()).isTrue();
        assertThat(first.messageGroupId()).contains("customer-7");
        assertThat(first.receiveCount()).isEqualTo(1);
        assertThat(first.sentAt()).hasValueSatisfying(t -> assertThat(t.toString()).isEqualTo("2026-01-01T00:00:00Z"));
        assertThat(first.messageAttributes()).containsEntry("tenant", "acme");
        assertThat(first.body()).isEqualTo("{\"orderId\":\"F-1\",\"quantity\":1}");
    }

    @Test
    void leadingSlashInResourcePathIsIgnored() {
        SQSEvent event = LambdaEvents.fromResource("/events/sqs-batch.json", SQSEvent.class);

        assertThat(event.getRecords()).hasSize(4);
    }

    @Test
    void missingResourceIsNamed() {
        assertThatThrownBy(() -> LambdaEvents.fromResource("events/nope.json", SQSEvent.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("events/nope.json");
    }

    @Test
    void malformedJsonNamesTheTargetType() {
        assertThatThrownBy(() -> LambdaEvents.fromJson("{\"Records\": [", SQSEvent.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SQSEvent.class.getName());
    }
}
