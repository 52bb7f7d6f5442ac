package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.txfn.lambda.LambdaEvents;
import dev.txfn.lambda.LocalContext;
import dev.txfn.testing.SettleAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PurgeIdempotencyKeys} through the Lambda contract, against real PostgreSQL. */
class PurgeIdempotencyKeysTest {
    private static ThingsDatabase db;

    @BeforeAll
    static void createDatabase() {
        db = ThingsDatabase.createMigrated();
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @AfterEach
    void applicationIsSettled() {
        SettleAssertions.assertSettled(db.resources().tx(), db.database(), db.applicationName());
    }

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
