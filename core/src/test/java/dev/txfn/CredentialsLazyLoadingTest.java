package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txfn.testing.PostgresTestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A deployment with a static password loads nothing of the credentials sources: no AWS SDK, no Jackson, no HTTP
 * client; building a pool whose credentials come from a secret or IAM loads none of it either, until the first
 * connection; and reading a secret through the Lambda extension loads no AWS SDK class. Checked in a fresh JVM
 * with {@code -verbose:class}.
 */
class CredentialsLazyLoadingTest {
    private static final List<String> NEVER_LOADED_WITH_A_STATIC_PASSWORD = List.of("software.amazon.awssdk.",
            "com.fasterxml.jackson.", "sun.net.www.protocol.http.HttpURLConnection", "dev.txfn.internal.SdkSecretClient",
            "dev.txfn.internal.RdsTokenGenerator", "dev.txfn.internal.SecretJson", "dev.txfn.internal.LambdaExtension",
            "dev.txfn.internal.PoolCredentials", "dev.txfn.SecretsManagerCredentials");
    private static final List<String> NEVER_LOADED_THROUGH_THE_EXTENSION = List.of("software.amazon.awssdk.",
            "dev.txfn.internal.SdkSecretClient", "dev.txfn.internal.RdsTokenGenerator");

    @Test
    void staticPasswordLoadsNoCredentialsClassesAndTheExtensionPathNoSdkClasses() throws Exception {
        List<String> lines = runProbe().lines().toList();
        assertThat(lines).contains("built app app", StaticPasswordProbe.DONE);
        List<String> staticPart = lines.subList(0, lines.indexOf(StaticPasswordProbe.STATIC_DONE));
        List<String> builtPart = lines.subList(0, lines.indexOf("built app app"));
        assertThat(loaded(staticPart, "dev.txfn.Database ")).hasSize(1);
        for (String prefix : NEVER_LOADED_WITH_A_STATIC_PASSWORD) {
            assertThat(loaded(staticPart, prefix)).isEmpty();
        }
        for (String prefix : List.of("software.amazon.awssdk.", "com.fasterxml.jackson.", "dev.txfn.internal.Sdk",
                "dev.txfn.internal.RdsTokenGenerator")) {
            assertThat(loaded(builtPart, prefix)).isEmpty();
        }
        assertThat(loaded(lines, "com.fasterxml.jackson.")).isNotEmpty();
        for (String prefix : NEVER_LOADED_THROUGH_THE_EXTENSION) {
            assertThat(loaded(lines, prefix)).isEmpty();
        }
    }

    /** The class-loading lines of classes whose name starts with {@code prefix}. */
    private static List<String> loaded(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.contains("[class,load] " + prefix)).toList();
    }

    private static String runProbe() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-verbose:class", "-cp",
                System.getProperty("java.class.path"), StaticPasswordProbe.class.getName())
                .redirectErrorStream(true);
        PostgresTestDatabase server = TestDb.server();
        Map<String, String> env = builder.environment();
        env.put("DATABASE_URL", server.jdbcUrl());
        env.put("PROBE_HOST", server.host());
        env.put("PROBE_PORT", Integer.toString(server.port()));
        env.put("PROBE_DATABASE", server.database());
        env.put("PROBE_USER", server.user());
        env.put("PROBE_PASSWORD", server.password());
        env.remove("AWS_LAMBDA_FUNCTION_NAME");
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text.substring(Math.max(0, text.length() - 3000))).isZero();
        return text;
    }
}
