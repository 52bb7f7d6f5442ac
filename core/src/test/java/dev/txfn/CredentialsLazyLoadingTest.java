package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A deployment with a static password loads nothing of the credentials sources: no AWS SDK, no Jackson, no HTTP
 * client; and building a pool whose credentials come from a secret or IAM loads none of it either, until the
 * first connection. Checked in a fresh JVM with {@code -verbose:class}.
 */
class CredentialsLazyLoadingTest {
    private static final List<String> NEVER_LOADED = List.of("software.amazon.awssdk.", "com.fasterxml.jackson.",
            "sun.net.www.protocol.http.HttpURLConnection", "dev.txfn.internal.SdkSecretClient",
            "dev.txfn.internal.RdsTokenGenerator", "dev.txfn.internal.SecretJson", "dev.txfn.internal.LambdaExtension");

    @Test
    void staticPasswordLoadsNoSdkJacksonOrHttpClassesAndNeitherDoesBuildingTheOtherSources() throws Exception {
        List<String> lines = runProbe().lines().toList();
        assertThat(lines).contains(StaticPasswordProbe.DONE + " app app");
        List<String> staticPart = lines.subList(0, lines.indexOf("txfn-probe-static-done"));
        assertThat(loaded(staticPart, "dev.txfn.Database ")).hasSize(1);
        assertThat(loaded(staticPart, "dev.txfn.internal.PoolCredentials")).isEmpty();
        assertThat(loaded(staticPart, "dev.txfn.SecretsManagerCredentials")).isEmpty();
        for (String prefix : NEVER_LOADED) {
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
        builder.environment().put("DATABASE_URL", TestDb.server().jdbcUrl());
        builder.environment().remove("AWS_LAMBDA_FUNCTION_NAME");
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text.substring(Math.max(0, text.length() - 3000))).isZero();
        return text;
    }
}
