package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What a security review checks in the deployment template, read as text: no password in the functions'
 * environment, credentials read at run time with least privilege, TLS that verifies by default.
 */
class SamTemplateTest {
    private static String template() throws IOException {
        return Files.readString(Path.of("template.yaml"));
    }

    @Test
    void noPasswordOrResolvedSecretReachesTheEnvironment() throws IOException {
        assertThat(template()).doesNotContain("PGPASSWORD").doesNotContain("{{resolve:secretsmanager");
    }

    @Test
    void credentialsAreReadAtRunTimeFromTheSecretOrAsIamTokens() throws IOException {
        assertThat(template())
                .contains("TXFN_PASSWORD_SECRET: !If [UseSecret, !Ref PgPasswordSecret, !Ref AWS::NoValue]")
                .contains("TXFN_IAM_AUTH: !If [UseIam, \"true\", !Ref AWS::NoValue]")
                .contains("Layers: !If [UseSecret, [!Ref SecretsExtensionLayerArn], !Ref AWS::NoValue]");
    }

    @Test
    void everyFunctionMayReadOnlyItsSecretOrConnectOnlyAsItsUser() throws IOException {
        String template = template();
        long functions = template.lines().filter(l -> l.contains("Type: AWS::Serverless::Function")).count();
        assertThat(functions).isEqualTo(3);
        assertThat(count(template, "AWSSecretsManagerGetSecretValuePolicy:\n              SecretArn: !Ref"
                + " PgPasswordSecret")).isEqualTo(functions);
        assertThat(count(template, "Action: rds-db:connect\n                Resource: !Sub"
                + " \"arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${DbResourceId}/${PgUser}\""))
                .isEqualTo(functions);
        assertThat(template).doesNotContain("SecretsManagerReadWrite").doesNotContain("rds-db:*");
    }

    @Test
    void tlsVerifiesTheServerByDefault() throws IOException {
        assertThat(template()).contains("    Default: verify-full\n    AllowedValues: [require, verify-ca,"
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
