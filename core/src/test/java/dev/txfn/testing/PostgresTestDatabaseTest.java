package dev.txfn.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.PGProperty;

class PostgresTestDatabaseTest {

    @Test
    void sharedReturnsTheSameInstance() {
        assertThat(PostgresTestDatabase.shared()).isSameAs(PostgresTestDatabase.shared());
    }

    @Test
    void runsAQuery() throws SQLException {
        try (Connection connection = PostgresTestDatabase.shared().unpooledDataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void reportsTheServerVersion() {
        assertThat(PostgresTestDatabase.shared().serverVersion()).matches("\\d+(\\.\\d+)?.*");
    }

    @Test
    void terminateBackendsEndsTheNamedSessions() throws SQLException {
        assumeFalse(PostgresTestDatabase.shared().behindTransactionPooler(),
                "behind a transaction-mode pooler: server sessions are the pooler's; application_name and pid name"
                        + " none of the client's");
        PostgresTestDatabase db = PostgresTestDatabase.shared();
        Properties properties = new Properties();
        PGProperty.APPLICATION_NAME.set(properties, "txfn-test-victim");
        try (Connection victim = new org.postgresql.Driver().connect(db.jdbcUrl(), properties)) {
            assertThat(victim.isValid(5)).isTrue();

            assertThat(db.terminateBackends("txfn-test-victim")).isEqualTo(1);

            assertThatThrownBy(() -> {
                try (Statement statement = victim.createStatement()) {
                    statement.executeQuery("select 1").close();
                }
            }).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).satisfiesAnyOf(
                    state -> assertThat(state).startsWith("08"),
                    state -> assertThat(state).isEqualTo("57P01")));
        }
    }

    @Test
    void terminateBackendsSparesOtherSessions() throws SQLException {
        try (Connection admin = PostgresTestDatabase.shared().openAdminConnection()) {
            assertThat(PostgresTestDatabase.shared().terminateBackends("txfn-test-nobody")).isZero();
            assertThat(admin.isValid(5)).isTrue();
        }
    }

    @Test
    void toStringHidesThePassword() {
        PostgresTestDatabase db = PostgresTestDatabase.shared();
        assertThat(db.toString()).contains(db.host()).contains(String.valueOf(db.port()));
        if (!db.password().isEmpty()) {
            assertThat(db.toString()).doesNotContain(db.password());
        }
        PostgresTestDatabase.Address address = PostgresTestDatabase.Address.parse(
                "postgres://app:s3cret-pw@db.example:6543/things");
        assertThat(address.toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void parsesAJdbcUrl() {
        PostgresTestDatabase.Address address = PostgresTestDatabase.Address.parse(
                "jdbc:postgresql://db.example:6543/things?user=app&password=p%40ss&sslmode=require");
        assertThat(address.host()).isEqualTo("db.example");
        assertThat(address.port()).isEqualTo(6543);
        assertThat(address.database()).isEqualTo("things");
        assertThat(address.user()).isEqualTo("app");
        assertThat(address.password()).isEqualTo("p@ss");
        assertThat(address.parameters()).isEqualTo(Map.of("sslmode", "require"));
    }

    @Test
    void parsesAPostgresUri() {
        PostgresTestDatabase.Address address = PostgresTestDatabase.Address.parse(
                "postgres://app:p%40ss+word@db.example/things");
        assertThat(address.host()).isEqualTo("db.example");
        assertThat(address.port()).isEqualTo(5432);
        assertThat(address.database()).isEqualTo("things");
        assertThat(address.user()).isEqualTo("app");
        assertThat(address.password()).isEqualTo("p@ss+word");
        assertThat(address.jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.example:5432/things?user=app&password=p%40ss%2Bword");
    }

    @Test
    void rejectsOtherSchemes() {
        assertThatThrownBy(() -> PostgresTestDatabase.Address.parse("mysql://db.example/things"))
                .isInstanceOf(dev.txfn.InvalidConfigurationException.class)
                .hasMessageContaining("TXFN_TEST_DATABASE_URL");
    }
}
