package dev.txfn.testing;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The connections of an {@link InMemoryDatabase}: a new H2 session per {@link #getConnection()}, wrapped so that
 * {@link Connection#setReadOnly(boolean) setReadOnly(true)}, which H2 takes as a mere hint, moves the session to a
 * user that may only read. Thread-safe.
 */
final class InMemoryDataSource implements DataSource {

    /** The user of read-only transactions: {@code SELECT} on every schema, nothing else. */
    static final String READER = "txfn_reader";
    private static final String WRITER = "sa";

    private final String url;
    private final JdbcDataSource writer;
    private final JdbcDataSource reader;
    private volatile boolean closed;

    private InMemoryDataSource(String url, String settings) {
        this.url = url;
        // IFEXISTS: once dropped, the database must not silently come back empty under the same name.
        this.writer = h2(url + settings + ";IFEXISTS=TRUE", WRITER, "");
        // Only an admin may pass database settings in the URL; the reader inherits them from the database.
        this.reader = h2(url + ";IFEXISTS=TRUE", READER, READER);
    }

    /** Creates the database and its reader; the database lives until {@link #shutdown()}. */
    static InMemoryDataSource create(String url, String settings) {
        try (Connection first = h2(url + settings, WRITER, "").getConnection()) {
            InMemoryDatabase.execute(first, "create user " + READER + " password '" + READER + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the H2 database " + url, e);
        }
        return new InMemoryDataSource(url, settings);
    }

    private static JdbcDataSource h2(String url, String user, String password) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    /** A read-write connection in auto-commit mode, wrapped to enforce read-only. */
    @Override
    public Connection getConnection() throws SQLException {
        ReadOnlyEnforcingConnection handler = new ReadOnlyEnforcingConnection(this, openWriter());
        return (Connection) Proxy.newProxyInstance(InMemoryDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    /** Not supported: the database has fixed users. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("an in-memory database has fixed users; use getConnection()");
    }

    /** A plain read-write H2 session. */
    Connection openWriter() throws SQLException {
        checkOpen();
        return writer.getConnection();
    }

    /**
     * A plain H2 session of the reader, after granting it {@code SELECT} on every schema that exists now, so
     * tables and schemas created since the last read-only transaction are readable too.
     *
     * @param admin an auto-commit session of the writer, used for the grants
     */
    Connection openReader(Connection admin) throws SQLException {
        checkOpen();
        List<String> schemas = new ArrayList<>();
        try (var statement = admin.createStatement();
                var rs = statement.executeQuery("select schema_name from information_schema.schemata"
                        + " where schema_name not in ('information_schema', 'pg_catalog')")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        for (String schema : schemas) {
            InMemoryDatabase.execute(admin, "grant select on schema \"" + schema.replace("\"", "\"\"") + "\" to "
                    + READER);
        }
        return reader.getConnection();
    }

    /** Drops the database; later connections fail. Never throws. */
    void shutdown() {
        closed = true;
        try (Connection connection = writer.getConnection()) {
            InMemoryDatabase.execute(connection, "shutdown");
        } catch (SQLException e) {
            // Already gone: nothing left to drop.
        }
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("the in-memory database " + url + " is closed", "08003");
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // H2 logs through its own trace settings.
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // Opening an in-memory session never waits.
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("java.util.logging is not used");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
