package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each SQLSTATE class becomes its own failure type, provoked for real. */
class FailureTypesTest {
    private static final String APP = "txfn-failure-test";
    private static Database db;
    private static Tx tx;

    @BeforeAll
    static void setUp() {
        db = TestDb.database(2, APP);
        tx = Tx.create(db);
        TestDb.execute("drop table if exists ft_child, ft_parent;"
                + "create table ft_parent(id int primary key, email text not null constraint ft_email_unique unique,"
                + " age int constraint ft_age_positive check (age > 0));"
                + "create table ft_child(id int primary key, parent_id int not null"
                + " constraint ft_child_parent references ft_parent(id))");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @BeforeEach
    void clean() {
        TestDb.execute("truncate ft_child, ft_parent");
        TestDb.execute("insert into ft_parent values (1, 'a@example.org', 30)");
    }

    @Test
    void uniqueViolationCarriesConstraintAndTable() {
        assertThatThrownBy(() -> tx.useTransaction(h -> h.execute(
                "insert into ft_parent values (2, 'a@example.org', 20)")))
                .isInstanceOfSatisfying(UniqueViolationException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("23505");
                    assertThat(e.constraint()).isEqualTo("ft_email_unique");
                    assertThat(e.table()).isEqualTo("ft_parent");
                    assertThat(e.isTransient()).isFalse();
                });
    }

    @Test
    void foreignKeyViolationCarriesConstraint() {
        assertThatThrownBy(() -> tx.useTransaction(h -> h.execute("insert into ft_child values (1, 99)")))
                .isInstanceOfSatisfying(ForeignKeyViolationException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("23503");
                    assertThat(e.constraint()).isEqualTo("ft_child_parent");
                    assertThat(e.table()).isEqualTo("ft_child");
                });
    }

    @Test
    void notNullViolationNamesTheColumn() {
        assertThatThrownBy(() -> tx.useTransaction(h -> h.execute("insert into ft_parent values (3, null, 1)")))
                .isInstanceOfSatisfying(NotNullViolationException.class, e -> {
                    assertThat(e.column()).isEqualTo("email");
                    assertThat(e.table()).isEqualTo("ft_parent");
                });
    }

    @Test
    void checkViolationCarriesConstraint() {
        assertThatThrownBy(() -> tx.useTransaction(h -> h.execute("update ft_parent set age = -1")))
                .isInstanceOfSatisfying(CheckViolationException.class,
                        e -> assertThat(e.constraint()).isEqualTo("ft_age_positive"));
    }

    @Test
    void otherErrorsAreDatabaseExceptionsWithTheirSqlState() {
        assertThatThrownBy(() -> tx.inTransaction(h -> h.createQuery("select * from ft_missing").mapToMap().list()))
                .isInstanceOfSatisfying(DatabaseException.class, e -> assertThat(e.sqlState()).isEqualTo("42P01"));
    }

    @Test
    void statementTimeoutIsTyped() {
        TxOptions o = TxOptions.defaults().withStatementTimeout(Duration.ofMillis(100));

        assertThatThrownBy(() -> tx.useTransaction(o, h -> h.execute("select pg_sleep(5)")))
                .isInstanceOfSatisfying(StatementTimeoutException.class,
                        e -> assertThat(e.sqlState()).isEqualTo("57014"));
    }

    @Test
    void lockTimeoutIsTypedWhenAnotherSessionHoldsTheLock() throws Exception {
        TxOptions o = TxOptions.defaults().withLockTimeout(Duration.ofMillis(100));
        try (Connection holder = TestDb.server().openAdminConnection(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("select * from ft_parent where id = 1 for update");

            assertThatThrownBy(() -> tx.useTransaction(o, h -> h.execute("update ft_parent set age = 31 where id = 1")))
                    .isInstanceOfSatisfying(LockTimeoutException.class,
                            e -> assertThat(e.sqlState()).isEqualTo("55P03"));
            holder.rollback();
        }
        assertThat(TestDb.count("select age from ft_parent where id = 1")).isEqualTo(30);
    }

    @Test
    void idleInTransactionTimeoutIsTyped() {
        TxOptions o = TxOptions.defaults().withIdleInTransactionTimeout(Duration.ofMillis(100));

        assertThatThrownBy(() -> tx.useTransaction(o, h -> {
            h.execute("update ft_parent set age = 40 where id = 1");
            Thread.sleep(1000); // e.g. an HTTP call made while holding the transaction
            h.execute("update ft_parent set age = 41 where id = 1");
        })).isInstanceOfAny(IdleInTransactionTimeoutException.class, ConnectionLostException.class)
                .satisfies(e -> assertThat(((TxException) e).isTransient()).isFalse());
        assertThat(TestDb.count("select age from ft_parent where id = 1")).isEqualTo(30);
        assertThat(db.activeConnections()).isZero();
    }

    @Test
    void connectionLostMidTransactionIsTypedAndNotRetried() {
        int[] runs = {0};
        assertThatThrownBy(() -> tx.useTransaction(h -> {
            runs[0]++;
            h.execute("update ft_parent set age = 50 where id = 1");
            int pid = h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one();
            TestDb.execute("select pg_terminate_backend(" + pid + ")");
            h.execute("update ft_parent set age = 51 where id = 1");
        })).isInstanceOfSatisfying(ConnectionLostException.class, e -> {
            assertThat(e.beforeFirstStatement()).isFalse();
            assertThat(e.isTransient()).isFalse();
        });
        assertThat(runs[0]).isEqualTo(1);
        assertThat(TestDb.count("select age from ft_parent where id = 1")).isEqualTo(30);
    }

    @Test
    void rollbackFailureIsAttachedToTheFirstErrorNotInsteadOfIt() {
        IllegalStateException mine = new IllegalStateException("mine");

        assertThatThrownBy(() -> tx.useTransaction(h -> {
            h.execute("update ft_parent set age = 60 where id = 1");
            int pid = h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one();
            TestDb.execute("select pg_terminate_backend(" + pid + ")");
            throw mine;
        })).isSameAs(mine);
        assertThat(mine.getSuppressed()).isNotEmpty();
        assertThat(db.activeConnections()).isZero();
        int age = tx.inTransaction(h -> h.createQuery("select age from ft_parent where id = 1")
                .mapTo(Integer.class).one());
        assertThat(age).isEqualTo(30);
    }
}
