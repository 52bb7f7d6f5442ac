package dev.txfn;

import dev.txfn.testing.TestCertificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.txfn.internal.ClasspathCaSocketFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA bundle ({@code sslrootcert}, {@code PGSSLROOTCERT}, {@link Database.Builder#sslRootCert(String)}) is
 * checked when the pool is built, as a file or as a classpath resource. Building never connects.
 */
class TlsConfigurationTest {
    /** Stands for whatever a misplaced file holds: a message must never quote it. */
    private static final String CONTENT_MARKER = "Pr1vateContent";

    @TempDir
    static Path directory;
    private static ClasspathResources resources;
    private static String caFile;
    private static String caResource;
    private static String notPemResource;

    @BeforeAll
    static void writeBundles() throws IOException {
        TestCertificates ca = TestCertificates.authority("configuration test CA");
        caFile = ca.writeCertificate(directory.resolve("ca.pem")).toString();
        Path classpath = Files.createDirectory(directory.resolve("classpath"));
        resources = new ClasspathResources(classpath);
        caResource = resources.add("ca", ca.certificatePem());
        notPemResource = resources.add("not-pem", "-----BEGIN CERTIFICATE-----\n" + CONTENT_MARKER + "\n");
    }

    @AfterAll
    static void closeResources() throws IOException {
        resources.close();
    }

    private static Database.Builder verifyFull() {
        return Database.builder().host("db.example.com").user("u").sslMode("verify-full");
    }

    @Test
    void caFileIsHandedToPgjdbc() {
        try (Database db = verifyFull().sslRootCert(caFile).build()) {
            assertThat(properties(db).getProperty("sslrootcert")).isEqualTo(caFile);
            assertThat(properties(db).getProperty("sslfactory")).isNull();
        }
    }

    @Test
    void classpathCaIsServedByTxfnsSocketFactory() {
        try (Database db = build(verifyFull().sslRootCert("classpath:" + caResource))) {
            Properties properties = properties(db);
            assertThat(properties.getProperty("sslfactory")).isEqualTo(ClasspathCaSocketFactory.class.getName());
            assertThat(properties.getProperty("sslfactoryarg")).isEqualTo(caResource);
            assertThat(properties.getProperty("sslrootcert")).isNull();
            assertThat(properties.getProperty("sslmode")).isEqualTo("verify-full");
        }
    }

    @Test
    void classpathCaInTheUrlOrAsPgsslrootcert() {
        try (Database db = build(Database.builder().url("postgres://u@h/d?sslmode=verify-ca&sslrootcert=classpath:"
                + caResource))) {
            assertThat(properties(db).getProperty("sslfactoryarg")).isEqualTo(caResource);
        }
        try (Database db = resources.visible(() -> Database.fromEnv(Map.of("PGUSER", "u",
                "PGSSLMODE", "verify-full", "PGSSLROOTCERT", "classpath:" + caResource)))) {
            assertThat(properties(db).getProperty("sslfactoryarg")).isEqualTo(caResource);
        }
    }

    @Test
    void setterWinsOverTheUrlAndTheUrlOverPgsslrootcert() {
        try (Database db = Database.builder().url("postgres://u@h/d?sslmode=verify-full&sslrootcert=/nowhere.pem")
                .sslRootCert(caFile).build()) {
            assertThat(properties(db).getProperty("sslrootcert")).isEqualTo(caFile);
        }
        try (Database db = Database.fromEnv(Map.of("DATABASE_URL", "postgres://u@h/d?sslmode=verify-full"
                + "&sslrootcert=" + caFile, "PGSSLROOTCERT", "/nowhere.pem"))) {
            assertThat(properties(db).getProperty("sslrootcert")).isEqualTo(caFile);
        }
    }

    @Test
    void missingCaFileNamesTheSetting() {
        String missing = directory.resolve("missing.pem").toString();
        assertInvalid(() -> verifyFull().sslRootCert(missing).build(), "sslRootCert",
                "sslRootCert: sslrootcert file " + missing + " does not exist");
        assertInvalid(() -> verifyFull().property("sslrootcert", missing).build(), "property", "does not exist");
        assertInvalid(() -> Database.builder().url("postgres://u@h/d?sslmode=verify-full&sslrootcert=" + missing)
                .build(), "url", "does not exist");
        assertInvalid(() -> Database.fromEnv(Map.of("DATABASE_URL", "postgres://u@h/d?sslmode=verify-full"
                + "&sslrootcert=" + missing)), "DATABASE_URL", "does not exist");
        assertInvalid(() -> Database.fromEnv(Map.of("PGUSER", "u", "PGSSLMODE", "verify-full",
                "PGSSLROOTCERT", missing)), "PGSSLROOTCERT", "does not exist");
    }

    @Test
    void caFileThatIsNotPemIsRejectedWithoutQuotingIt() throws IOException {
        Path notPem = Files.writeString(directory.resolve("not-pem.pem"), "password=" + CONTENT_MARKER + "\n",
                StandardCharsets.US_ASCII);
        assertInvalid(() -> verifyFull().sslRootCert(notPem.toString()).build(), "sslRootCert",
                "is not a PEM file of X.509 certificates");
        Path empty = Files.writeString(directory.resolve("empty.pem"), "", StandardCharsets.US_ASCII);
        assertInvalid(() -> verifyFull().sslRootCert(empty.toString()).build(), "sslRootCert",
                "holds no certificate");
    }

    @Test
    void missingClasspathCaNamesTheSetting() {
        assertInvalid(() -> build(verifyFull().sslRootCert("classpath:no-such-bundle.pem")), "sslRootCert",
                "sslrootcert resource classpath:no-such-bundle.pem is not on the classpath");
        assertInvalid(() -> build(verifyFull().sslRootCert("classpath:")), "sslRootCert", "names no resource");
    }

    @Test
    void classpathCaThatIsNotPemIsRejectedWithoutQuotingIt() {
        assertInvalid(() -> build(verifyFull().sslRootCert("classpath:" + notPemResource)), "sslRootCert",
                "is not a PEM file of X.509 certificates");
    }

    @Test
    void caWithAnSslmodeThatDoesNotVerifyIsRejected() {
        assertInvalid(() -> Database.builder().host("h").user("u").sslMode("require").sslRootCert(caFile).build(),
                "sslRootCert", "sslrootcert is used only with sslmode verify-ca or verify-full; with sslmode require");
        assertInvalid(() -> Database.fromEnv(Map.of("PGUSER", "u", "PGSSLROOTCERT", caFile)), "PGSSLROOTCERT",
                "with sslmode prefer (the default) pgjdbc does not check the server's certificate");
    }

    @Test
    void classpathCaCannotBeCombinedWithClientCertificatesOrAnotherFactory() {
        assertInvalid(() -> build(verifyFull().sslRootCert("classpath:" + caResource)
                .property("sslcert", "/client.crt")), "sslRootCert", "cannot be combined with sslcert");
        assertInvalid(() -> build(verifyFull().sslRootCert("classpath:" + caResource)
                .property("sslfactory", "com.example.Factory")), "sslRootCert", "cannot be combined with sslfactory");
    }

    private static Database build(Database.Builder builder) {
        return resources.visible(builder::build);
    }

    private static void assertInvalid(Supplier<Database> build, String setting, String problem) {
        assertThatThrownBy(() -> resources.visible(build).close())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo(setting);
                    assertThat(e.getMessage()).doesNotContain(CONTENT_MARKER);
                })
                .hasMessageContaining(problem);
    }

    private static Properties properties(Database db) {
        return ((HikariDataSource) db.dataSource()).getDataSourceProperties();
    }
}
