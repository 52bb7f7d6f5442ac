package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.txfn.testing.PostgresTestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.jdbi.v3.core.HandleConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A value bound to a statement, and a password, never reach an exception's message, its stack trace as a log
 * would print it, or a log line, whether the transaction fails on a constraint or the connection fails. The
 * marker is bound where the server's own message detail would quote it (the key of a unique violation, the
 * failing row of a check or not-null violation, the key of a foreign-key violation).
 */
class SensitiveValuesTest {
    private static final String MARKER = "txfn-sensitive-7f3a9c";
    private static Database db;
    private static Tx tx;

    @BeforeAll
    static void setUp() {
        db = TestDb.database(1, "txfn-sensitive-values-test");
        tx = Tx.builder(db).listener(TxListener.logging()).build();
        TestDb.execute("drop table if exists sensitive_child; drop table if exists sensitive_row;"
                + " create table sensitive_row(email text primary key, note text not null,"
                + " code text check (code <> '" + MARKER + "'));"
                + " create table sensitive_child(email text references sensitive_row(email));"
                + " insert into sensitive_row(email, note) values ('" + MARKER + "', 'n')");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void uniqueViolationDoesNotQuoteTheKey() {
        assertNoMarker(h -> h.createUpdate("insert into sensitive_row(email, note) values (:email, 'n')")
                .bind("email", MARKER).execute(), UniqueViolationException.class);
    }

    @Test
    void checkViolationDoesNotQuoteTheRow() {
        assertNoMarker(h -> h.createUpdate("insert into sensitive_row(email, note, code) values ('x', 'n', :code)")
                .bind("code", MARKER).execute(), CheckViolationException.class);
    }

    @Test
    void notNullViolationDoesNotQuoteTheRow() {
        assertNoMarker(h -> h.createUpdate("insert into sensitive_row(email, note) values (:email, null)")
                .bind("email", MARKER + "-2").execute(), NotNullViolationException.class);
    }

    @Test
    void foreignKeyViolationDoesNotQuoteTheKey() {
        assertNoMarker(h -> h.createUpdate("insert into sensitive_child(email) values (:email)")
                .bind("email", MARKER + "-missing").execute(), ForeignKeyViolationException.class);
    }

    @Test
    void failedStatementNamesTheStatementButNotItsArguments() {
        Throwable failure = catchThrowable(() -> tx.useTransaction(h -> h.createUpdate(
                "insert into sensitive_row(email, note) values (:email, 'n')").bind("email", MARKER).execute()));
        assertThat(stackTrace(failure)).contains("insert into sensitive_row(email, note) values (:email, 'n')")
                .doesNotContain(MARKER);
    }

    @Test
    void passwordNeverAppearsWhenConnectingFails() {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        String logged = StandardErrorCapture.during(() -> {
            try (Database refused = Database.builder().host(server.host()).port(server.port())
                    .database("txfn_no_such_database").user(server.user()).password(MARKER)
                    .connectionTimeout(Duration.ofMillis(500)).build()) {
                Throwable failure = catchThrowable(() -> Tx.builder(refused).listener(TxListener.logging()).build()
                        .useTransaction(h -> h.execute("select 1")));
                // Rejected at once by the server; waited out behind PgBouncer, which relays login failures as 08P01.
                assertThat(failure).isInstanceOf(TxException.class);
                assertThat(stackTrace(failure)).doesNotContain(MARKER);
                assertThat(refused.toString()).doesNotContain(MARKER);
            }
        });
        assertThat(logged).doesNotContain(MARKER);
    }

    @Test
    void credentialsAndStaticSourcesNeverShowThePassword() {
        assertThat(new Credentials("app", MARKER).toString()).isEqualTo("Credentials[user=app, password=***]");
        assertThat(CredentialsSource.of("app", MARKER).toString()).doesNotContain(MARKER);
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        String logged = StandardErrorCapture.during(() -> {
            try (Database db = Database.builder().host(server.host()).port(server.port())
                    .database("txfn_no_such_database").credentials(CredentialsSource.of(server.user(), MARKER))
                    .connectionTimeout(Duration.ofMillis(500)).build()) {
                Throwable failure = catchThrowable(() -> Tx.builder(db).listener(TxListener.logging()).build()
                        .useTransaction(h -> h.execute("select 1")));
                // Rejected at once by the server; waited out behind PgBouncer, which relays login failures as 08P01.
                assertThat(failure).isInstanceOf(TxException.class);
                assertThat(stackTrace(failure)).doesNotContain(MARKER);
                assertThat(db.toString()).doesNotContain(MARKER);
            }
        });
        assertThat(logged).doesNotContain(MARKER);
    }

    private static void assertNoMarker(HandleConsumer<RuntimeException> work, Class<? extends TxException> type) {
        String logged = StandardErrorCapture.during(() -> {
            Throwable failure = catchThrowable(() -> tx.useTransaction(work));
            assertThat(failure).isInstanceOf(type);
            assertThat(stackTrace(failure)).doesNotContain(MARKER);
        });
        assertThat(logged).doesNotContain(MARKER);
    }

    /** What a logger prints for the failure: every message, cause and suppressed exception, with toString. */
    private static String stackTrace(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
