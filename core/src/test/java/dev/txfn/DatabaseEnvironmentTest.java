package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Database#fromEnv(Map)}. Building never connects, so no server is needed. */
class DatabaseEnvironmentTest {

    @Test
    void databaseUrlGivesEverything() {
        try (Database db = Database.fromEnv(Map.of(
                "DATABASE_URL", "postgres://app:pw@db.example.com:6432/orders?sslmode=verify-full"))) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://db.example.com:6432/orders?")
                    .contains("sslmode=verify-full");
            assertThat(db.user()).isEqualTo("app");
            assertThat(hikari(db).getPassword()).isEqualTo("pw");
        }
    }

    @Test
    void jdbcDatabaseUrlIsAccepted() {
        try (Database db = Database.fromEnv(Map.of("DATABASE_URL", "jdbc:postgresql://h/d?user=u&password=pw"))) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h:5432/d?");
            assertThat(db.user()).isEqualTo("u");
        }
    }

    @Test
    void libpqVariablesWithoutDatabaseUrl() {
        try (Database db = Database.fromEnv(Map.of("PGHOST", "h", "PGPORT", "6543", "PGDATABASE", "d",
                "PGUSER", "u", "PGPASSWORD", "pw", "PGSSLMODE", "require", "PGAPPNAME", "orders"))) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h:6543/d?").contains("sslmode=require");
            assertThat(db.user()).isEqualTo("u");
            assertThat(db.applicationName()).isEqualTo("orders");
            assertThat(hikari(db).getPassword()).isEqualTo("pw");
        }
    }

    @Test
    void libpqDefaultsAreLocalhostPort5432AndTheUserAsDatabase() {
        try (Database db = Database.fromEnv(Map.of("PGUSER", "alice"))) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://localhost:5432/alice?");
            assertThat(hikari(db).getPassword()).isNull();
        }
    }

    @Test
    void libpqVariablesFillInWhatTheUrlLeavesOut() {
        try (Database db = Database.fromEnv(Map.of("DATABASE_URL", "postgres://app@h/d",
                "PGPASSWORD", "from-env", "PGHOST", "ignored", "PGSSLMODE", "require"))) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h:5432/d?").contains("sslmode=require");
            assertThat(hikari(db).getPassword()).isEqualTo("from-env");
        }
    }

    @Test
    void emptyVariablesCountAsUnset() {
        try (Database db = Database.fromEnv(Map.of("DATABASE_URL", "", "PGUSER", "u", "PGPORT", "",
                "TXFN_POOLING", ""))) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://localhost:5432/u?");
        }
    }

    @Test
    void lambdaTuningWhenRunningInLambda() {
        try (Database db = Database.fromEnv(Map.of("PGUSER", "u", "AWS_LAMBDA_FUNCTION_NAME", "orders-api"))) {
            assertThat(db.isLambda()).isTrue();
            assertThat(db.maximumPoolSize()).isEqualTo(1);
            assertThat(db.applicationName()).isEqualTo("orders-api");
            HikariDataSource hikari = hikari(db);
            assertThat(hikari.getMinimumIdle()).isZero();
            assertThat(hikari.getConnectionTimeout()).isEqualTo(3_000);
            assertThat(hikari.getIdleTimeout()).isEqualTo(300_000);
            assertThat(hikari.getMaxLifetime()).isEqualTo(600_000);
            assertThat(hikari.getDataSourceProperties().getProperty("connectTimeout")).isEqualTo("3");
        }
    }

    @Test
    void serverTuningOutsideLambda() {
        try (Database db = Database.fromEnv(Map.of("PGUSER", "u", "AWS_LAMBDA_FUNCTION_NAME", ""))) {
            assertThat(db.isLambda()).isFalse();
            assertThat(db.maximumPoolSize()).isEqualTo(10);
            assertThat(db.applicationName()).isEqualTo("txfn");
            HikariDataSource hikari = hikari(db);
            assertThat(hikari.getMinimumIdle()).isZero();
            assertThat(hikari.getConnectionTimeout()).isEqualTo(10_000);
            assertThat(hikari.getIdleTimeout()).isEqualTo(600_000);
            assertThat(hikari.getMaxLifetime()).isEqualTo(1_800_000);
            assertThat(hikari.getDataSourceProperties().getProperty("connectTimeout")).isEqualTo("10");
        }
    }

    @Test
    void txfnVariablesOverrideTheTuning() {
        try (Database db = Database.fromEnv(Map.of("PGUSER", "u", "AWS_LAMBDA_FUNCTION_NAME", "f",
                "TXFN_MAX_POOL_SIZE", "4", "TXFN_CONNECTION_TIMEOUT_MS", "1500", "TXFN_POOLING", "transaction"))) {
            assertThat(db.maximumPoolSize()).isEqualTo(4);
            assertThat(db.transactionPooling()).isTrue();
            assertThat(hikari(db).getConnectionTimeout()).isEqualTo(1_500);
            assertThat(hikari(db).getDataSourceProperties().getProperty("connectTimeout")).isEqualTo("2");
            assertThat(hikari(db).getDataSourceProperties().getProperty("prepareThreshold")).isEqualTo("0");
        }
    }

    @Test
    void sessionPoolingIsTheDefault() {
        try (Database db = Database.fromEnv(Map.of("PGUSER", "u", "TXFN_POOLING", "session"))) {
            assertThat(db.transactionPooling()).isFalse();
            assertThat(hikari(db).getDataSourceProperties().getProperty("prepareThreshold")).isNull();
        }
    }

    @Test
    void pghostAndPgportListsGiveSeveralHosts() {
        try (Database db = Database.fromEnv(Map.of("PGHOST", "h1,h2", "PGPORT", "5432,5433", "PGUSER", "u",
                "PGTARGETSESSIONATTRS", "read-write"))) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h1:5432,h2:5433/u?")
                    .contains("targetServerType=primary");
        }
    }

    @Test
    void onePgportServesEveryHost() {
        try (Database db = Database.fromEnv(Map.of("PGHOST", "h1,h2", "PGPORT", "6000", "PGUSER", "u"))) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h1:6000,h2:6000/u?");
        }
        try (Database db = Database.fromEnv(Map.of("DATABASE_URL", "postgres://u@h1,h2/d", "PGPORT", "6000"))) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h1:6000,h2:6000/d?");
        }
    }

    @Test
    void urlTargetWinsOverPgtargetsessionattrs() {
        try (Database db = Database.fromEnv(Map.of("DATABASE_URL", "postgres://u@h1,h2/d?target_session_attrs=any",
                "PGTARGETSESSIONATTRS", "read-write"))) {
            assertThat(hikari(db).getDataSourceProperties().getProperty("targetServerType")).isEqualTo("any");
        }
    }

    @Test
    void pgportListLongerThanThePghostListNamesPgport() {
        assertInvalid(Map.of("PGHOST", "h1,h2", "PGPORT", "1,2,3", "PGUSER", "u"), "PGPORT",
                "gives 3 ports for 2 hosts; give one port, or one per host");
    }

    @Test
    void badPgtargetsessionattrsNamesTheVariable() {
        assertInvalid(with("PGTARGETSESSIONATTRS", "writable"), "PGTARGETSESSIONATTRS", "was 'writable'");
    }

    @Test
    void nothingConfiguredNamesDatabaseUrl() {
        assertInvalid(Map.of(), "DATABASE_URL", "neither is PGUSER");
    }

    @Test
    void urlWithoutUserAndNoPguserNamesDatabaseUrl() {
        assertInvalid(Map.of("DATABASE_URL", "postgres://h/d"), "DATABASE_URL", "names no user");
    }

    @Test
    void unknownSchemeNamesDatabaseUrl() {
        assertInvalid(Map.of("DATABASE_URL", "mysql://u@h/d"), "DATABASE_URL", "unsupported scheme");
    }

    @Test
    void nonNumericPortNamesPgport() {
        assertInvalid(with("PGPORT", "fivefour"), "PGPORT", "must be a number between 1 and 65535, was 'fivefour'");
    }

    @Test
    void portOutOfRangeNamesPgport() {
        assertInvalid(with("PGPORT", "70000"), "PGPORT", "must be between 1 and 65535, was 70000");
    }

    @Test
    void badSslmodeNamesPgsslmode() {
        assertInvalid(with("PGSSLMODE", "always"), "PGSSLMODE", "was 'always'");
    }

    @Test
    void unixSocketPghostIsRejected() {
        assertInvalid(with("PGHOST", "/var/run/postgresql"), "PGHOST", "Unix-domain sockets are not supported");
    }

    @Test
    void poolSizeBelowOneNamesTheVariable() {
        assertInvalid(with("TXFN_MAX_POOL_SIZE", "0"), "TXFN_MAX_POOL_SIZE", "must be at least 1, was 0");
    }

    @Test
    void nonNumericPoolSizeNamesTheVariable() {
        assertInvalid(with("TXFN_MAX_POOL_SIZE", "ten"), "TXFN_MAX_POOL_SIZE", "was 'ten'");
    }

    @Test
    void tooShortConnectionTimeoutNamesTheVariable() {
        assertInvalid(with("TXFN_CONNECTION_TIMEOUT_MS", "100"), "TXFN_CONNECTION_TIMEOUT_MS",
                "must be at least 250 ms, was 100 ms");
    }

    @Test
    void unknownPoolingModeNamesTheVariable() {
        assertInvalid(with("TXFN_POOLING", "statement"), "TXFN_POOLING",
                "must be 'session' or 'transaction', was 'statement'");
    }

    @Test
    void passwordSecretIsReadPerConnectionNotWhenBuilding() {
        // Nothing answers on port 1: building must not try.
        try (Database db = Database.fromEnv(Map.of("DATABASE_URL", "postgres://db.example.com/orders",
                "TXFN_PASSWORD_SECRET", "prod/orders-db", "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "1"))) {
            assertThat(hikari(db).getCredentialsProvider()).hasToString("Secrets Manager secret 'prod/orders-db'"
                    + " (Lambda extension on 127.0.0.1:1, else AWS SDK)");
            assertThat(hikari(db).getPassword()).isNull();
            assertThat(db.user()).isNull();
        }
    }

    @Test
    void passwordSecretBesideAPasswordIsRefused() {
        assertInvalid(Map.of("PGUSER", "u", "PGPASSWORD", "pw", "TXFN_PASSWORD_SECRET", "prod/db"),
                "TXFN_PASSWORD_SECRET", "cannot be combined with a password");
    }

    @Test
    void passwordSecretWithoutUserOrDatabaseNamesTheDatabase() {
        assertInvalid(Map.of("PGHOST", "h", "TXFN_PASSWORD_SECRET", "prod/db"), "database",
                "is required when the user name comes from the credentials source");
    }

    @Test
    void malformedExtensionPortNamesTheVariable() {
        assertInvalid(Map.of("PGUSER", "u", "TXFN_PASSWORD_SECRET", "prod/db",
                "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "http"), "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
                "must be a port between 1 and 65535, was 'http'");
    }

    @Test
    void staticPasswordPoolHasNoCredentialsProvider() {
        try (Database db = Database.fromEnv(Map.of("PGUSER", "u", "PGPASSWORD", "pw"))) {
            assertThat(hikari(db).getCredentialsProvider()).isNull();
        }
    }

    private static Map<String, String> with(String variable, String value) {
        Map<String, String> env = new HashMap<>();
        env.put("PGUSER", "u");
        env.put(variable, value);
        return env;
    }

    private static void assertInvalid(Map<String, String> env, String setting, String problem) {
        assertThatThrownBy(() -> Database.fromEnv(env))
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo(setting))
                .hasMessageContaining(problem);
    }

    private static HikariDataSource hikari(Database db) {
        return (HikariDataSource) db.dataSource();
    }
}
