package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a security review checks in the deployment templates (template.yaml, and template-container.yaml for the
 * container image with AOT caches), read as text: no password in the functions' environment, credentials read at
 * run time with least privilege, TLS that verifies by default.
 */
class SamTemplateTest {
    private static String template() throws IOException {
        return template("template.yaml");
    }

    private static String template(String file) throws IOException {
        return Files.readString(Path.of(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"template.yaml", "template-container.yaml"})
    void noPasswordOrResolvedSecretReachesTheEnvironment(String file) throws IOException {
        assertThat(template(file)).doesNotContain("PGPASSWORD").doesNotContain("{{resolve:secretsmanager");
    }

    @Test
    void theImageReadsTheSecretWithTheSdkAsContainerImagesTakeNoLayers() throws IOException {
        assertThat(template("template-container.yaml"))
                .contains("TXFN_PASSWORD_SECRET: !If [UseSecret, !Ref PgPasswordSecret, !Ref AWS::NoValue]")
                .contains("TXFN_IAM_AUTH: !If [UseIam, \"true\", !Ref AWS::NoValue]")
                .doesNotContain("Layers:");
    }

    @Test
    void credentialsAreReadAtRunTimeFromTheSecretOrAsIamTokens() throws IOException {
        assertThat(template())
                .contains("TXFN_PASSWORD_SECRET: !If [UseSecret, !Ref PgPasswordSecret, !Ref AWS::NoValue]")
                .contains("TXFN_IAM_AUTH: !If [UseIam, \"true\", !Ref AWS::NoValue]")
                .contains("Layers: !If [UseSecret, [!Ref SecretsExtensionLayerArn], !Ref AWS::NoValue]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"template.yaml", "template-container.yaml"})
    void everyFunctionMayReadOnlyItsSecretOrConnectOnlyAsItsUser(String file) throws IOException {
        String template = template(file);
        long functions = template.lines().filter(l -> l.contains("Type: AWS::Serverless::Function")).count();
        assertThat(functions).isEqualTo(3);
        assertThat(count(template, "AWSSecretsManagerGetSecretValuePolicy:\n              SecretArn: !Ref"
                + " PgPasswordSecret")).isEqualTo(functions);
        assertThat(count(template, "Action: rds-db:connect\n                Resource: !Sub"
                + " \"arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${DbResourceId}/${PgUser}\""))
                .isEqualTo(functions);
        assertThat(template).doesNotContain("SecretsManagerReadWrite").doesNotContain("rds-db:*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"template.yaml", "template-container.yaml"})
    void tlsVerifiesTheServerByDefault(String file) throws IOException {
        assertThat(template(file)).contains("    Default: verify-full\n    AllowedValues: [require, verify-ca,"
                + " verify-full]").contains("PGSSLROOTCERT: !Ref PgSslRootCert");
    }

    private static long count(String text, String part) {
        long n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
