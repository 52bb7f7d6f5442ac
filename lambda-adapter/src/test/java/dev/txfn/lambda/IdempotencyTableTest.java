package dev.txfn.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.testing.SettleAssertions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The idempotency table's DDL and purge against real PostgreSQL. */
class IdempotencyTableTest {
    private static final String APP = "txfn-idempotency-table-test";

    @Test
    void ddlCreatesTableAndIndexAndCanRunAgain() {
        try (Database db = SqsHandlerTest.database(1, APP)) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("drop table if exists idem_ddl_test"));

            tx.useTransaction(h -> h.execute(IdempotencyTable.createTableSql("idem_ddl_test")));
            tx.useTransaction(h -> h.execute(IdempotencyTable.createTableSql("idem_ddl_test")));

            List<String> indexes = tx.readOnly(h -> h.createQuery("select indexname from pg_indexes where tablename ="
                    + " 'idem_ddl_test' order by indexname").mapTo(String.class).list());
            assertThat(indexes).containsExactly("idem_ddl_test_expires_at_idx", "idem_ddl_test_pkey");
        }
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    @Test
    void purgeDeletesOnlyExpiredKeys() {
        try (Database db = SqsHandlerTest.database(1, APP)) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> {
                h.execute("drop table if exists idem_purge_test");
                h.execute(IdempotencyTable.createTableSql("idem_purge_test"));
                h.execute("insert into idem_purge_test select 'old-' || i, now() - interval '8 days',"
                        + " now() - interval '1 day' from generate_series(1, 3) i");
                h.execute("insert into idem_purge_test values ('fresh', now(), now() + interval '7 days')");
            });

            int purged = tx.inTransaction(h -> IdempotencyTable.purgeExpired(h, "idem_purge_test"));

            assertThat(purged).isEqualTo(3);
            List<String> left = tx.readOnly(h -> h.createQuery("select key from idem_purge_test").mapTo(String.class)
                    .list());
            assertThat(left).containsExactly("fresh");
        }
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    @Test
    void scheduledPurgeFunctionFromTheJavadocEmptiesTheDefaultTableOfExpiredKeys() {
        try (Database db = SqsHandlerTest.database(1, APP)) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> {
                h.execute(IdempotencyTable.createTableSql());
                h.execute("insert into txfn_idempotency select 'purge-test-' || i, now() - interval '8 days',"
                        + " now() - interval '1 day' from generate_series(1, 5) i on conflict do nothing");
            });
            EventHandlerTest.Events<ScheduledEvent, Integer> purge = new EventHandlerTest.Events<>(
                    LambdaResources.of(db), (event, invocationTx, context) -> {
                        int purged;
                        int total = 0;
                        do {
                            purged = invocationTx.inTransaction(IdempotencyTable::purgeExpired);
                            total += purged;
                        } while (purged == IdempotencyTable.PURGE_BATCH && context.getRemainingTimeInMillis() > 5_000);
                        return total;
                    });

            int total = purge.handleRequest(LambdaEvents.fromResource("events/scheduled-event.json",
                    ScheduledEvent.class), LocalContext.create());

            assertThat(total).isGreaterThanOrEqualTo(5);
            int expired = tx.readOnly(h -> h.createQuery("select count(*) from txfn_idempotency where expires_at < now()")
                    .mapTo(Integer.class).one());
            assertThat(expired).isZero();
        }
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    @Test
    void defaultDdlNamesTheDefaultTable() {
        assertThat(IdempotencyTable.createTableSql()).startsWith("create table if not exists txfn_idempotency (key"
                + " text primary key, processed_at timestamptz not null, expires_at timestamptz not null);");
    }

    @Test
    void schemaQualifiedNameIndexesInTheTablesSchema() {
        assertThat(IdempotencyTable.createTableSql("app.sqs_keys"))
                .contains("create index if not exists sqs_keys_expires_at_idx on app.sqs_keys (expires_at)");
    }

    @Test
    void nameThatIsNotAPlainIdentifierIsRejected() {
        assertThatThrownBy(() -> SqsSettings.defaults().withIdempotencyTable("keys; drop table orders"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unquoted identifier");
    }
}
