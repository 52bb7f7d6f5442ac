package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.txfn.testing.PostgresTestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The first transaction against a misconfigured or unreachable server: a failure that waiting cannot cure is
 * reported at once as {@link ConnectionRejectedException}; one that may pass is waited out until the
 * connection timeout or the deadline. Either way the message begins with the server's or driver's reason.
 * Each pool here has a 10 s connection timeout, so a failure within a few seconds was not a timeout.
 */
class ConnectionFailureTest {
    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration WELL_BEFORE_THE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * PgBouncer relays the server's login failures with SQLSTATE 08P01 (protocol violation), so behind it they
     * cannot be told from a transient failure and are waited out like one.
     */
    private static void assumeTheServerAnswersLogins() {
        assumeFalse(PostgresTestDatabase.shared().behindTransactionPooler(),
                "PgBouncer relays login failures as 08P01; they are waited out behind it");
    }

    private static Database.Builder server() {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        return Database.builder().host(server.host()).port(server.port()).database(server.database())
                .user(server.user()).password(server.password().isEmpty() ? null : server.password())
                .connectionTimeout(LONG_TIMEOUT);
    }

    private static Duration timeToFail(Database db, Class<? extends TxException> type, String messageStart) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> Tx.create(db).readOnly(h -> h.createQuery("select 1").mapTo(Integer.class).one()))
                .isInstanceOf(type)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(messageStart));
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Test
    void unknownDatabaseIsRejectedAtOnceWithTheServersReason() {
        assumeTheServerAnswersLogins();
        try (Database db = server().database("txfn_no_such_database").build()) {
            assertThat(timeToFail(db, ConnectionRejectedException.class,
                    "FATAL: database \"txfn_no_such_database\" does not exist"))
                    .isLessThan(WELL_BEFORE_THE_TIMEOUT);
        }
    }

    @Test
    void unknownRoleIsRejectedAtOnceWithTheServersReason() {
        assumeTheServerAnswersLogins();
        try (Database db = server().user("txfn_no_such_role").database(PostgresTestDatabase.shared().database())
                .build()) {
            assertThat(timeToFail(db, ConnectionRejectedException.class,
                    "FATAL: role \"txfn_no_such_role\" does not exist"))
                    .isLessThan(WELL_BEFORE_THE_TIMEOUT);
        }
    }

    @Test
    void rejectionCarriesTheServersSqlState() {
        assumeTheServerAnswersLogins();
        try (Database db = server().database("txfn_no_such_database").build()) {
            assertThatThrownBy(() -> Tx.create(db).useTransaction(h -> h.execute("select 1")))
                    .isInstanceOfSatisfying(ConnectionRejectedException.class,
                            e -> assertThat(e.sqlState()).isEqualTo("3D000"));
        }
    }

    @Test
    void unknownHostIsRejectedAtOnce() {
        try (Database db = server().host("txfn-no-such-host.invalid").build()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> Tx.create(db).useTransaction(h -> h.execute("select 1")))
                    .isInstanceOf(ConnectionRejectedException.class)
                    .hasMessageContaining("UnknownHostException")
                    .hasMessageContaining("txfn-no-such-host.invalid");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WELL_BEFORE_THE_TIMEOUT);
        }
    }

    @Test
    void serverWithoutTlsUnderVerifyFullIsRejectedAtOnce() {
        try (Database db = server().sslMode("verify-full").build()) {
            assertThat(timeToFail(db, ConnectionRejectedException.class, "The server does not support SSL"))
                    .isLessThan(WELL_BEFORE_THE_TIMEOUT);
        }
    }

    @Test
    void refusedPortIsWaitedOutThenReportedWithTheDriversReason() throws IOException {
        int port = unusedPort();
        try (Database db = server().host("127.0.0.1").port(port).connectionTimeout(Duration.ofMillis(600))
                .build()) {
            assertThat(timeToFail(db, ConnectionUnavailableException.class,
                    "Connection to 127.0.0.1:" + port + " refused"))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(600));
        }
    }

    @Test
    void refusedPortUnderADeadlineEndsAtTheDeadlineAndSaysWhy() throws IOException {
        int port = unusedPort();
        try (Database db = server().host("127.0.0.1").port(port).build()) {
            Instant deadline = Instant.now().plusMillis(400);
            long started = System.nanoTime();
            assertThatThrownBy(() -> Tx.create(db).withDeadline(deadline).useTransaction(h -> h.execute("select 1")))
                    .isInstanceOf(DeadlineExceededException.class)
                    .hasMessageContaining("waiting for a connection")
                    .hasMessageContaining("Connection to 127.0.0.1:" + port + " refused");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WELL_BEFORE_THE_TIMEOUT);
        }
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
