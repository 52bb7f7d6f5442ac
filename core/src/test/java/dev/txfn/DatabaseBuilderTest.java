package dev.txfn;

import dev.txfn.testing.TestCertificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.txfn.internal.PoolStarter;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Database.Builder}: tuning and validation. Building never connects, so no server is needed. */
class DatabaseBuilderTest {

    private static Database.Builder base() {
        return Database.builder().host("db.example.com").user("u");
    }

    @Test
    void poolIsTunedForTxfnInEveryEnvironment() {
        for (boolean lambda : new boolean[] {true, false}) {
            try (Database db = base().lambda(lambda).build()) {
                HikariDataSource hikari = hikari(db);
                assertThat(hikari.isAutoCommit()).isTrue();
                assertThat(hikari.getInitializationFailTimeout()).isEqualTo(-1);
                assertThat(hikari.getConnectionTestQuery()).isNull();
                assertThat(hikari.getKeepaliveTime()).isZero();
                assertThat(hikari.getMinimumIdle()).isZero();
                assertThat(hikari.getPoolName()).isEqualTo("txfn");
                Properties properties = hikari.getDataSourceProperties();
                assertThat(properties.getProperty("assumeMinServerVersion")).isEqualTo("10");
                assertThat(properties.getProperty("tcpKeepAlive")).isEqualTo("true");
                assertThat(properties.getProperty("ApplicationName")).isEqualTo("txfn");
                assertThat(properties.getProperty("sslmode")).isNull();
            }
        }
    }

    @Test
    void lambdaDefaults() {
        try (Database db = base().lambda(true).build()) {
            assertThat(db.isLambda()).isTrue();
            assertThat(db.maximumPoolSize()).isEqualTo(1);
            assertThat(hikari(db).getConnectionTimeout()).isEqualTo(3_000);
            assertThat(hikari(db).getIdleTimeout()).isEqualTo(300_000);
            assertThat(hikari(db).getMaxLifetime()).isEqualTo(600_000);
        }
    }

    @Test
    void serverDefaults() {
        try (Database db = base().lambda(false).build()) {
            assertThat(db.isLambda()).isFalse();
            assertThat(db.maximumPoolSize()).isEqualTo(10);
            assertThat(hikari(db).getConnectionTimeout()).isEqualTo(10_000);
            assertThat(hikari(db).getIdleTimeout()).isEqualTo(600_000);
            assertThat(hikari(db).getMaxLifetime()).isEqualTo(1_800_000);
        }
    }

    @Test
    void lambdaIsDetectedFromTheProcessEnvironment() {
        // Surefire sets AWS_LAMBDA_FUNCTION_NAME to empty for the tests.
        try (Database db = base().build()) {
            assertThat(db.isLambda()).isFalse();
        }
    }

    @Test
    void explicitSettingsOverrideTheDefaults(@TempDir Path directory) throws IOException {
        String caFile = TestCertificates.authority("builder test CA").writeCertificate(directory.resolve("ca.pem"))
                .toString();
        try (Database db = base().lambda(true).maximumPoolSize(3).connectionTimeout(Duration.ofMillis(1_200))
                .idleTimeout(Duration.ofSeconds(20)).maxLifetime(Duration.ZERO).applicationName("orders")
                .sslMode("verify-full").property("sslrootcert", caFile).property("prepareThreshold", "3")
                .build()) {
            HikariDataSource hikari = hikari(db);
            assertThat(hikari.getMaximumPoolSize()).isEqualTo(3);
            assertThat(hikari.getConnectionTimeout()).isEqualTo(1_200);
            assertThat(hikari.getIdleTimeout()).isEqualTo(20_000);
            assertThat(hikari.getMaxLifetime()).isZero();
            Properties properties = hikari.getDataSourceProperties();
            assertThat(properties.getProperty("connectTimeout")).isEqualTo("2");
            assertThat(properties.getProperty("ApplicationName")).isEqualTo("orders");
            assertThat(properties.getProperty("sslmode")).isEqualTo("verify-full");
            assertThat(properties.getProperty("sslrootcert")).isEqualTo(caFile);
            assertThat(properties.getProperty("prepareThreshold")).isEqualTo("3");
            assertThat(db.applicationName()).isEqualTo("orders");
        }
    }

    @Test
    void transactionPoolingDisablesNamedPreparedStatements() {
        try (Database db = base().transactionPooling(true).build()) {
            assertThat(db.transactionPooling()).isTrue();
            assertThat(hikari(db).getDataSourceProperties().getProperty("prepareThreshold")).isEqualTo("0");
            assertThat(db.toString()).contains("pooling=transaction");
        }
    }

    @Test
    void jdbcUrlHasNoCredentialsButTheDriverProperties() {
        try (Database db = base().password("pw").port(6543).database("orders").build()) {
            assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/orders?ApplicationName=txfn"
                    + "&assumeMinServerVersion=10&tcpKeepAlive=true&logServerErrorDetail=false&connectTimeout=10");
        }
    }

    @Test
    void toStringShowsWhereAndHow() {
        try (Database db = base().lambda(true).build()) {
            assertThat(db).hasToString("Database[host=db.example.com, port=5432, database=u, user=u,"
                    + " pooling=session, maximumPoolSize=1, lambda=true]");
        }
    }

    @Test
    void poolSizeBelowOne() {
        assertInvalid(b -> b.maximumPoolSize(0), "maximumPoolSize", "must be at least 1, was 0");
    }

    @Test
    void portOutOfRange() {
        assertInvalid(b -> b.port(0), "port", "must be between 1 and 65535, was 0");
        assertInvalid(b -> b.port(65536), "port", "must be between 1 and 65535, was 65536");
    }

    @Test
    void connectionTimeoutBelow250Ms() {
        assertInvalid(b -> b.connectionTimeout(Duration.ofMillis(100)), "connectionTimeout",
                "must be at least 250 ms, was 100 ms");
        assertInvalid(b -> b.connectionTimeout(Duration.ZERO), "connectionTimeout", "must be at least 250 ms");
    }

    @Test
    void idleTimeoutBelow10Seconds() {
        assertInvalid(b -> b.idleTimeout(Duration.ofSeconds(5)), "idleTimeout",
                "must be 0 (never) or at least 10000 ms, was 5000 ms");
    }

    @Test
    void maxLifetimeBelow30Seconds() {
        assertInvalid(b -> b.maxLifetime(Duration.ofSeconds(10)), "maxLifetime",
                "must be 0 (never) or at least 30000 ms, was 10000 ms");
    }

    @Test
    void negativeDurations() {
        assertInvalid(b -> b.idleTimeout(Duration.ofSeconds(-1)), "idleTimeout", "was -1000 ms");
    }

    @Test
    void idleTimeoutNotBelowMaxLifetime() {
        assertInvalid(b -> b.idleTimeout(Duration.ofMinutes(10)).maxLifetime(Duration.ofMinutes(10)),
                "idleTimeout", "must be at most maxLifetime - 1 s (599000 ms), was 600000 ms");
    }

    @Test
    void badSslMode() {
        assertInvalid(b -> b.sslMode("REQUIRE"), "sslMode", "must be one of disable, allow, prefer, require,"
                + " verify-ca, verify-full, was 'REQUIRE'");
    }

    @Test
    void missingUser() {
        assertThatThrownBy(() -> Database.builder().host("h").build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("user"))
                .hasMessageContaining("is required");
    }

    @Test
    void blankHostDatabaseAndApplicationName() {
        assertInvalid(b -> b.host(" "), "host", "must be a host name or IP address");
        assertInvalid(b -> b.database(""), "database", "must not be empty");
        assertInvalid(b -> b.applicationName(""), "applicationName", "must not be empty");
    }

    @Test
    void credentialsAsPropertiesAreRejected() {
        assertInvalid(b -> b.property("password", "pw"), "property", "use password(String)");
        assertInvalid(b -> b.property("sslmode", "require"), "property", "use sslMode(String)");
    }

    @Test
    void borrowValidationIsSwitchedOffForThisPoolOnly() throws ReflectiveOperationException {
        String property = PoolStarter.ALIVE_BYPASS_PROPERTY;
        assertThat(System.getProperty(property)).isNull();
        try (Database db = base().build()) {
            assertThat(aliveBypassWindowMs(db)).isEqualTo(PoolStarter.NEVER_VALIDATE_MS);
        }
        assertThat(System.getProperty(property)).isNull();
        System.setProperty(property, "123");
        try (Database db = base().build()) {
            assertThat(aliveBypassWindowMs(db)).isEqualTo(PoolStarter.NEVER_VALIDATE_MS);
            assertThat(System.getProperty(property)).isEqualTo("123");
        } finally {
            System.clearProperty(property);
        }
    }

    private static long aliveBypassWindowMs(Database db) throws ReflectiveOperationException {
        Object pool = hikari(db).getHikariPoolMXBean();
        Field field = pool.getClass().getDeclaredField("aliveBypassWindowMs");
        field.setAccessible(true);
        return field.getLong(pool);
    }

    private static void assertInvalid(UnaryOperator<Database.Builder> configure, String setting, String problem) {
        assertThatThrownBy(() -> configure.apply(base()).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(setting))
                .hasMessageContaining(problem);
    }

    private static HikariDataSource hikari(Database db) {
        return (HikariDataSource) db.dataSource();
    }
}
