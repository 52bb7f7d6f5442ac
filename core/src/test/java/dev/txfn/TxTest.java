package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TxTest {
    private static Database db;
    private static Tx tx;

    record Thing(long id, String name, Instant createdAt) {
    }

    record Receipt(Thing thing, long auditId) {
    }

    @BeforeAll
    static void setUp() {
        db = TestDb.database(1, "txfn-tx-test");
        tx = Tx.create(db);
        TestDb.execute("drop table if exists tx_thing, tx_audit;"
                + "create table tx_thing(id bigserial primary key, name text not null unique,"
                + " created_at timestamptz not null default now());"
                + "create table tx_audit(id bigserial primary key, thing_id bigint not null, txid bigint not null)");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @BeforeEach
    void clean() {
        TestDb.execute("truncate tx_thing, tx_audit");
    }

    private static Thing insert(Handle h, String name) {
        return h.createQuery("insert into tx_thing(name) values (:name) returning id, name, created_at")
                .bind("name", name).mapTo(Thing.class).one();
    }

    @Test
    void commitsAndReturnsTheCallbackValue() {
        Thing thing = tx.inTransaction(h -> insert(h, "a"));

        assertThat(thing.name()).isEqualTo("a");
        assertThat(TestDb.count("select count(*) from tx_thing where name = 'a'")).isEqualTo(1);
    }

    @Test
    void mapsRecordsWithoutRegistration() {
        tx.useTransaction(h -> insert(h, "rec"));

        List<Thing> things = tx.readOnly(h -> h.createQuery("select id, name, created_at from tx_thing")
                .mapTo(Thing.class).list());

        assertThat(things).extracting(Thing::name).containsExactly("rec");
        assertThat(things.get(0).createdAt()).isNotNull();
    }

    @Test
    void rollsBackWhenCallbackThrows() {
        IllegalStateException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> tx.useTransaction(h -> {
            insert(h, "doomed");
            throw boom;
        })).isSameAs(boom);

        assertThat(TestDb.count("select count(*) from tx_thing")).isZero();
    }

    @Test
    void checkedExceptionsPassThroughTyped() {
        IOException io = new IOException("disk");
        try {
            tx.inTransaction(h -> {
                insert(h, "io");
                if (io != null) {
                    throw io;
                }
                return 1;
            });
            fail("the callback's IOException was not thrown");
        } catch (IOException e) { // compiles only because the callback's exception type passes through
            assertThat(e).isSameAs(io);
        }
        assertThat(TestDb.count("select count(*) from tx_thing")).isZero();
    }

    @Test
    void readOnlyRejectsWrites() {
        assertThatThrownBy(() -> tx.readOnly(h -> insert(h, "ro")))
                .isInstanceOf(DatabaseException.class)
                .extracting(e -> ((TxException) e).sqlState()).isEqualTo("25006");
    }

    @Test
    void composedProgramRunsInOneTransaction() {
        TxFn<Thing> create = h -> insert(h, "composed");
        TxFn<Receipt> both = create.flatMap(t -> audit(t).map(auditId -> new Receipt(t, auditId)));

        Receipt receipt = tx.inTransaction(both);

        assertThat(receipt.thing().name()).isEqualTo("composed");
        assertThat(TestDb.count("select count(distinct txid) from tx_audit")).isEqualTo(1);
        assertThat(TestDb.count("select count(*) from tx_audit a join tx_thing t on t.id = a.thing_id"))
                .isEqualTo(1);
    }

    @Test
    void composedProgramRollsBackEveryStepWhenALaterStepFails() {
        TxFn<Thing> create = h -> insert(h, "half");
        TxFn<Long> failing = create.flatMap(t -> h -> {
            throw new IllegalArgumentException("second step fails");
        });

        assertThatThrownBy(() -> tx.inTransaction(failing)).isInstanceOf(IllegalArgumentException.class);
        assertThat(TestDb.count("select count(*) from tx_thing")).isZero();
    }

    @Test
    void sequenceAndZipCollectValuesInOrder() {
        TxFn<List<Thing>> three = TxFn.sequence(List.of(h -> insert(h, "s1"), h -> insert(h, "s2"),
                h -> insert(h, "s3")));
        TxFn<String> names = three.zip(TxFn.constant("!"),
                (things, bang) -> things.stream().map(Thing::name).reduce("", String::concat) + bang);

        assertThat(tx.inTransaction(names)).isEqualTo("s1s2s3!");
    }

    @Test
    void sequenceResultPassesTheResultGuard() {
        List<Thing> things = tx.inTransaction(TxFn.sequence(List.of(h -> insert(h, "q1"), h -> null)));

        assertThat(things).hasSize(2).containsNull();
        assertThat(things.get(0).name()).isEqualTo("q1");
    }

    private static TxFn<Long> audit(Thing t) {
        return h -> h.createQuery("insert into tx_audit(thing_id, txid) values (:id, txid_current()) returning id")
                .bind("id", t.id()).mapTo(Long.class).one();
    }

    @Test
    void nestedTransactionFailsFastWithPoolOfOne() {
        assertThatThrownBy(() -> tx.inTransaction(h -> tx.inTransaction(h2 -> 1)))
                .isInstanceOf(NestedTransactionException.class)
                .hasMessageContaining("already running on this thread");
        assertThat(tx.openTransactions()).isZero();
        assertThat(db.activeConnections()).isZero();
    }

    @Test
    void escapedResultRollsBackAndNamesThePath() {
        record Holder(List<Object> items) {
        }

        assertThatThrownBy(() -> tx.inTransaction(h -> {
            insert(h, "escaped");
            return new Holder(List.of(1, h.createQuery("select 1").mapTo(Integer.class)));
        })).isInstanceOf(EscapedResultException.class)
                .hasMessageContaining("result.items[1]");
        assertThat(TestDb.count("select count(*) from tx_thing")).isZero();
    }

    @Test
    void driverArrayInResultRollsBack() {
        assertThatThrownBy(() -> tx.inTransaction(h -> {
            insert(h, "array");
            return h.createQuery("select array['a', 'b'] as tags").mapToMap().list();
        })).isInstanceOf(EscapedResultException.class)
                .hasMessageContaining("org.postgresql.jdbc.PgArray at result[0][tags]");
        assertThat(TestDb.count("select count(*) from tx_thing")).isZero();
    }

    @Test
    void largeObjectBlobInResultRollsBack() {
        assertThatThrownBy(() -> tx.inTransaction(h -> {
            insert(h, "blob");
            return h.createQuery("select lo_from_bytea(0, 'hello'::bytea) as doc")
                    .map((rs, ctx) -> rs.getBlob("doc")).one();
        })).isInstanceOf(EscapedResultException.class)
                .hasMessageContaining("org.postgresql.jdbc.PgBlob at result;");
        assertThat(TestDb.count("select count(*) from tx_thing")).isZero();
    }

    @Test
    void swallowedStatementErrorIsNotReportedAsCommitted() {
        tx.useTransaction(h -> insert(h, "dup"));

        assertThatThrownBy(() -> tx.useTransaction(h -> {
            insert(h, "other");
            try {
                insert(h, "dup");
            } catch (RuntimeException swallowed) {
                // the caller ignores it; PostgreSQL has aborted the transaction regardless
            }
        })).isInstanceOf(UniqueViolationException.class);
        assertThat(TestDb.count("select count(*) from tx_thing where name = 'other'")).isZero();
    }

    @Test
    void abortedTransactionReportsTheFirstErrorNotTheAbortNotice() {
        tx.useTransaction(h -> insert(h, "first"));

        assertThatThrownBy(() -> tx.useTransaction(h -> {
            try {
                insert(h, "first");
            } catch (RuntimeException swallowed) {
                // ignored; the next statement then fails with 25P02
            }
            h.createQuery("select 1").mapTo(Integer.class).one();
        })).isInstanceOf(UniqueViolationException.class)
                .satisfies(e -> assertThat(((UniqueViolationException) e).constraint()).isEqualTo("tx_thing_name_key"));
    }

    @Test
    void afterCommitHookRunsOnceAfterCommit() {
        AtomicInteger hooks = new AtomicInteger();
        tx.useTransaction(h -> {
            h.afterCommit(hooks::incrementAndGet);
            insert(h, "hooked");
        });
        assertThat(hooks).hasValue(1);

        assertThatThrownBy(() -> tx.useTransaction(h -> {
            h.afterCommit(hooks::incrementAndGet);
            throw new IllegalStateException("rolled back");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(hooks).hasValue(1);
    }

    @Test
    void settlesAfterEveryPath() {
        tx.useTransaction(h -> insert(h, "settle"));
        assertThatThrownBy(() -> tx.useTransaction(h -> {
            throw new IllegalStateException();
        }));
        assertThat(tx.openTransactions()).isZero();
        assertThat(db.activeConnections()).isZero();
        assertThat(TestDb.count("select count(*) from pg_stat_activity where application_name = 'txfn-tx-test'"
                + " and state like 'idle in transaction%'")).isZero();
    }
}
