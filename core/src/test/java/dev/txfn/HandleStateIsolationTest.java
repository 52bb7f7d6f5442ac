package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.txfn.testing.PostgresTestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleListener;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.enums.EnumStrategy;
import org.jdbi.v3.core.enums.Enums;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.HashPrefixSqlParser;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a callback configures on its handle stays with that transaction: the next one, on the same pooled
 * connection, sees none of it. These hold today because every transaction opens a new Jdbi handle; they are the
 * guard for any later optimization that reuses handles or their configuration (issue 12, CPU per transaction).
 * They cover each kind of state a Jdbi {@code Handle} carries: its configuration (mappers, arguments, attributes,
 * customizers, parser, template engine, statement settings, a plugin's configuration such as {@code Enums}, the
 * SQL logger), its own fields (statement builder, handle listeners, cleanables, transaction hooks), what it sets
 * on the connection (isolation, read-only), and the handle object itself kept past its transaction.
 */
class HandleStateIsolationTest {
    private static Database db;
    private static Tx tx;

    record Word(String text) {
    }

    enum Colour {
        RED, GREEN
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

    @Test
    void anArgumentFactoryRegisteredInOneTransactionDoesNotBindInTheNext() {
        tx.useTransaction(h -> {
            h.registerArgument(new AbstractArgumentFactory<String>(Types.VARCHAR) {
                @Override
                protected Argument build(String value, ConfigRegistry config) {
                    return (position, statement, ctx) -> statement.setString(position, "bound by the first transaction");
                }
            });
            assertThat(h.createQuery("select ?").bind(0, "x").mapTo(String.class).one())
                    .isEqualTo("bound by the first transaction");
        });

        String next = tx.inTransaction(h -> h.createQuery("select ?").bind(0, "x").mapTo(String.class).one());

        assertThat(next).isEqualTo("x");
    }

    @Test
    void anEnumStrategyChosenInOneTransactionDoesNotReachTheNext() {
        tx.useTransaction(h -> {
            h.getConfig(Enums.class).setEnumStrategy(EnumStrategy.BY_ORDINAL);
            assertThat(h.createQuery("select 1").mapTo(Colour.class).one()).isEqualTo(Colour.GREEN);
        });

        Colour next = tx.inTransaction(h -> h.createQuery("select 'RED'").mapTo(Colour.class).one());

        assertThat(next).isEqualTo(Colour.RED);
    }

    @Test
    void aSqlParserSetInOneTransactionDoesNotParseTheNext() {
        tx.useTransaction(h -> {
            h.setSqlParser(new HashPrefixSqlParser());
            assertThat(h.createQuery("select cast(#v as text)").bind("v", "hash").mapTo(String.class).one())
                    .isEqualTo("hash");
        });

        String next = tx.inTransaction(h -> h.createQuery("select cast(:v as text)").bind("v", "colon")
                .mapTo(String.class).one());

        assertThat(next).isEqualTo("colon");
    }

    @Test
    void aTemplateEngineSetInOneTransactionDoesNotRenderTheNext() {
        tx.useTransaction(h -> {
            h.setTemplateEngine((template, ctx) -> "select 'rendered by the first transaction'");
            assertThat(h.createQuery("select 'plain'").mapTo(String.class).one())
                    .isEqualTo("rendered by the first transaction");
        });

        String next = tx.inTransaction(h -> h.createQuery("select 'plain'").mapTo(String.class).one());

        assertThat(next).isEqualTo("plain");
    }

    @Test
    void statementSettingsChangedInOneTransactionDoNotReachTheNext() {
        tx.useTransaction(h -> h.getConfig(SqlStatements.class).setQueryTimeout(7).setUnusedBindingAllowed(true));

        Optional<Integer> timeout = tx.inTransaction(h -> Optional.ofNullable(
                h.getConfig(SqlStatements.class).getQueryTimeout()));

        assertThat(timeout).isEmpty();
        assertThatThrownBy(() -> tx.inTransaction(h -> h.createQuery("select 1").bind("unused", 1)
                .mapTo(Integer.class).one()))
                .hasMessageContaining("unused");
    }

    @Test
    void aSqlLoggerSetInOneTransactionIsNotCalledInTheNext() {
        AtomicInteger logged = new AtomicInteger();
        tx.useTransaction(h -> {
            h.setSqlLogger(new SqlLogger() {
                @Override
                public void logBeforeExecution(StatementContext context) {
                    logged.incrementAndGet();
                }
            });
            h.createQuery("select 1").mapTo(Integer.class).one();
        });
        assertThat(logged).hasValue(1);

        tx.useTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());

        assertThat(logged).hasValue(1);
    }

    @Test
    void aStatementBuilderSetInOneTransactionDoesNotBuildTheNextOnesStatements() {
        AtomicInteger built = new AtomicInteger();
        DefaultStatementBuilder counting = new DefaultStatementBuilder() {
            @Override
            public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
                built.incrementAndGet();
                return super.create(conn, sql, ctx);
            }
        };
        tx.useTransaction(h -> {
            h.setStatementBuilder(counting);
            h.createQuery("select 1").mapTo(Integer.class).one();
        });
        assertThat(built).hasValue(1);

        tx.useTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());

        assertThat(built).hasValue(1);
    }

    @Test
    void aHandleListenerAddedInOneTransactionHearsOnlyThatTransactionsHandle() {
        AtomicInteger closed = new AtomicInteger();
        HandleListener counting = new HandleListener() {
            @Override
            public void handleClosed(Handle handle) {
                closed.incrementAndGet();
            }
        };
        tx.useTransaction(h -> h.addHandleListener(counting));
        assertThat(closed).hasValue(1);

        tx.useTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());

        assertThat(closed).hasValue(1);
    }

    @Test
    void aCleanableAddedInOneTransactionRunsOnceAtItsEnd() {
        AtomicInteger cleaned = new AtomicInteger();
        tx.useTransaction(h -> h.addCleanable(cleaned::incrementAndGet));
        assertThat(cleaned).hasValue(1);

        tx.useTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());

        assertThat(cleaned).hasValue(1);
    }

    @Test
    void anAfterRollbackHookOfACommittedTransactionDoesNotRunWhenTheNextRollsBack() {
        AtomicInteger hooks = new AtomicInteger();
        tx.useTransaction(h -> h.afterRollback(hooks::incrementAndGet));

        assertThatThrownBy(() -> tx.useTransaction(h -> {
            h.createQuery("select 1").mapTo(Integer.class).one();
            throw new IllegalStateException("the second transaction fails");
        })).hasMessage("the second transaction fails");

        assertThat(hooks).hasValue(0);
    }

    @Test
    void anIsolationLevelSetOnTheHandleDoesNotReachTheNextTransaction() {
        assumeFalse(PostgresTestDatabase.shared().behindTransactionPooler(),
                "pgjdbc sets the level with SET SESSION CHARACTERISTICS, session state a transaction pooler does not"
                        + " keep with the client");
        tx.useTransaction(h -> {
            h.setTransactionIsolationLevel(TransactionIsolationLevel.SERIALIZABLE);
            assertThat(h.createQuery("show transaction_isolation").mapTo(String.class).one())
                    .isEqualTo("serializable");
        });

        String next = tx.inTransaction(h -> h.createQuery("show transaction_isolation").mapTo(String.class).one());

        assertThat(next).isEqualTo("read committed");
    }

    @Test
    void aHandleMadeReadOnlyDoesNotMakeTheNextTransactionReadOnly() {
        tx.useTransaction(h -> {
            h.setReadOnly(true);
            assertThat(h.createQuery("show transaction_read_only").mapTo(String.class).one()).isEqualTo("on");
        });

        String next = tx.inTransaction(h -> h.createQuery("show transaction_read_only").mapTo(String.class).one());

        assertThat(next).isEqualTo("off");
    }

    @Test
    void aHandleKeptPastItsTransactionCannotRunStatementsInTheNext() {
        AtomicReference<Handle> kept = new AtomicReference<>();
        tx.useTransaction(kept::set);

        tx.useTransaction(h -> {
            assertThat(h).isNotSameAs(kept.get());
            assertThatThrownBy(() -> kept.get().createQuery("select 1").mapTo(Integer.class).one())
                    .as("a statement through the first transaction's handle")
                    .isInstanceOf(RuntimeException.class);
        });
    }
}
