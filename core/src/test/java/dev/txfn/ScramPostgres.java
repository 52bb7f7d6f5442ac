package dev.txfn;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Test support: a PostgreSQL of the test's own on 127.0.0.1 that asks every role but the superuser
 * {@code postgres} for a password with {@code scram-sha-256}, as RDS does. Close it in {@code @AfterAll}.
 */
final class ScramPostgres implements AutoCloseable {
    private final EmbeddedPostgres server;

    private ScramPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    static ScramPostgres start() {
        try {
            return new ScramPostgres(EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setRegisterShutdownHook(true)
                    .setDataDirectoryCustomizer(dir -> {
                        try {
                            Files.writeString(dir.toPath().resolve("pg_hba.conf"),
                                    "host all postgres 127.0.0.1/32 trust\n"
                                            + "host all all 127.0.0.1/32 scram-sha-256\n", StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the scram-sha-256 PostgreSQL", e);
        }
    }

    int port() {
        return server.getPort();
    }

    /** Creates a login role owning nothing, with {@code password}. */
    void createRole(String role, String password) {
        execute("create role " + role + " login password '" + password + "'");
    }

    /** Changes a role's password, as a rotation's set-secret step does; existing sessions stay logged in. */
    void alterPassword(String role, String password) {
        execute("alter role " + role + " password '" + password + "'");
    }

    void execute(String sql) {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setURL("jdbc:postgresql://127.0.0.1:" + port() + "/postgres?user=postgres");
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
