package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.txfn.testing.PostgresTestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** {@link Database} against the test server. */
class DatabaseConnectionTest {
    private static final String MARKER = "select 'txfn-idle-borrow-marker'";

    private static Database.Builder builder() {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        return Database.builder().host(server.host()).port(server.port()).database(server.database())
                .user(server.user()).password(server.password().isEmpty() ? null : server.password());
    }

    @Test
    void buildingDoesNotConnect() throws IOException {
        int unusedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            unusedPort = socket.getLocalPort();
        }
        try (Database db = Database.builder().host("127.0.0.1").port(unusedPort).user("u")
                .connectionTimeout(Duration.ofMillis(500)).build()) {
            assertThat(db.totalConnections()).isZero();
            assertThatThrownBy(() -> db.dataSource().getConnection().close()).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void connectionIsCountedActiveWhileCheckedOut() throws SQLException {
        try (Database db = builder().build()) {
            assertThat(db.activeConnections()).isZero();
            try (Connection connection = db.dataSource().getConnection()) {
                assertThat(selectOne(connection, "select 1")).isEqualTo("1");
                assertThat(db.activeConnections()).isEqualTo(1);
                assertThat(connection.getAutoCommit()).isTrue();
            }
            assertThat(db.activeConnections()).isZero();
            assertThat(db.idleConnections()).isEqualTo(1);
            assertThat(db.totalConnections()).isEqualTo(1);
        }
    }

    @Test
    void applicationNameIsAnnounced() throws SQLException {
        try (Database db = builder().applicationName("txfn-database-test").build();
                Connection connection = db.dataSource().getConnection()) {
            assertThat(selectOne(connection, "select current_setting('application_name')"))
                    .isEqualTo("txfn-database-test");
        }
    }

    @Test
    void transactionPoolingUsesNoNamedPreparedStatements() throws SQLException {
        try (Database db = builder().transactionPooling(true).build();
                Connection connection = db.dataSource().getConnection()) {
            assertThat(connection.unwrap(PGConnection.class).getPrepareThreshold()).isZero();
        }
        try (Database db = builder().build(); Connection connection = db.dataSource().getConnection()) {
            assertThat(connection.unwrap(PGConnection.class).getPrepareThreshold()).isEqualTo(5);
        }
    }

    @Test
    void evictIdleConnectionsClosesThem() throws SQLException {
        try (Database db = builder().build()) {
            db.dataSource().getConnection().close();
            assertThat(db.idleConnections()).isEqualTo(1);
            db.evictIdleConnections();
            assertThat(db.totalConnections()).isZero();
        }
    }

    @Test
    void closeStopsThePool() throws SQLException {
        Database db = builder().build();
        db.dataSource().getConnection().close();
        db.close();
        db.close();
        assertThat(db.totalConnections()).isZero();
        assertThat(db.toString()).endsWith(", closed]");
        assertThatThrownBy(() -> db.dataSource().getConnection()).isInstanceOf(SQLException.class);
    }

    @Test
    void borrowingAConnectionIdleForLongSendsNoValidationQuery() throws Exception {
        assumeFalse(PostgresTestDatabase.shared().behindTransactionPooler(),
                "behind a transaction-mode pooler: it reads the client's own backend in pg_stat_activity, and the"
                        + " client has none");
        try (Database db = builder().applicationName("txfn-idle-borrow").build()) {
            assertThat(lastQueryAfterIdleBorrow(db.dataSource())).isEqualTo(MARKER);
        }
    }

    @Test
    void plainHikariDoesValidateAfterIdle() throws Exception {
        assumeFalse(PostgresTestDatabase.shared().behindTransactionPooler(),
                "behind a transaction-mode pooler: it reads the client's own backend in pg_stat_activity, and the"
                        + " client has none");
        // The control for the test above: proves that pg_stat_activity shows HikariCP's isValid query.
        try (Database db = builder().build()) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db.jdbcUrl());
            config.setUsername(db.user());
            config.setPassword(PostgresTestDatabase.shared().password());
            config.setMaximumPoolSize(1);
            config.setPoolName("txfn-control");
            try (HikariDataSource plain = new HikariDataSource(config)) {
                assertThat(lastQueryAfterIdleBorrow(plain)).isEmpty(); // isValid() sends an empty query
            }
        }
    }

    @Test
    void useDataSourceLendsConnectionsOfItsOwnWithThePoolsSettings() throws SQLException {
        try (Database db = builder().applicationName("txfn-lent").maximumPoolSize(1).build()) {
            DataSource[] lent = new DataSource[1];
            db.useDataSource(ds -> {
                lent[0] = ds;
                try (Connection first = ds.getConnection(); Connection second = ds.getConnection()) {
                    assertThat(selectOne(first, "select current_setting('application_name')")).isEqualTo("txfn-lent");
                    assertThat(selectOne(second, "select 1")).isEqualTo("1");
                    assertThat(db.totalConnections()).isZero();
                }
            });
            assertThatThrownBy(() -> lent[0].getConnection()).isInstanceOf(SQLException.class)
                    .hasMessageContaining("call is over");
        }
    }

    /** Runs the marker, returns the connection, waits past HikariCP's 500 ms window, borrows it again. */
    private static String lastQueryAfterIdleBorrow(DataSource pool) throws Exception {
        int pid;
        try (Connection connection = pool.getConnection()) {
            pid = connection.unwrap(PGConnection.class).getBackendPID();
            selectOne(connection, MARKER);
        }
        Thread.sleep(700);
        try (Connection connection = pool.getConnection();
                Connection observer = PostgresTestDatabase.shared().unpooledDataSource().getConnection();
                PreparedStatement query = observer.prepareStatement(
                        "select query from pg_stat_activity where pid = ?")) {
            assertThat(connection.unwrap(PGConnection.class).getBackendPID()).isEqualTo(pid);
            query.setInt(1, pid);
            try (ResultSet rs = query.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static String selectOne(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
