package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a callback configures on its handle stays with that transaction: the next one, on the same pooled
 * connection, sees none of it. These hold today because every transaction opens a new Jdbi handle; they are the
 * guard for any later optimization that reuses handles or their configuration (issue 12, CPU per transaction).
 */
class HandleStateIsolationTest {
    private static Database db;
    private static Tx tx;

    record Word(String text) {
    }

    @BeforeAll
    static void setUp() {
        db = TestDb.database(1, "txfn-handle-state-test");
        tx = Tx.create(db);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void aRowMapperRegisteredInOneTransactionIsNotUsedInTheNext() {
        tx.useTransaction(h -> {
            h.registerRowMapper(Word.class, (rs, ctx) -> new Word("mapped by the first transaction"));
            assertThat(h.createQuery("select 'x' as text").mapTo(Word.class).one().text())
                    .isEqualTo("mapped by the first transaction");
        });

        Word next = tx.inTransaction(h -> h.createQuery("select 'x' as text").mapTo(Word.class).one());

        assertThat(next.text()).isEqualTo("x");
    }

    @Test
    void aColumnMapperRegisteredInOneTransactionIsNotUsedInTheNext() {
        tx.useTransaction(h -> h.registerColumnMapper(String.class, (rs, col, ctx) -> "replaced"));

        String next = tx.inTransaction(h -> h.createQuery("select 'plain'").mapTo(String.class).one());

        assertThat(next).isEqualTo("plain");
    }

    @Test
    void aDefinedAttributeDoesNotReachTheNextTransaction() {
        tx.useTransaction(h -> {
            h.define("table", "pg_class");
            assertThat(h.getConfig(SqlStatements.class).getAttribute("table")).isEqualTo("pg_class");
        });

        Optional<Object> next = tx.inTransaction(h -> Optional.ofNullable(
                h.getConfig(SqlStatements.class).getAttribute("table")));

        assertThat(next).isEmpty();
    }

    @Test
    void aStatementCustomizerAddedInOneTransactionDoesNotRunInTheNext() {
        AtomicInteger runs = new AtomicInteger();
        StatementCustomizer counting = new StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement stmt, StatementContext ctx) {
                runs.incrementAndGet();
            }
        };
        tx.useTransaction(h -> {
            h.addCustomizer(counting);
            h.createQuery("select 1").mapTo(Integer.class).one();
        });
        assertThat(runs).hasValue(1);

        tx.useTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());

        assertThat(runs).hasValue(1);
    }

    @Test
    void aTransactionSettingDoesNotReachTheNextTransaction() {
        TxOptions local = TxOptions.defaults().withSetting("app.marker", "first");
        tx.useTransaction(local, h -> h.createQuery("select current_setting('app.marker')").mapTo(String.class)
                .one());

        String next = tx.inTransaction(h -> h.createQuery("select coalesce(current_setting('app.marker', true), '')")
                .mapTo(String.class).one());

        assertThat(next).isEmpty();
    }
}
