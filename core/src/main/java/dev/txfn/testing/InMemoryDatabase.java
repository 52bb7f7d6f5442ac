package dev.txfn.testing;

import dev.txfn.ConnectionUnavailableException;
import dev.txfn.DatabaseException;
import dev.txfn.DeadlineExceededException;
import dev.txfn.Tx;
import dev.txfn.TxListener;
import dev.txfn.TxOptions;
import dev.txfn.internal.TransactionRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.h2.tools.RunScript;
import org.jdbi.v3.core.Jdbi;

/**
 * A fresh in-memory H2 database in PostgreSQL mode with a {@link Tx} over it, for unit tests of handler logic
 * without a PostgreSQL server. Each instance is its own database (uniquely named, so instances never see each
 * other's data); {@link #close()} drops it.
 *
 * <pre>{@code
 * try (InMemoryDatabase db = InMemoryDatabase.create("/schema.sql")) {
 *     Tx tx = db.tx();
 *     tx.useTransaction(h -> h.execute("insert into thing(name) values (?)", "a"));
 *     List<Thing> things = tx.readOnly(h -> h.createQuery("select * from thing").mapTo(Thing.class).list());
 * }
 * }</pre>
 *
 * <p><b>What behaves as on PostgreSQL.</b> Transactions commit, roll back, retry and refuse to nest exactly as
 * with a PostgreSQL {@code Tx}; records map by constructor; results are checked for escaping values. Unique,
 * foreign-key, not-null and check violations and lock timeouts carry PostgreSQL's SQLSTATEs (H2's own are
 * translated where they differ), so they surface as the same {@link dev.txfn.TxException} subclasses; an H2
 * deadlock reports {@code 40001} and is retried as a serialization failure. Of the {@link TxOptions}, two are
 * honoured, applied through JDBC rather than {@code BEGIN}/{@code SET TRANSACTION}:
 * <ul>
 *   <li>{@linkplain TxOptions#isolation() isolation}, through {@link Connection#setTransactionIsolation(int)}
 *       (H2 implements read committed, repeatable read and serializable);
 *   <li>{@linkplain TxOptions#readOnly() read-only}, through {@link Connection#setReadOnly(boolean)}. H2 itself
 *       treats that as a hint only, so this class enforces it: a read-only transaction runs in a session of a
 *       user that may only {@code SELECT}, and a write fails, as on PostgreSQL, with a
 *       {@link DatabaseException} of SQLSTATE {@code 25006} whose message carries H2's own.
 * </ul>
 *
 * <p><b>What is ignored.</b> {@linkplain TxOptions#statementTimeout() Statement},
 * {@linkplain TxOptions#lockTimeout() lock} and {@linkplain TxOptions#idleInTransactionTimeout()
 * idle-in-transaction} timeouts, {@linkplain TxOptions#settings() transaction-local settings} (so
 * {@code current_setting('app.x')} does not work) and {@linkplain TxOptions#deferrable() deferrable} are
 * silently not applied (lock waits are bounded by H2's own lock timeout instead), and a
 * {@linkplain Tx#withDeadline(java.time.Instant) deadline} does not cap statement timeouts: a slow statement is
 * never cancelled. A deadline that has already passed still fails the next attempt with
 * {@link DeadlineExceededException} before it begins. Round trips and {@code idle in transaction} sessions
 * cannot be observed here; test those against {@link PostgresTestDatabase}.
 *
 * <p><b>SQL.</b> Schema files and the SQL of the code under test must be in the common subset of PostgreSQL
 * and H2 (H2's PostgreSQL mode accepts {@code text}, {@code bigserial}, {@code ::} casts, most functions and
 * {@code ON CONFLICT DO NOTHING}, but not {@code RETURNING}, {@code ON CONFLICT ... DO UPDATE}, PL/pgSQL,
 * {@code jsonb} operators or custom types). Unquoted identifiers are folded to lower case and nulls sort last
 * in ascending order, as on PostgreSQL.
 *
 * <p><b>Connections.</b> There is no pool: each transaction opens a new H2 session (well under a millisecond
 * in memory) and closes it at the end, so nothing carries over from one transaction to the next.
 *
 * <p>Thread-safe: any number of threads may run transactions at once, each in its own session.
 */
public final class InMemoryDatabase implements AutoCloseable {

    private static final AtomicLong INSTANCES = new AtomicLong();
    private static final String SETTINGS =
            ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";

    private final String name;
    private final InMemoryDataSource dataSource;
    private final Tx tx;
    private final AtomicBoolean closed = new AtomicBoolean();

    private InMemoryDatabase(String name, InMemoryDataSource dataSource) {
        this.name = name;
        this.dataSource = dataSource;
        this.tx = newTx(dataSource, jdbi -> { });
    }

    /**
     * Creates a new empty database and runs the given classpath SQL files in order, each in auto-commit mode.
     * Statements are split by H2's script reader, which understands quotes, comments and {@code $$} bodies.
     *
     * @param schemaResources resource names such as {@code "/schema.sql"}, looked up with the thread's context
     *     class loader and then this class's; none for an empty database
     * @return the database; close it to drop it
     * @throws IllegalArgumentException if a resource does not exist
     * @throws IllegalStateException if a statement of a resource fails; the message names the resource
     * @throws UncheckedIOException if a resource cannot be read
     */
    public static InMemoryDatabase create(String... schemaResources) {
        Objects.requireNonNull(schemaResources, "schemaResources");
        URL[] urls = new URL[schemaResources.length];
        for (int i = 0; i < schemaResources.length; i++) {
            urls[i] = resource(Objects.requireNonNull(schemaResources[i], "schemaResources[" + i + "]"));
        }
        InMemoryDatabase database = open();
        try {
            for (int i = 0; i < urls.length; i++) {
                try (InputStream in = urls[i].openStream();
                        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    database.runScript(reader, "schema resource " + schemaResources[i]);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not read schema resource " + schemaResources[i], e);
                }
            }
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    /**
     * Creates a new database and runs {@code sql} in it, which may hold several statements separated by
     * {@code ;}.
     *
     * @param sql the schema, e.g. {@code "create table thing(id bigserial primary key, name text not null)"}
     * @return the database; close it to drop it
     * @throws IllegalStateException if a statement fails
     */
    public static InMemoryDatabase withSchema(String sql) {
        Objects.requireNonNull(sql, "sql");
        InMemoryDatabase database = open();
        try {
            database.runScript(new StringReader(sql), "schema SQL");
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    /**
     * The transaction runner over this database, with {@link TxOptions#defaults() default options} and no
     * listener. Records map by constructor. Once this database is closed, its transactions fail with
     * {@link ConnectionUnavailableException}. Thread-safe; the same instance on every call.
     *
     * @return the {@code Tx}
     */
    public Tx tx() {
        return tx;
    }

    /**
     * A new transaction runner over this database whose {@link Jdbi} is configured by {@code jdbiCustomizer},
     * for code whose production {@code Tx} registers mappers or plugins with
     * {@link Tx.Builder#configureJdbi(Consumer)}. Thread-safe.
     *
     * @param jdbiCustomizer applied once to the new runner's Jdbi
     * @return a new {@code Tx} sharing this database (but not the open-transaction count of {@link #tx()})
     */
    public Tx tx(Consumer<Jdbi> jdbiCustomizer) {
        return newTx(dataSource, Objects.requireNonNull(jdbiCustomizer, "jdbiCustomizer"));
    }

    /**
     * The database's unique name, as in its URL {@code jdbc:h2:mem:<name>}. Thread-safe.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Drops the database and all its data. Transactions still running fail; later ones fail with
     * {@link ConnectionUnavailableException}. Idempotent and thread-safe; never throws.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            dataSource.shutdown();
        }
    }

    /** Describes the database by name. */
    @Override
    public String toString() {
        return "InMemoryDatabase[" + name + (closed.get() ? ", closed" : "") + "]";
    }

    private static Tx newTx(InMemoryDataSource dataSource, Consumer<Jdbi> jdbiCustomizer) {
        return TransactionRunner.create(dataSource, false, null, null, TxOptions.defaults(), TxListener.noop(),
                jdbiCustomizer);
    }

    private static InMemoryDatabase open() {
        String name = "txfn_" + INSTANCES.incrementAndGet() + "_" + UUID.randomUUID().toString().replace("-", "");
        InMemoryDataSource dataSource = InMemoryDataSource.create("jdbc:h2:mem:" + name, SETTINGS);
        return new InMemoryDatabase(name, dataSource);
    }

    private void runScript(Reader script, String what) {
        try (Connection connection = dataSource.openWriter()) {
            RunScript.execute(connection, script);
        } catch (SQLException e) {
            throw new IllegalStateException(what + " failed in " + this + ": " + e.getMessage(), e);
        }
    }

    private static URL resource(String name) {
        String relative = name.startsWith("/") ? name.substring(1) : name;
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        URL url = context == null ? null : context.getResource(relative);
        if (url == null) {
            url = InMemoryDatabase.class.getResource("/" + relative);
        }
        if (url == null) {
            throw new IllegalArgumentException("schema resource " + name + " not found on the classpath");
        }
        return url;
    }

    /** For {@link InMemoryDataSource}: runs one statement on a connection, closing the statement. */
    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
