package dev.txfn.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The tables the benchmarks read and write, created if missing; idempotent, so the harness and every JMH fork
 * may call {@link #ensure}. {@link BenchMain} drops them at the end; JMH run on its own leaves them behind
 * ({@code drop table txfn_bench_thing, txfn_bench_insert}).
 *
 * <ul>
 *   <li>{@value #THING}: {@value #THING_ROWS} rows {@code (id, name, description, created_at)}, ids 1 to
 *       {@value #THING_ROWS}, read one by id or all at once;
 *   <li>{@value #INSERTED}: an unlogged table for the insert benchmark (unlogged, so a commit does not wait
 *       for a WAL flush and the figure is the client's and the protocol's cost rather than the disk's).
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class BenchSchema {

    /** The table that is read. */
    public static final String THING = "txfn_bench_thing";

    /** The unlogged table that is inserted into. */
    public static final String INSERTED = "txfn_bench_insert";

    /** How many rows {@value #THING} holds. */
    public static final int THING_ROWS = 100;

    /** Reads one row's name by id; the single statement of the round-trip and latency measures. */
    static final String SELECT_NAME = "select name from " + THING + " where id = ?";

    /** Reads all rows into {@link Thing} records. */
    static final String SELECT_ALL = "select id, name, description, created_at from " + THING + " order by id";

    /** Reads one row into a {@link Thing} record. */
    static final String SELECT_ONE = "select id, name, description, created_at from " + THING + " where id = ?";

    /** Inserts one row. */
    static final String INSERT = "insert into " + INSERTED + " (name, created_at) values (?, ?)";

    /**
     * A row of {@value #THING}.
     *
     * @param id the key
     * @param name a short text
     * @param description a longer text
     * @param createdAt a timestamp
     */
    public record Thing(long id, String name, String description, Instant createdAt) {
    }

    private BenchSchema() {
    }

    /**
     * Creates the tables if missing and fills {@value #THING}.
     *
     * @param database the server
     * @throws SQLException if the DDL fails
     */
    public static void ensure(BenchDatabase database) throws SQLException {
        try (Connection connection = database.openAdminConnection()) {
            ensure(connection);
        }
    }

    /**
     * Creates the tables if missing and fills {@value #THING}, on a server of the caller's.
     *
     * @param connection an auto-commit connection to it
     * @throws SQLException if the DDL fails
     */
    static void ensure(Connection connection) throws SQLException {
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("create table if not exists " + THING + " (id bigint primary key, name text not null,"
                    + " description text not null, created_at timestamptz not null)");
            ddl.execute("insert into " + THING + " select g, 'thing ' || g, 'a description of thing number ' || g,"
                    + " timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second'"
                    + " from generate_series(1, " + THING_ROWS + ") g on conflict (id) do nothing");
            ddl.execute("create unlogged table if not exists " + INSERTED
                    + " (id bigserial primary key, name text not null, created_at timestamptz not null)");
        }
    }

    /**
     * Empties {@value #INSERTED}.
     *
     * @param database the server
     * @throws SQLException if the truncate fails
     */
    public static void truncateInserted(BenchDatabase database) throws SQLException {
        try (Connection connection = database.openAdminConnection(); Statement ddl = connection.createStatement()) {
            ddl.execute("truncate " + INSERTED);
        }
    }

    /**
     * Drops both tables.
     *
     * @param database the server
     * @throws SQLException if the drop fails
     */
    public static void drop(BenchDatabase database) throws SQLException {
        try (Connection connection = database.openAdminConnection(); Statement ddl = connection.createStatement()) {
            ddl.execute("drop table if exists " + THING + ", " + INSERTED);
        }
    }
}
