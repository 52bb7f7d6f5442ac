package dev.txfn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.txfn.Database;
import dev.txfn.Isolation;
import dev.txfn.Tx;
import dev.txfn.TxOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Why "no session state" matters behind PgBouncer in transaction mode, shown with a server and a PgBouncer of
 * the test's own (one server connection, so every client shares it): a session-level {@code SET} made by one
 * client reaches the next one, txfn's transaction-local options never do. Then the many-containers scenario of
 * measure 6 in a reduced form, asserting counts (no errors, every container served), never times. Skipped when
 * {@code pgbouncer} is not installed ({@code .ci/run} installs it).
 */
class TransactionPoolingTest {
    private static final String USER = "postgres";
    private static Path dir;
    private static EmbeddedPostgres server;
    private static PgBouncerProcess sharedConnection;

    @BeforeAll
    static void startServerAndPgBouncerWithOneServerConnection() throws Exception {
        Optional<Path> pgbouncer = PgBouncerProcess.find();
        assumeTrue(pgbouncer.isPresent(), "pgbouncer is not installed: " + PgBouncerProcess.HOW_TO_INSTALL);
        dir = Files.createTempDirectory("txfn-pooling-test",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        server = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "40").setRegisterShutdownHook(false).start();
        sharedConnection = PgBouncerProcess.start(pgbouncer.get(), Files.createDirectory(dir.resolve("one")),
                server.getPort(), USER, 1, 20);
    }

    @AfterAll
    static void stopThem() throws IOException {
        try {
            if (sharedConnection != null) {
                sharedConnection.close();
            }
        } finally {
            try {
                if (server != null) {
                    server.close();
                }
            } finally {
                deleteTree(dir);
            }
        }
    }

    @Test
    void sessionSettingMadeByOneClientIsSeenByAnotherThroughThePooler() throws SQLException {
        try (Connection first = DriverManager.getConnection(url(sharedConnection));
                Connection second = DriverManager.getConnection(url(sharedConnection))) {
            try {
                execute(first, "set txfn_control.leaked = 'from the first client'");

                assertThat(value(second, "select pg_backend_pid()")).isEqualTo(value(first, "select pg_backend_pid()"));
                assertThat(value(second, "select current_setting('txfn_control.leaked', true)"))
                        .isEqualTo("from the first client");
            } finally {
                execute(first, "reset txfn_control.leaked");
            }
        }
    }

    @Test
    void transactionLocalOptionsOfTxfnAreNeverSeenByAnotherClient() throws SQLException {
        try (Database db = Database.builder().jdbcUrl(url(sharedConnection)).maximumPoolSize(1)
                .transactionPooling(true).build();
                Connection other = DriverManager.getConnection(url(sharedConnection))) {
            TxOptions options = TxOptions.defaults().withSetting("txfn_control.tenant", "from txfn")
                    .withStatementTimeout(Duration.ofSeconds(7)).withIsolation(Isolation.SERIALIZABLE);
            String[] seenInside = Tx.create(db).inTransaction(options, h -> new String[] {
                h.createQuery("select current_setting('txfn_control.tenant')").mapTo(String.class).one(),
                h.createQuery("show statement_timeout").mapTo(String.class).one(),
                h.createQuery("select pg_backend_pid()::text").mapTo(String.class).one()});

            assertThat(seenInside[0]).isEqualTo("from txfn");
            assertThat(seenInside[1]).isEqualTo("7s");
            assertThat(value(other, "select pg_backend_pid()::text")).isEqualTo(seenInside[2]);
            assertThat(value(other, "select current_setting('txfn_control.tenant', true)")).isNullOrEmpty();
            assertThat(value(other, "show statement_timeout")).isEqualTo("0");
            assertThat(value(other, "show transaction_isolation")).isEqualTo("read committed");
        }
    }

    @Test
    void manyContainersThroughPgBouncerAllGetServedWithoutAnError() throws Exception {
        int containers = 60;
        int serverConnections = 5;
        String adminUrl = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres?user=" + USER;
        FanOutLoad.createTable(adminUrl);
        try (PgBouncerProcess bouncer = PgBouncerProcess.start(PgBouncerProcess.find().orElseThrow(),
                Files.createDirectory(dir.resolve("fan-out")), server.getPort(), USER, serverConnections, 200)) {
            FanOutLoad.Outcome outcome = new FanOutLoad(url(bouncer), adminUrl, containers, Duration.ofSeconds(1),
                    Duration.ofSeconds(2)).run();

            assertThat(outcome.errors()).as("errors by kind: %s", outcome.errorsByKind()).isZero();
            assertThat(outcome.containersServed()).isEqualTo(containers);
            assertThat(outcome.transactions()).isPositive();
            // this PgBouncer's, plus the sampler's own and the one the other tests' PgBouncer may keep open
            assertThat(outcome.maxServerConnections()).isLessThanOrEqualTo(serverConnections + 2);
        }
    }

    private static String url(PgBouncerProcess bouncer) {
        return "jdbc:postgresql://127.0.0.1:" + bouncer.port() + "/postgres?user=" + USER + "&prepareThreshold=0";
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
