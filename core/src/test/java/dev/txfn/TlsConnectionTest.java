package dev.txfn;

import dev.txfn.testing.TestServer;
import dev.txfn.testing.TestCertificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sslmode=verify-full} against a PostgreSQL with {@code ssl = on} that this test starts, presenting a
 * certificate for {@code localhost} only, signed by a CA the test makes: the CA given as a file or as a classpath
 * resource is accepted; another CA, or a host name the certificate does not name, is refused with the driver's
 * reason in the failure.
 */
class TlsConnectionTest {
    @TempDir
    static Path directory;
    private static TestServer server;
    private static ClasspathResources resources;
    private static String caFile;
    private static String otherCaFile;
    private static String caResource;
    private static String otherCaResource;

    @BeforeAll
    static void startServer() throws IOException {
        TestCertificates ca = TestCertificates.authority("txfn test CA");
        TestCertificates other = TestCertificates.authority("some other CA");
        caFile = ca.writeCertificate(directory.resolve("ca.pem")).toString();
        otherCaFile = other.writeCertificate(directory.resolve("other-ca.pem")).toString();
        resources = new ClasspathResources(Files.createDirectory(directory.resolve("classpath")));
        caResource = resources.add("ca", ca.certificatePem());
        otherCaResource = resources.add("other-ca", other.certificatePem());
        server = TestServer.withTls(ca.issue(new GeneralName(GeneralName.dNSName, "localhost")));
    }

    @AfterAll
    static void stopServer() throws IOException {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            resources.close();
        }
    }

    @Test
    void verifyFullWithCaFileConnectsOverTls() {
        try (Database db = build(verifyFull("localhost").sslRootCert(caFile))) {
            assertThat(tlsVersion(db)).startsWith("TLSv1.");
        }
    }

    @Test
    void verifyFullWithClasspathCaConnectsOverTls() {
        try (Database db = build(verifyFull("localhost").sslRootCert("classpath:" + caResource))) {
            assertThat(tlsVersion(db)).startsWith("TLSv1.");
        }
    }

    @Test
    void verifyFullFromTheEnvironment() {
        Map<String, String> env = Map.of("DATABASE_URL", "postgres://postgres@localhost:" + server.port()
                + "/postgres?sslmode=verify-full&sslrootcert=classpath:" + caResource,
                "TXFN_CONNECTION_TIMEOUT_MS", "1000");
        try (Database db = resources.visible(() -> Database.fromEnv(env))) {
            assertThat(tlsVersion(db)).startsWith("TLSv1.");
        }
        try (Database db = Database.fromEnv(Map.of("PGHOST", "localhost", "PGPORT", String.valueOf(server.port()),
                "PGUSER", "postgres", "PGSSLMODE", "verify-full", "PGSSLROOTCERT", caFile))) {
            assertThat(tlsVersion(db)).startsWith("TLSv1.");
        }
    }

    @Test
    void anotherCaIsRefused() {
        for (String ca : List.of(otherCaFile, "classpath:" + otherCaResource)) {
            try (Database db = build(verifyFull("localhost").sslRootCert(ca))) {
                assertRefused(db, "SSL error", "PKIX path");
            }
        }
    }

    @Test
    void hostNameTheCertificateDoesNotNameIsRefused() {
        for (String ca : List.of(caFile, "classpath:" + caResource)) {
            try (Database db = build(verifyFull("127.0.0.1").sslRootCert(ca))) {
                assertRefused(db, "The hostname 127.0.0.1 could not be verified");
            }
        }
    }

    @Test
    void verifyCaChecksTheChainButNotTheHostName() {
        try (Database db = build(verifyFull("127.0.0.1").sslMode("verify-ca").sslRootCert("classpath:" + caResource))) {
            assertThat(tlsVersion(db)).startsWith("TLSv1.");
        }
        try (Database db = build(verifyFull("127.0.0.1").sslMode("verify-ca").sslRootCert(otherCaFile))) {
            assertRefused(db, "PKIX path");
        }
    }

    private static Database.Builder verifyFull(String host) {
        return Database.builder().host(host).port(server.port()).user("postgres").database("postgres")
                .sslMode("verify-full").connectionTimeout(Duration.ofSeconds(1)).maximumPoolSize(1);
    }

    private static Database build(Database.Builder builder) {
        return resources.visible(builder::build);
    }

    /** The TLS version of the session's connection, from the server's side. */
    private static String tlsVersion(Database db) {
        return Tx.create(db).readOnly(h -> h.createQuery(
                        "select ssl, version from pg_stat_ssl where pid = pg_backend_pid()")
                .map((rs, ctx) -> rs.getBoolean("ssl") ? rs.getString("version") : "no TLS").one());
    }

    /**
     * The first transaction fails with a txfn failure whose causes carry the driver's reason. How fast, and
     * whether the reason is the first line, is the business of the connection-failure handling, not of this test.
     */
    private static void assertRefused(Database db, String... reasons) {
        Tx tx = Tx.create(db);
        assertThatThrownBy(() -> tx.readOnly(h -> h.createQuery("select 1").mapTo(Integer.class).one()))
                .isInstanceOf(TxException.class)
                .satisfies(e -> assertThat(messages(e)).contains(reasons));
        assertThat(db.totalConnections()).isZero();
    }

    private static String messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(t.getClass().getName() + ": " + t.getMessage());
        }
        return String.join("\n", messages);
    }
}
