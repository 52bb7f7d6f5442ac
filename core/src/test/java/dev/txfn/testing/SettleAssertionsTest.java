package dev.txfn.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txfn.Database;
import dev.txfn.Tx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SettleAssertionsTest {
    private static final String APP = "txfn-settle-assertions-test";

    private Database db;
    private Tx tx;

    @BeforeEach
    void open() {
        db = Database.builder()
                .jdbcUrl(PostgresTestDatabase.shared().jdbcUrl())
                .maximumPoolSize(1)
                .applicationName(APP)
                .build();
        tx = Tx.create(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** A plain session that announces {@code applicationName} and sits idle in a transaction. */
    private static Connection leaveIdleInTransaction(String applicationName, boolean aborted) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", applicationName);
        Connection c = DriverManager.getConnection(PostgresTestDatabase.shared().jdbcUrl(), properties);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("select 1");
            if (aborted) {
                try {
                    s.execute("select 1 / 0");
                } catch (SQLException expected) {
                    // division by zero: the transaction is now aborted
                }
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    @Test
    void settledAfterACommittedTransaction() {
        int one = tx.inTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());

        assertThat(one).isEqualTo(1);
        assertThatCode(() -> SettleAssertions.assertSettled(tx, db, APP)).doesNotThrowAnyException();
        assertThatCode(() -> SettleAssertions.assertNoSessionIdleInTransaction(APP)).doesNotThrowAnyException();
    }

    @Test
    void failsWhileASessionIsIdleInTransaction() throws SQLException, InterruptedException {
        String app = APP + "-idle";
        try (Connection idle = leaveIdleInTransaction(app, false)) {
            assertThatThrownBy(() -> SettleAssertions.assertNoSessionIdleInTransaction(app))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("application '" + app + "' is not settled: 1 session(s) with"
                            + " application_name '" + app + "' idle in transaction per pg_stat_activity: pid ")
                    .hasMessageContaining(" idle in transaction for ")
                    .hasMessageEndingWith("ms after: select 1");
            assertThat(idle.isClosed()).isFalse();
        }
        // Closing sends Terminate and returns; the server ends the session a moment later.
        assertSettledWithin(app, 5_000);
    }

    private static void assertSettledWithin(String app, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            try {
                SettleAssertions.assertNoSessionIdleInTransaction(app);
                return;
            } catch (AssertionError stillThere) {
                if (System.nanoTime() > deadline) {
                    throw stillThere;
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void failsWhileASessionIsIdleInAnAbortedTransaction() throws SQLException {
        String app = APP + "-aborted";
        try (Connection idle = leaveIdleInTransaction(app, true)) {
            assertThatThrownBy(() -> SettleAssertions.assertNoSessionIdleInTransaction(app))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("idle in transaction (aborted) for ")
                    .hasMessageContaining("select 1 / 0");
            assertThat(idle.isClosed()).isFalse();
        }
    }

    @Test
    void assertSettledFailsOnAForeignSessionIdleInTransactionWithTheSameName() throws SQLException {
        try (Connection idle = leaveIdleInTransaction(APP, false)) {
            assertThatThrownBy(() -> SettleAssertions.assertSettled(tx, db, APP))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("application '" + APP + "' is not settled: 1 session(s) with")
                    .hasMessageNotContaining("Tx.openTransactions()")
                    .hasMessageNotContaining("Database.activeConnections()");
            assertThat(idle.isClosed()).isFalse();
        }
    }

    @Test
    void failsInsideATransactionBeforeAnyStatement() {
        tx.useTransaction(h -> assertThatThrownBy(() -> SettleAssertions.assertSettled(tx, db, APP))
                .isInstanceOf(AssertionError.class)
                .hasMessage("application '" + APP + "' is not settled:"
                        + " 1 transaction(s) of the Tx still open (Tx.openTransactions() = 1);"
                        + " 1 connection(s) checked out of the Database pool (Database.activeConnections() = 1)"));

        SettleAssertions.assertSettled(tx, db, APP);
    }

    @Test
    void failsInsideATransactionAfterAStatementNamingTheSession() {
        tx.useTransaction(h -> {
            int pid = h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one();
            assertThatThrownBy(() -> SettleAssertions.assertSettled(tx, db, APP))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Tx.openTransactions() = 1")
                    .hasMessageContaining("Database.activeConnections() = 1")
                    .hasMessageContaining("1 session(s) with application_name '" + APP + "' idle in transaction"
                            + " per pg_stat_activity: pid " + pid + " idle in transaction for ")
                    .hasMessageContaining("select pg_backend_pid()");
        });

        SettleAssertions.assertSettled(tx, db, APP);
    }

    @Test
    void rejectsAnEmptyApplicationName() {
        assertThatThrownBy(() -> SettleAssertions.assertNoSessionIdleInTransaction(""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
