package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.txfn.lambda.LambdaEvents;
import dev.txfn.lambda.LocalContext;
import dev.txfn.lambda.SqsBatchResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ThingsImport} through the Lambda contract, against real PostgreSQL, with a batch of four messages: two
 * good ones (three things), one that is not JSON and one with an invalid thing.
 */
class ThingsImportTest extends MigratedDatabaseTest {
    private static final String POISON = "5f1d1c2e-0000-4000-8000-000000000002";
    private static final String INVALID = "5f1d1c2e-0000-4000-8000-000000000004";

    private ThingsImport handler;

    @BeforeEach
    void emptyTables() {
        db.reset();
        handler = new ThingsImport(db.resources());
    }

    @Test
    void goodMessagesCreateTheirThingsAndBadOnesFailAlone() {
        SQSBatchResponse response = handler.handleRequest(batch(), LocalContext.create());

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(POISON, INVALID);
        assertThat(db.queryLong("select count(*) from thing")).isEqualTo(3);
        assertThat(db.queryLong("select count(*) from thing where name in ('lamp', 'chair', 'shelf')")).isEqualTo(3);
        assertThat(db.queryLong("select count(*) from txfn_idempotency")).isEqualTo(2);
    }

    @Test
    void aMessageWithOneInvalidThingWritesNoneOfItsThings() {
        handler.handleRequest(batch(), LocalContext.create());

        assertThat(db.queryLong("select count(*) from thing where name = 'rug'")).isZero();
    }

    @Test
    void aBatchDeliveredTwiceCreatesItsThingsOnce() {
        handler.handleRequest(batch(), LocalContext.create());

        SqsBatchResult again = handler.process(batch(), LocalContext.create());

        assertThat(again.duplicates()).isEqualTo(2);
        assertThat(again.failedMessageIds()).containsExactly(POISON, INVALID);
        assertThat(db.queryLong("select count(*) from thing")).isEqualTo(3);
    }

    @Test
    void aPoisonMessageFailsBeforeAnyDatabaseWork() {
        SqsBatchResult result = handler.process(batch(), LocalContext.create());

        assertThat(result.failures()).extracting(SqsBatchResult.Failure::reason)
                .containsExactly(SqsBatchResult.Reason.INVALID_MESSAGE, SqsBatchResult.Reason.ROLLED_BACK);
    }

    private static SQSEvent batch() {
        return LambdaEvents.fromResource("events/sqs/import-batch.json", SQSEvent.class);
    }
}
