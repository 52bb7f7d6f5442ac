package dev.txfn;

import dev.txfn.testing.TestServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several hosts in one URL, against two servers this test starts: one writable, one read-only
 * ({@code default_transaction_read_only = on}, which pgjdbc reads as a standby). With
 * {@code target_session_attrs=read-write} (libpq) or {@code targetServerType=primary} (pgjdbc) a writing
 * transaction lands on the writable server, whichever is listed first.
 */
class MultiHostTest {
    private static TestServer writable;
    private static TestServer readOnly;

    @BeforeAll
    static void startServers() throws SQLException {
        writable = TestServer.writable();
        readOnly = TestServer.readOnly();
        for (TestServer server : List.of(writable, readOnly)) {
            try (Connection connection = DriverManager.getConnection(server.jdbcUrl("127.0.0.1", ""));
                    Statement statement = connection.createStatement()) {
                statement.execute("set default_transaction_read_only = off");
                statement.execute("create table landed(port int not null)");
            }
        }
    }

    @AfterAll
    static void stopServers() {
        try {
            if (writable != null) {
                writable.close();
            }
        } finally {
            if (readOnly != null) {
                readOnly.close();
            }
        }
    }

    @Test
    void libpqUriWithReadWriteTargetWritesToTheWritableServerInEitherOrder() {
        for (List<TestServer> order : orders()) {
            String url = "postgres://postgres@127.0.0.1:" + order.get(0).port() + ",127.0.0.1:" + order.get(1).port()
                    + "/postgres?target_session_attrs=read-write";
            try (Database db = builder().url(url).build()) {
                assertThat(writeLandsOn(db)).as(url).isEqualTo(writable.port());
            }
        }
    }

    @Test
    void jdbcUrlWithPrimaryTargetWritesToTheWritableServerInEitherOrder() {
        for (List<TestServer> order : orders()) {
            String url = "jdbc:postgresql://127.0.0.1:" + order.get(0).port() + ",127.0.0.1:" + order.get(1).port()
                    + "/postgres?user=postgres&targetServerType=primary";
            try (Database db = builder().jdbcUrl(url).build()) {
                assertThat(writeLandsOn(db)).as(url).isEqualTo(writable.port());
            }
        }
    }

    @Test
    void pghostAndPgportListsWithPgtargetsessionattrs() {
        for (List<TestServer> order : orders()) {
            Map<String, String> env = Map.of("PGHOST", "127.0.0.1,127.0.0.1",
                    "PGPORT", order.get(0).port() + "," + order.get(1).port(), "PGUSER", "postgres",
                    "PGTARGETSESSIONATTRS", "read-write", "TXFN_CONNECTION_TIMEOUT_MS", "2000");
            try (Database db = Database.fromEnv(env)) {
                assertThat(writeLandsOn(db)).as(env.get("PGPORT")).isEqualTo(writable.port());
            }
        }
    }

    @Test
    void readOnlyTargetReadsFromTheReadOnlyServer() {
        String url = "postgres://postgres@127.0.0.1:" + writable.port() + ",127.0.0.1:" + readOnly.port()
                + "/postgres?target_session_attrs=read-only";
        try (Database db = builder().url(url).build()) {
            int port = Tx.create(db).readOnly(h -> h.createQuery("select current_setting('port')::int")
                    .mapTo(Integer.class).one());
            assertThat(port).isEqualTo(readOnly.port());
        }
    }

    @Test
    void withoutATargetTheFirstHostServesEvenWhenItIsReadOnly() {
        String url = "postgres://postgres@127.0.0.1:" + readOnly.port() + ",127.0.0.1:" + writable.port() + "/postgres";
        try (Database db = builder().url(url).build()) {
            assertThatThrownBy(() -> writeLandsOn(db))
                    .isInstanceOfSatisfying(TxException.class, e -> assertThat(e.sqlState()).isEqualTo("25006"));
        }
    }

    private static Database.Builder builder() {
        return Database.builder().connectionTimeout(Duration.ofSeconds(2)).maximumPoolSize(1);
    }

    /** Writes a row saying where it landed, and returns that server's port. */
    private static int writeLandsOn(Database db) {
        return Tx.create(db).inTransaction(h -> h.createQuery(
                        "insert into landed(port) values (current_setting('port')::int) returning port")
                .mapTo(Integer.class).one());
    }

    private static List<List<TestServer>> orders() {
        return List.of(List.of(readOnly, writable), List.of(writable, readOnly));
    }
}
