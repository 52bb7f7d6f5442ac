package dev.txfn.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A JUnit 5 extension that runs each test inside a PostgreSQL transaction which is rolled back after it, so
 * nothing a test writes outlives it. Test and {@code @BeforeEach} methods declare a Jdbi {@link Handle} parameter
 * to receive the test's handle: connected to {@link PostgresTestDatabase#shared()} (application name
 * {@value #APPLICATION_NAME}), transaction begun, records mapped by constructor, the PostgreSQL plugin installed.
 *
 * <pre>{@code
 * class ThingRepositoryTest {
 *     @RegisterExtension
 *     static final PostgresTransactionExtension DB = PostgresTransactionExtension.withSchema(
 *             "create table if not exists thing(id bigserial primary key, name text not null unique)");
 *
 *     @Test
 *     void insertsAThing(Handle h) {
 *         things.insert(h, "a");          // gone after the test
 *         assertThat(things.list(h)).hasSize(1);
 *     }
 * }
 * }</pre>
 *
 * <p>The handle is the test's own: each test gets a new connection, and it is closed after the rollback. Code
 * under test may run {@code h.inTransaction(...)} on it (Jdbi joins the open transaction) but must not commit: a
 * test that ends the transaction through the handle fails, since what it committed stays in the database.
 * Because each test's work is one transaction, the effects of {@code COMMIT} (deferred constraints, commit-time
 * serialization failures, {@code afterCommit} callbacks) are not exercised here; test those through a
 * {@link dev.txfn.Tx}.
 *
 * <p>Register it with {@code @ExtendWith(PostgresTransactionExtension.class)} or, to run setup SQL, in a
 * {@code static} {@code @RegisterExtension} field; the setup then runs once per test class (once per extension
 * instance), committed, before the first test.
 *
 * <p>Thread-safe: tests may run in parallel, each with its own handle.
 */
public final class PostgresTransactionExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** The {@code application_name} of the sessions holding the tests' transactions. */
    public static final String APPLICATION_NAME = "txfn-test-transaction";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresTransactionExtension.class);

    private final String setupSql;
    private final Object setupLock = new Object();
    private boolean setupDone; // guarded by setupLock

    /**
     * An extension without setup SQL, as {@code @ExtendWith(PostgresTransactionExtension.class)} creates it.
     */
    public PostgresTransactionExtension() {
        this(null);
    }

    private PostgresTransactionExtension(String setupSql) {
        this.setupSql = setupSql;
    }

    /**
     * An extension that first runs {@code sql}, committed, before the first test that uses it. Make the SQL
     * safe to run again ({@code create table if not exists}, or {@code drop ... if exists} first): other test
     * classes, or a later run against an external server, may have run it already.
     *
     * @param sql one or more statements separated by {@code ;}
     * @return the extension, for a {@code static} {@code @RegisterExtension} field
     */
    public static PostgresTransactionExtension withSchema(String sql) {
        return new PostgresTransactionExtension(Objects.requireNonNull(sql, "sql"));
    }

    /**
     * Runs the setup SQL if not done yet, then opens the test's connection and begins its transaction.
     *
     * @param context the test's context
     * @throws SQLException if the setup SQL fails; the test fails and the next test tries the setup again
     * @throws org.jdbi.v3.core.ConnectionException if the test database cannot be reached
     */
    @Override
    public void beforeEach(ExtensionContext context) throws SQLException {
        runSetupOnce();
        Handle handle = JdbiHolder.JDBI.open();
        TestTransaction transaction = new TestTransaction(handle);
        try {
            handle.begin();
        } catch (RuntimeException e) {
            transaction.close();
            throw e;
        }
        context.getStore(NAMESPACE).put(context.getUniqueId(), transaction);
    }

    /**
     * Rolls back the test's transaction and closes its connection.
     *
     * @param context the test's context
     * @throws IllegalStateException if the test ended the transaction itself, so its writes may have persisted
     */
    @Override
    public void afterEach(ExtensionContext context) {
        TestTransaction transaction = context.getStore(NAMESPACE).remove(context.getUniqueId(), TestTransaction.class);
        if (transaction != null) {
            transaction.rollbackAndClose();
        }
    }

    /**
     * Whether the parameter is a Jdbi {@link Handle}.
     *
     * @param parameterContext the parameter
     * @param extensionContext the test's context
     * @return {@code true} for a {@code Handle} parameter
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Handle.class;
    }

    /**
     * The test's handle.
     *
     * @param parameterContext the parameter
     * @param extensionContext the test's context
     * @return the handle whose transaction is rolled back after the test
     * @throws ParameterResolutionException outside a test method or {@code @BeforeEach}/{@code @AfterEach}
     *     method (e.g. in a constructor or {@code @BeforeAll} method), where there is no test transaction
     */
    @Override
    public Handle resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TestTransaction transaction = extensionContext.getStore(NAMESPACE)
                .get(extensionContext.getUniqueId(), TestTransaction.class);
        if (transaction == null) {
            throw new ParameterResolutionException("PostgresTransactionExtension provides a Handle only to test,"
                    + " @BeforeEach and @AfterEach methods, not to " + parameterContext.getDeclaringExecutable());
        }
        return transaction.handle;
    }

    private void runSetupOnce() throws SQLException {
        if (setupSql == null) {
            return;
        }
        synchronized (setupLock) {
            if (!setupDone) {
                try (Connection connection = PostgresTestDatabase.shared().openAdminConnection();
                        Statement statement = connection.createStatement()) {
                    statement.execute(setupSql);
                }
                setupDone = true;
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresTransactionExtension[" + (setupSql == null ? "no setup" : "with setup SQL") + "]";
    }

    /** The Jdbi over the shared test server, made on first use. */
    private static final class JdbiHolder {
        static final Jdbi JDBI = create();

        private static Jdbi create() {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(PostgresTestDatabase.shared().jdbcUrl());
            dataSource.setApplicationName(APPLICATION_NAME);
            Jdbi jdbi = Jdbi.create(dataSource);
            jdbi.installPlugin(new PostgresPlugin());
            jdbi.registerRowMapper(new dev.txfn.internal.RecordMapperFactory(jdbi.getConfig()));
            return jdbi;
        }
    }

    /**
     * One test's handle. Closed by {@link #afterEach}, or by JUnit when the test's store closes if
     * {@code afterEach} never ran.
     */
    private static final class TestTransaction implements AutoCloseable {
        final Handle handle;
        private boolean closed;

        TestTransaction(Handle handle) {
            this.handle = handle;
        }

        synchronized void rollbackAndClose() {
            boolean ended = !handle.isInTransaction();
            close();
            if (ended) {
                throw new IllegalStateException("the test ended its transaction through the Handle (commit or"
                        + " rollback), so what it wrote before that was not rolled back by"
                        + " PostgresTransactionExtension; do not commit in these tests");
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (handle.isInTransaction()) {
                    handle.rollback();
                }
            } finally {
                handle.close();
            }
        }
    }
}
