package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.txfn.internal.RdsIamCredentials;
import dev.txfn.internal.SecretReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * RDS IAM authentication: what refuses to build, and the token the AWS SDK's {@code RdsUtilities} makes (it signs
 * locally, so no AWS endpoint is needed). Logging in with a token needs RDS itself and is not tested here.
 */
class IamAuthenticationTest {
    private static final String MARKER = "txfn-aws-secret-key-marker-9d2e";

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("PGHOST", "db.example.com", "PGUSER", "app",
                "PGSSLMODE", "verify-full", "TXFN_IAM_AUTH", "true", "AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "AKIDTXFNTEST", "AWS_SECRET_ACCESS_KEY", MARKER));
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                env.remove(pairs[i]);
            } else {
                env.put(pairs[i], pairs[i + 1]);
            }
        }
        return env;
    }

    @Test
    void fromEnvWithoutARegionIsRefusedNamingAwsRegion() {
        assertThatThrownBy(() -> Database.fromEnv(env("AWS_REGION", null)))
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("AWS_REGION"))
                .hasMessage("AWS_REGION: is required with TXFN_IAM_AUTH=true");
    }

    @Test
    void sslModeDisableIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> Database.fromEnv(env("PGSSLMODE", "disable")))
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("PGSSLMODE"))
                .hasMessageContaining("must be require, verify-ca or verify-full with IAM authentication")
                .hasMessageContaining("was 'disable'");
    }

    @Test
    void unsetSslModeIsRefusedBecauseTheDriverDefaultMayNotEncrypt() {
        assertThatThrownBy(() -> Database.builder().host("db.example.com").user("app")
                .iamAuthentication("eu-west-1").build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("sslMode"))
                .hasMessageContaining("was unset (prefer)");
    }

    @Test
    void blankRegionIsRefused() {
        assertThatThrownBy(() -> Database.builder().host("db.example.com").user("app").sslMode("require")
                .iamAuthentication(" ").build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("iamAuthentication"));
    }

    @Test
    void aPasswordBesideIamAuthenticationIsRefused() {
        assertThatThrownBy(() -> Database.fromEnv(env("PGPASSWORD", MARKER)))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("TXFN_IAM_AUTH: cannot be combined with a password")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(MARKER));
    }

    @Test
    void iamAuthenticationBesideASecretIsRefused() {
        assertThatThrownBy(() -> Database.fromEnv(env("TXFN_PASSWORD_SECRET", "prod/db")))
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("TXFN_IAM_AUTH"));
    }

    @Test
    void unknownTxfnIamAuthValueIsRefused() {
        assertThatThrownBy(() -> Database.fromEnv(env("TXFN_IAM_AUTH", "yes")))
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("TXFN_IAM_AUTH"));
    }

    @Test
    void tokenIsTheSdksSignedConnectRequestForTheEndpointAndUser() {
        RdsIamCredentials source = new RdsIamCredentials("db.example.com", 5432, "app", "eu-west-1",
                SecretReader.AwsKeys.of("AKIDTXFNTEST", MARKER, null), System::nanoTime);
        Credentials credentials = source.get();
        assertThat(credentials.user()).isEqualTo("app");
        assertThat(credentials.password()).startsWith("db.example.com:5432/?")
                .contains("Action=connect").contains("DBUser=app").contains("X-Amz-Credential=AKIDTXFNTEST")
                .contains("eu-west-1%2Frds-db%2Faws4_request").contains("X-Amz-Signature=")
                .doesNotContain(MARKER);
        assertThat(source.toString()).isEqualTo("RDS IAM authentication for app@db.example.com:5432 in eu-west-1");
        assertThat(credentials.toString()).doesNotContain(credentials.password());
    }

    @Test
    void tokenIsReusedWhileYoungerThanTenMinutes() {
        AtomicLong now = new AtomicLong(0);
        RdsIamCredentials source = new RdsIamCredentials("db.example.com", 5432, "app", "eu-west-1",
                SecretReader.AwsKeys.of("AKIDTXFNTEST", MARKER, null), now::get);
        String first = source.get().password();
        now.set(Duration.ofMinutes(10).toNanos() - 1);
        assertThat(source.get().password()).isSameAs(first);
        now.set(Duration.ofMinutes(10).toNanos());
        assertThat(source.get().password()).isNotSameAs(first);
    }

    @Test
    void refusedTokenIsDroppedButNotRetried() {
        AtomicLong now = new AtomicLong(0);
        RdsIamCredentials source = new RdsIamCredentials("db.example.com", 5432, "app", "eu-west-1",
                SecretReader.AwsKeys.of("AKIDTXFNTEST", MARKER, null), now::get);
        String first = source.get().password();
        assertThat(source.passwordRejected()).isFalse();
        assertThat(source.get().password()).isNotSameAs(first);
    }

    @Test
    void fromEnvBuildsAnIamPoolThatNeverShowsTheAwsSecretKey() {
        try (Database db = Database.fromEnv(env())) {
            assertThat(db.user()).isEqualTo("app");
            assertThat(db.toString()).doesNotContain(MARKER);
            assertThat(db.jdbcUrl()).doesNotContain(MARKER).contains("sslmode=verify-full");
        }
    }

    @Test
    void failedIamConnectionNeverShowsTheKeyOrTheToken() {
        PostgresTestDatabaseAddress server = PostgresTestDatabaseAddress.shared();
        // The test server has no TLS: sslmode=require fails after the token was made and sent for.
        String logged = StandardErrorCapture.during(() -> {
            try (Database db = Database.fromEnv(env("PGHOST", server.host(), "PGPORT",
                    Integer.toString(server.port()), "PGSSLMODE", "require", "TXFN_CONNECTION_TIMEOUT_MS", "1000"))) {
                Throwable failure = catchThrowable(() -> Tx.builder(db).listener(TxListener.logging()).build()
                        .useTransaction(h -> h.execute("select 1")));
                assertThat(failure).isInstanceOf(ConnectionRejectedException.class);
                assertThat(SecretsManagerCredentialsTest.stackTrace(failure)).doesNotContain(MARKER)
                        .doesNotContain("X-Amz-Signature");
            }
        });
        assertThat(logged).doesNotContain(MARKER).doesNotContain("X-Amz-Signature");
    }

    /** The shared test server's address. */
    private record PostgresTestDatabaseAddress(String host, int port) {
        static PostgresTestDatabaseAddress shared() {
            return new PostgresTestDatabaseAddress(TestDb.server().host(), TestDb.server().port());
        }
    }
}
