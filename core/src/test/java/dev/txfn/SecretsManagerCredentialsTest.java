package dev.txfn;

import dev.txfn.testing.TestServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SecretsManagerCredentials} against a real HTTP server playing the Lambda extension and the Secrets
 * Manager API, with the real AWS SDK client pointed at it. No database.
 */
class SecretsManagerCredentialsTest {
    private static final String MARKER = "txfn-secret-marker-51c0";
    private SecretsEndpoints endpoints;

    @AfterEach
    void stop() {
        if (endpoints != null) {
            endpoints.close();
        }
    }

    private SecretsManagerCredentials source(String secret) {
        endpoints = SecretsEndpoints.start(secret);
        return SecretsManagerCredentials.fromEnv(SecretsEndpoints.SECRET_ID, "secretId", endpoints.environment());
    }

    @Test
    void readsTheSecretThroughTheLambdaExtension() {
        SecretsManagerCredentials source = source(SecretsEndpoints.rdsSecret("app", "pw-1"));
        assertThat(source.get()).isEqualTo(new Credentials("app", "pw-1"));
        assertThat(endpoints.extensionReads).hasValue(1);
        assertThat(endpoints.apiReads).hasValue(0);
    }

    @Test
    void cachesTheSecretBetweenConnections() {
        SecretsManagerCredentials source = source(SecretsEndpoints.rdsSecret("app", "pw-1"));
        source.get();
        endpoints.setSecret(SecretsEndpoints.rdsSecret("app", "pw-2"));
        assertThat(source.get().password()).isEqualTo("pw-1");
        assertThat(endpoints.extensionReads).hasValue(1);
    }

    @Test
    void rereadAfterARefusedPasswordBypassesTheExtensionsCache() {
        SecretsManagerCredentials source = source(SecretsEndpoints.rdsSecret("app", "pw-1"));
        source.get();
        endpoints.freezeExtensionCache();
        endpoints.setSecret(SecretsEndpoints.rdsSecret("app", "pw-2"));
        assertThat(source.passwordRejected()).isTrue();
        assertThat(source.get().password()).isEqualTo("pw-2");
        assertThat(endpoints.apiReads).hasValue(1);
    }

    @Test
    void withoutTheSdkTheRereadAsksTheExtensionAgain() {
        SecretsManagerCredentials source = source(SecretsEndpoints.rdsSecret("app", "pw-1")).withoutSdk();
        source.get();
        source.passwordRejected();
        source.get();
        assertThat(endpoints.extensionReads).hasValue(2);
        assertThat(endpoints.apiReads).hasValue(0);
    }

    @Test
    void readsWithTheSdkWhenNoExtensionAnswers() throws IOException {
        endpoints = SecretsEndpoints.start(SecretsEndpoints.rdsSecret("app", "pw-1"));
        Map<String, String> env = endpoints.environment();
        env.put("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(unusedPort()));
        SecretsManagerCredentials source = SecretsManagerCredentials.fromEnv(SecretsEndpoints.SECRET_ID, "secretId",
                env);
        assertThat(source.get()).isEqualTo(new Credentials("app", "pw-1"));
        assertThat(endpoints.apiReads).hasValue(1);
    }

    @Test
    void keyNamesAreConfigurable() {
        SecretsManagerCredentials source = source("{\"login\":\"app\",\"secret\":\"pw-1\"}")
                .withUsernameKey("login").withPasswordKey("secret");
        assertThat(source.get()).isEqualTo(new Credentials("app", "pw-1"));
    }

    @Test
    void malformedSecretJsonIsATypedErrorThatDoesNotQuoteIt() {
        SecretsManagerCredentials source = source("{\"username\":\"app\",\"password\":" + MARKER + "}");
        CredentialsUnavailableException e = catchThrowableOfType(CredentialsUnavailableException.class, source::get);
        assertThat(e.getMessage()).contains("'" + SecretsEndpoints.SECRET_ID + "'").contains("is not valid JSON");
        assertThat(e.isTransient()).isFalse();
        assertThat(stackTrace(e)).doesNotContain(MARKER);
    }

    @Test
    void secretThatIsNotAnObjectIsATypedError() {
        SecretsManagerCredentials source = source("\"" + MARKER + "\"");
        assertThatThrownBy(source::get).isInstanceOf(CredentialsUnavailableException.class)
                .hasMessageContaining("is not a JSON object").satisfies(e -> assertThat(stackTrace(e))
                        .doesNotContain(MARKER));
    }

    @Test
    void secretWithoutAPasswordKeyNamesTheKey() {
        SecretsManagerCredentials source = source("{\"username\":\"app\",\"pass\":\"" + MARKER + "\"}");
        assertThatThrownBy(source::get).isInstanceOf(CredentialsUnavailableException.class)
                .hasMessageContaining("has no string key 'password'")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(MARKER));
    }

    @Test
    void extensionAnsweringAClientErrorIsFinalAndNamesTheStatus() {
        SecretsManagerCredentials source = source(SecretsEndpoints.rdsSecret("app", MARKER));
        endpoints.extensionAnswers(403);
        CredentialsUnavailableException e = catchThrowableOfType(CredentialsUnavailableException.class, source::get);
        assertThat(e.getMessage()).contains("answered HTTP 403");
        assertThat(e.isTransient()).isFalse();
        assertThat(stackTrace(e)).doesNotContain(MARKER);
    }

    @Test
    void extensionAnsweringAServerErrorMayBeRetried() {
        SecretsManagerCredentials source = source(SecretsEndpoints.rdsSecret("app", "pw-1"));
        endpoints.extensionAnswers(502);
        CredentialsUnavailableException e = catchThrowableOfType(CredentialsUnavailableException.class, source::get);
        assertThat(e.getMessage()).contains("answered HTTP 502");
        assertThat(e.isTransient()).isTrue();
    }

    @Test
    void extensionWithoutTheSessionTokenIsToldWhatIsMissing() {
        endpoints = SecretsEndpoints.start(SecretsEndpoints.rdsSecret("app", "pw-1"));
        Map<String, String> env = endpoints.environment();
        env.remove("AWS_SESSION_TOKEN");
        SecretsManagerCredentials source = SecretsManagerCredentials.fromEnv(SecretsEndpoints.SECRET_ID, "secretId",
                env);
        assertThatThrownBy(source::get).isInstanceOf(CredentialsUnavailableException.class)
                .hasMessageContaining("answered HTTP 401 (is AWS_SESSION_TOKEN set?)");
    }

    @Test
    void silentExtensionWithoutTheSdkSaysItDidNotAnswer() {
        SecretsManagerCredentials source = source(SecretsEndpoints.rdsSecret("app", "pw-1")).withoutSdk();
        endpoints.silenceExtension();
        long started = System.nanoTime();
        CredentialsUnavailableException e = catchThrowableOfType(CredentialsUnavailableException.class, source::get);
        assertThat(e.getMessage()).contains("the Lambda extension did not answer")
                .contains("SocketTimeoutException").contains("not on the class path");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void unknownSecretThroughTheSdkIsFinalAndNamesTheError() {
        endpoints = SecretsEndpoints.start(SecretsEndpoints.rdsSecret("app", "pw-1"));
        SecretsManagerCredentials source = SecretsManagerCredentials.fromEnv("txfn/no-such-secret", "secretId",
                endpoints.environment()).withExtensionPort(0);
        CredentialsUnavailableException e = catchThrowableOfType(CredentialsUnavailableException.class, source::get);
        assertThat(e.getMessage()).contains("'txfn/no-such-secret'").contains("GetSecretValue failed with HTTP 400")
                .contains("ResourceNotFoundException");
        assertThat(e.isTransient()).isFalse();
    }

    @Test
    void toStringNamesTheSecretAndNeverItsValue() {
        SecretsManagerCredentials source = source(SecretsEndpoints.rdsSecret("app", MARKER));
        Credentials credentials = source.get();
        assertThat(source.toString()).contains(SecretsEndpoints.SECRET_ID).doesNotContain(MARKER)
                .doesNotContain(SecretsEndpoints.SESSION_TOKEN);
        assertThat(credentials.toString()).isEqualTo("Credentials[user=app, password=***]");
    }

    @Test
    void poolWhoseExtensionAnswersAClientErrorFailsAtOnceWithTheSourcesReason() {
        SecretsManagerCredentials source = source(SecretsEndpoints.rdsSecret("app", MARKER));
        endpoints.extensionAnswers(404);
        try (Database db = onTestServer(source, Duration.ofSeconds(10))) {
            long started = System.nanoTime();
            Throwable failure = catchThrowable(() -> Tx.create(db).useTransaction(h -> h.execute("select 1")));
            assertThat(failure).isInstanceOf(ConnectionRejectedException.class)
                    .hasMessageStartingWith("Secrets Manager secret '" + SecretsEndpoints.SECRET_ID + "'")
                    .hasMessageContaining("answered HTTP 404")
                    .hasRootCauseInstanceOf(CredentialsUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(stackTrace(failure)).doesNotContain(MARKER);
        }
    }

    @Test
    void poolWhoseExtensionAnswersAServerErrorWaitsItOutThenSaysWhy() {
        SecretsManagerCredentials source = source(SecretsEndpoints.rdsSecret("app", "pw-1"));
        endpoints.extensionAnswers(503);
        try (Database db = onTestServer(source, Duration.ofMillis(600))) {
            Throwable failure = catchThrowable(() -> Tx.create(db).useTransaction(h -> h.execute("select 1")));
            assertThat(failure).isInstanceOf(ConnectionUnavailableException.class)
                    .hasMessageStartingWith("Secrets Manager secret '" + SecretsEndpoints.SECRET_ID + "'")
                    .hasMessageContaining("answered HTTP 503");
            assertThat(endpoints.extensionReads.get()).isGreaterThan(1);
        }
    }

    private static Database onTestServer(CredentialsSource source, Duration connectionTimeout) {
        return Database.builder().host(TestDb.server().host()).port(TestDb.server().port())
                .database(TestDb.server().database()).connectionTimeout(connectionTimeout).credentials(source)
                .build();
    }

    static String stackTrace(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
