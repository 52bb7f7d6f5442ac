package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.txfn.lambda.LambdaEvents;
import dev.txfn.lambda.LocalContext;
import org.junit.jupiter.api.Test;

/** {@link PurgeIdempotencyKeys} through the Lambda contract, against real PostgreSQL. */
class PurgeIdempotencyKeysTest extends MigratedDatabaseTest {

    @Test
    void deletesExpiredKeysOnlyAndAnswersHowMany() {
        db.reset();
        db.execute("insert into txfn_idempotency(key, processed_at, expires_at) values"
                + " ('old-1', now() - interval '8 days', now() - interval '1 day'),"
                + " ('old-2', now() - interval '9 days', now() - interval '2 days'),"
                + " ('fresh', now(), now() + interval '7 days')");
        ScheduledEvent event = LambdaEvents.fromResource("events/scheduled-purge.json", ScheduledEvent.class);

        int purged = new PurgeIdempotencyKeys(db.resources()).handleRequest(event, LocalContext.create());

        assertThat(purged).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from txfn_idempotency where key = 'fresh'")).isEqualTo(1);
        assertThat(db.queryLong("select count(*) from txfn_idempotency")).isEqualTo(1);
    }
}
