package dev.txfn.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;

/**
 * Test support: a PostgreSQL server of a test's (or the benchmark's) own on 127.0.0.1 (embedded, apart from the
 * shared test server), with user {@code postgres}, trust authentication and the given settings. {@link #close()} stops it and removes
 * its data directory; use it in try-with-resources or an {@code @AfterAll}, so a failing test stops it too.
 */
public final class TestServer implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private TestServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * A server with {@code ssl = on} presenting {@code certificate}.
     *
     * @param certificate the server's certificate and key
     * @return the running server
     */
    public static TestServer withTls(TestCertificates.ServerCertificate certificate) {
        return start(Map.of("ssl", "on", "ssl_cert_file", "server.crt", "ssl_key_file", "server.key"),
                directory -> {
                    write(directory, "server.crt", certificate.certificatePem());
                    write(directory, "server.key", certificate.keyPem());
                });
    }

    /**
     * A server where every transaction is read-only by default, as a hot standby would answer pgjdbc.
     *
     * @return the running server
     */
    public static TestServer readOnly() {
        return start(Map.of("default_transaction_read_only", "on"), directory -> { });
    }

    /**
     * A plain writable server.
     *
     * @return the running server
     */
    public static TestServer writable() {
        return start(Map.of(), directory -> { });
    }

    private static TestServer start(Map<String, String> settings, DataDirectoryCustomizer customizer) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setRegisterShutdownHook(true)
                .setDataDirectoryCustomizer(directory -> {
                    try {
                        customizer.customize(directory.toPath());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        settings.forEach(builder::setServerConfig);
        try {
            return new TestServer(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a PostgreSQL server for the test", e);
        }
    }

    /**
     * The server's port on 127.0.0.1.
     *
     * @return the port
     */
    public int port() {
        return postgres.getPort();
    }

    /**
     * {@code jdbc:postgresql://host:port/postgres?user=postgres}, plus {@code parameters}.
     *
     * @param host the host to name, e.g. {@code 127.0.0.1} or {@code localhost}
     * @param parameters more URL parameters, already encoded, e.g. {@code sslmode=require}, or empty
     * @return the URL
     */
    public String jdbcUrl(String host, String parameters) {
        return "jdbc:postgresql://" + host + ":" + port() + "/postgres?user=postgres"
                + (parameters.isEmpty() ? "" : "&" + parameters);
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a file the server reads, readable by its OS user only: PostgreSQL refuses a private key that others
     * can read. When the test runs as root the server runs as another user (the owner of its data directory).
     */
    private static void write(Path directory, String name, String content) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        UserPrincipal owner = Files.getOwner(directory);
        if (!owner.equals(Files.getOwner(file))) {
            Files.setOwner(file, owner);
        }
    }

    @FunctionalInterface
    private interface DataDirectoryCustomizer {
        void customize(Path directory) throws IOException;
    }
}
