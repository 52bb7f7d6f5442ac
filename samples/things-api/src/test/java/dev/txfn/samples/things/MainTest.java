package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's answers to bad configuration: one line naming what is wrong, never a stack trace. */
class MainTest {

    @Test
    void aDatabaseUrlOfAnotherSchemeFailsNamingDatabaseUrlWithoutThePassword() {
        for (String command : new String[] {"migrate", "serve"}) {
            Run run = run(Map.of("DATABASE_URL", "mysql://app:s3cret@db.example.com/things"), command);

            assertThat(run.status).as(command).isEqualTo(1);
            assertOneLine(run.err).contains("DATABASE_URL").contains("scheme").doesNotContain("s3cret");
        }
    }

    @Test
    void aMalformedDatabaseUrlFailsNamingDatabaseUrlWithoutThePassword() {
        Run run = run(Map.of("DATABASE_URL", "postgres://app:s3cret@db.example.com:port/things"), "migrate");

        assertThat(run.status).isEqualTo(1);
        assertOneLine(run.err).contains("DATABASE_URL").doesNotContain("s3c");
    }

    @Test
    void migrateWithoutDatabaseUrlFailsNamingIt() {
        Run run = run(Map.of(), "migrate");

        assertThat(run.status).isEqualTo(1);
        assertOneLine(run.err).contains("DATABASE_URL");
    }

    @Test
    void anUnreachableDatabaseFailsWithOneLineNamingWhere() throws IOException {
        int port = unusedPort();

        Run run = run(Map.of("DATABASE_URL", "postgres://app:s3cret@127.0.0.1:" + port + "/things"), "migrate");

        assertThat(run.status).isEqualTo(1);
        assertOneLine(run.err).startsWith("things-api: cannot migrate the database: ")
                .contains("127.0.0.1:" + port).doesNotContain("s3cret");
    }

    @Test
    void anUnknownHostFailsWithOneLineNamingIt() {
        Run run = run(Map.of("DATABASE_URL", "postgres://app:s3cret@no-such-host.invalid/things"), "migrate");

        assertThat(run.status).isEqualTo(1);
        assertOneLine(run.err).startsWith("things-api: cannot migrate the database: ")
                .contains("no-such-host.invalid").doesNotContain("s3cret");
    }

    @Test
    void aPortThatIsNotANumberFailsNamingPort() {
        Run run = run(Map.of("PORT", "http"), "serve");

        assertThat(run.status).isEqualTo(1);
        assertOneLine(run.err).contains("PORT").contains("'http'");
    }

    @Test
    void aPortOutOfRangeFailsNamingPort() {
        Run run = run(Map.of("PORT", "70000"), "serve");

        assertThat(run.status).isEqualTo(1);
        assertOneLine(run.err).contains("PORT").contains("65535");
    }

    @Test
    void anUnknownCommandPrintsTheUsage() {
        Run run = run(Map.of(), "deploy");

        assertThat(run.status).isEqualTo(2);
        assertOneLine(run.err).startsWith("usage: ");
    }

    @Test
    void migrateAppliesTheMigrationsAndMayRunAgain() {
        try (ThingsDatabase db = ThingsDatabase.createEmpty()) {
            Map<String, String> env = Map.of("DATABASE_URL", db.jdbcUrl());

            assertThat(run(env, "migrate").status).isZero();
            assertThat(run(env, "migrate").status).isZero();
            assertThat(db.queryLong("select count(*) from information_schema.tables"
                    + " where table_name in ('thing', 'txfn_idempotency')")).isEqualTo(2);
        }
    }

    @Test
    void migrateTakesTheLibpqVariablesAsDatabaseFromEnvDoes() {
        try (ThingsDatabase db = ThingsDatabase.createEmpty()) {
            assertThat(run(db.libpqEnvironment(), "migrate").status).isZero();
            assertThat(db.queryLong("select count(*) from information_schema.tables"
                    + " where table_name in ('thing', 'txfn_idempotency')")).isEqualTo(2);
        }
    }

    @Test
    void aPartialLibpqConfigurationFailsInsteadOfServingFromAnEmbeddedServer() {
        // Without the fix the runner ignored PG* and started an embedded server: serve would not return.
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> run(Map.of("PGHOST", "127.0.0.1", "PGDATABASE", "things"), "serve"));

        assertThat(run.status).isEqualTo(1);
        assertOneLine(run.err).contains("PGUSER");
        assertThat(run.out).doesNotContain("embedded");
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static org.assertj.core.api.AbstractStringAssert<?> assertOneLine(String text) {
        assertThat(text).endsWith(System.lineSeparator());
        assertThat(text.lines()).hasSize(1);
        assertThat(text).doesNotContain("\tat ").doesNotContain("Caused by");
        return assertThat(text.strip());
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
