package dev.txfn.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.testing.SettleAssertions;
import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EventHandler against real PostgreSQL: events decoded as the runtime does, same lifecycle as every wrapper. */
class EventHandlerTest {
    private static final String APP = "txfn-event-test";

    /** A handler for any event type, as a user's subclass would be but taking its function from the test. */
    static final class Events<I, O> extends EventHandler<I, O> {
        Events(LambdaResources resources, EventFunction<I, O> function) {
            super(resources, function);
        }
    }

    private Database db;
    private Tx tx;

    @BeforeEach
    void createTable() {
        db = SqsHandlerTest.database(2, APP);
        tx = Tx.create(db);
        tx.useTransaction(h -> {
            h.execute("drop table if exists event_test_upload");
            h.execute("create table event_test_upload (bucket text not null, key text not null)");
        });
    }

    @AfterEach
    void noSessionIdleInTransaction() {
        db.close();
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    @Test
    void s3EventReachesTheFunctionDecodedAndItsWorkCommits() {
        S3Event event = LambdaEvents.fromResource("events/s3-put.json", S3Event.class);
        Events<S3Event, Integer> handler = new Events<>(LambdaResources.of(db), (s3, invocationTx, context) -> {
            for (var record : s3.getRecords()) {
                invocationTx.useTransaction(h -> h.createUpdate("insert into event_test_upload values (:b, :k)")
                        .bind("b", record.getS3().getBucket().getName())
                        .bind("k", record.getS3().getObject().getUrlDecodedKey()).execute());
            }
            return s3.getRecords().size();
        });

        int uploads = handler.handleRequest(event, LocalContext.create());

        assertThat(uploads).isEqualTo(1);
        List<String> rows = tx.readOnly(h -> h.createQuery("select bucket || ' ' || key from event_test_upload")
                .mapTo(String.class).list());
        assertThat(rows).containsExactly("txfn-uploads photos/2026/summer trip(1).jpg");
    }

    @Test
    void scheduledEventKeepsItsDetailTypeAndRule() {
        ScheduledEvent event = LambdaEvents.fromResource("events/scheduled-event.json", ScheduledEvent.class);
        Events<ScheduledEvent, List<String>> handler = new Events<>(LambdaResources.of(db),
                (scheduled, invocationTx, context) -> List.of(scheduled.getDetailType(), scheduled.getSource(),
                        scheduled.getResources().get(0), scheduled.getTime().toString()));

        List<String> seen = handler.handleRequest(event, LocalContext.create());

        assertThat(seen).containsExactly("Scheduled Event", "aws.events",
                "arn:aws:events:eu-west-1:123456789012:rule/purge-idempotency-keys", "2026-01-01T03:00:00.000Z");
    }

    @Test
    void functionLeakingAConnectionFailsTheInvocationAndTheSessionIsGone() {
        int[] leakedPid = new int[1];
        Events<ScheduledEvent, String> handler = new Events<>(LambdaResources.of(db), (event, invocationTx, context) -> {
            invocationTx.useTransaction(h -> {
                Handle leaked = h.getJdbi().open(); // bypasses Tx and is never closed
                leaked.begin();
                leakedPid[0] = leaked.createQuery("select pg_backend_pid()").mapTo(Integer.class).one();
            });
            return "done";
        });

        assertThatThrownBy(() -> handler.handleRequest(scheduled(), LocalContext.create()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("left a connection checked out or a transaction open");
        assertThat(db.activeConnections()).isZero();
        SqsHandlerTest.awaitBackendGone(leakedPid[0]);
    }

    @Test
    void uncheckedExceptionPropagatesUnchangedAfterRollingBack() {
        IllegalArgumentException boom = new IllegalArgumentException("bad event");
        Events<ScheduledEvent, String> handler = new Events<>(LambdaResources.of(db), (event, invocationTx, context) ->
                invocationTx.inTransaction(h -> {
                    h.execute("insert into event_test_upload values ('b', 'k')");
                    throw boom;
                }));

        assertThatThrownBy(() -> handler.handleRequest(scheduled(), LocalContext.create())).isSameAs(boom);
        assertThat(boom.getSuppressed()).isEmpty();
        int rows = tx.readOnly(h -> h.createQuery("select count(*) from event_test_upload").mapTo(Integer.class).one());
        assertThat(rows).isZero();
    }

    @Test
    void checkedExceptionPropagatesAsItsUndeclaredCause() {
        IOException down = new IOException("downstream closed");
        Events<ScheduledEvent, String> handler = new Events<>(LambdaResources.of(db), (event, invocationTx, context) -> {
            throw down;
        });

        assertThatThrownBy(() -> handler.handleRequest(scheduled(), LocalContext.create()))
                .isInstanceOf(UndeclaredThrowableException.class).hasCause(down);
    }

    private static ScheduledEvent scheduled() {
        return LambdaEvents.fromResource("events/scheduled-event.json", ScheduledEvent.class);
    }
}
