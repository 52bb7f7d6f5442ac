package dev.txfn.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txfn.CheckViolationException;
import dev.txfn.ConnectionUnavailableException;
import dev.txfn.DatabaseException;
import dev.txfn.DeadlineExceededException;
import dev.txfn.ForeignKeyViolationException;
import dev.txfn.Isolation;
import dev.txfn.Tx;
import dev.txfn.TxFn;
import dev.txfn.TxOptions;
import dev.txfn.UniqueViolationException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryDatabaseTest {
    private static final String SCHEMA = "/dev/txfn/testing/in_memory_schema.sql";

    private InMemoryDatabase db;
    private Tx tx;

    record Thing(long id, String name, String ownerName) {
    }

    @BeforeEach
    void open() {
        db = InMemoryDatabase.create(SCHEMA);
        tx = db.tx();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static Thing insert(Handle h, String name, String owner) {
        h.createUpdate("insert into thing (name, owner_name) values (:name, :owner)")
                .bind("name", name).bind("owner", owner).execute();
        return h.createQuery("select id, name, owner_name from thing where name = :name")
                .bind("name", name).mapTo(Thing.class).one();
    }

    private long count() {
        return tx.readOnly(h -> h.createQuery("select count(*) from thing").mapTo(Long.class).one());
    }

    @Test
    void insertsAndReadsBackRecords() {
        Thing inserted = tx.inTransaction(h -> insert(h, "a", "alice"));

        List<Thing> all = tx.inTransaction(h -> h.createQuery("select * from thing order by id")
                .mapTo(Thing.class).list());

        assertThat(all).containsExactly(inserted);
        assertThat(inserted.ownerName()).isEqualTo("alice");
    }

    @Test
    void mapsRecordsByConstructorWithSnakeCaseColumns() {
        tx.useTransaction(h -> insert(h, "b", "bob"));

        Thing thing = tx.readOnly(h -> h.createQuery("select owner_name, name, id from thing")
                .mapTo(Thing.class).one());

        assertThat(thing.name()).isEqualTo("b");
        assertThat(thing.ownerName()).isEqualTo("bob");
        assertThat(thing.id()).isPositive();
    }

    @Test
    void aOneQueryProgramRunsAsAnOrdinaryReadOnlyTransaction() {
        tx.useTransaction(h -> insert(h, "q", "quinn"));

        Thing thing = tx.readOnly(TxFn.query("select * from thing where name = :name",
                q -> q.bind("name", "q").mapTo(Thing.class).one()));

        assertThat(thing.ownerName()).isEqualTo("quinn");
    }

    @Test
    void schemaFileDefaultsAndCommentsSurviveStatementSplitting() {
        String note = tx.inTransaction(h -> {
            insert(h, "c", null);
            return h.createQuery("select note from thing").mapTo(String.class).one();
        });

        assertThat(note).isEqualTo("it's; fine");
    }

    @Test
    void rollsBackWhenCallbackThrows() {
        IllegalStateException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> tx.useTransaction(h -> {
            insert(h, "doomed", null);
            throw boom;
        })).isSameAs(boom);

        assertThat(count()).isZero();
    }

    @Test
    void readOnlyRejectsAWriteAsPostgresDoes() {
        assertThatThrownBy(() -> tx.readOnly(h -> h.execute("insert into thing (name) values ('nope')")))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("read-only")
                .satisfies(e -> assertThat(((DatabaseException) e).sqlState()).isEqualTo("25006"));

        assertThat(count()).isZero();
    }

    @Test
    void readOnlyReadsTablesCreatedAfterTheSchema() {
        tx.useTransaction(h -> {
            h.execute("create schema extra");
            h.execute("create table extra.late (x int)");
            h.execute("insert into extra.late values (7)");
        });

        int x = tx.readOnly(h -> h.createQuery("select x from extra.late").mapTo(Integer.class).one());

        assertThat(x).isEqualTo(7);
    }

    @Test
    void appliesIsolationThroughJdbcAlsoWhenReadOnly() throws SQLException {
        TxOptions serializable = TxOptions.defaults().withIsolation(Isolation.SERIALIZABLE);

        int readWrite = tx.inTransaction(serializable, h -> h.getConnection().getTransactionIsolation());
        int readOnly = tx.inTransaction(serializable.withReadOnly(true),
                h -> h.getConnection().getTransactionIsolation());

        assertThat(readWrite).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
        assertThat(readOnly).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
    }

    @Test
    void ignoresTimeoutsAndSettings() {
        TxOptions options = TxOptions.defaults()
                .withStatementTimeout(Duration.ofMillis(1))
                .withLockTimeout(Duration.ofMillis(1))
                .withIdleInTransactionTimeout(Duration.ofMillis(1))
                .withSetting("app.tenant_id", "42");

        Thing thing = tx.inTransaction(options, h -> insert(h, "d", null));

        assertThat(thing.name()).isEqualTo("d");
    }

    @Test
    void reportsConstraintViolationsWithPostgresTypes() {
        tx.useTransaction(h -> insert(h, "twice", null));

        assertThatThrownBy(() -> tx.useTransaction(h -> insert(h, "twice", null)))
                .isInstanceOf(UniqueViolationException.class);
    }

    @Test
    void reportsForeignKeyAndCheckViolationsWithPostgresTypes() {
        try (InMemoryDatabase checked = InMemoryDatabase.withSchema(
                "create table parent (id int primary key);"
                        + "create table child (id int primary key, parent_id int references parent (id),"
                        + " qty int check (qty > 0))")) {
            Tx t = checked.tx();

            assertThatThrownBy(() -> t.useTransaction(h -> h.execute("insert into child values (1, 99, 1)")))
                    .isInstanceOf(ForeignKeyViolationException.class);
            assertThatThrownBy(() -> t.useTransaction(h -> h.execute("insert into child values (1, null, 0)")))
                    .isInstanceOf(CheckViolationException.class);
        }
    }

    @Test
    void failsOnceTheDeadlineHasPassed() {
        Tx late = tx.withDeadline(Instant.now().minusSeconds(1));

        assertThatThrownBy(() -> late.useTransaction(h -> insert(h, "late", null)))
                .isInstanceOf(DeadlineExceededException.class);
        assertThat(count()).isZero();
    }

    @Test
    void instancesAreIsolated() {
        try (InMemoryDatabase other = InMemoryDatabase.create(SCHEMA)) {
            tx.useTransaction(h -> insert(h, "only-here", null));

            long otherCount = other.tx().readOnly(h -> h.createQuery("select count(*) from thing")
                    .mapTo(Long.class).one());

            assertThat(other.name()).isNotEqualTo(db.name());
            assertThat(otherCount).isZero();
            assertThat(count()).isEqualTo(1);
        }
    }

    @Test
    void runsSeveralSchemaResourcesInOrder() {
        try (InMemoryDatabase seeded = InMemoryDatabase.create(SCHEMA, "dev/txfn/testing/in_memory_seed.sql")) {
            Thing thing = seeded.tx().readOnly(h -> h.createQuery("select * from thing").mapTo(Thing.class).one());

            assertThat(thing.name()).isEqualTo("seeded");
        }
    }

    @Test
    void withSchemaRunsInlineStatements() {
        try (InMemoryDatabase inline = InMemoryDatabase.withSchema(
                "create table t (id int primary key, v text); insert into t values (1, 'one;two')")) {
            String v = inline.tx().readOnly(h -> h.createQuery("select v from t").mapTo(String.class).one());

            assertThat(v).isEqualTo("one;two");
        }
    }

    @Test
    void failsOnAMissingSchemaResource() {
        assertThatThrownBy(() -> InMemoryDatabase.create("/no/such/schema.sql"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/no/such/schema.sql");
    }

    @Test
    void failsOnABrokenSchemaNamingIt() {
        assertThatThrownBy(() -> InMemoryDatabase.withSchema("create tabel oops (id int)"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema SQL");
    }

    @Test
    void closedDatabaseFailsTransactionsInsteadOfComingBackEmpty() {
        db.close();

        assertThatThrownBy(() -> tx.inTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one()))
                .isInstanceOf(ConnectionUnavailableException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void customizedTxSharesTheDatabase() {
        tx.useTransaction(h -> insert(h, "shared", null));
        Tx custom = db.tx(jdbi -> jdbi.define("marker", "yes"));

        String name = custom.readOnly(h -> h.createQuery("select name from thing").mapTo(String.class).one());

        assertThat(name).isEqualTo("shared");
    }
}
