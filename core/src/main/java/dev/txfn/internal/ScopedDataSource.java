package dev.txfn.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source for a tool that speaks plain JDBC (Flyway, Liquibase) during one call of
 * {@code Database.useDataSource}: every {@link #getConnection()} opens a new connection with the pool's URL,
 * driver properties and credentials, and once the call is over it opens none. Thread-safe.
 */
public final class ScopedDataSource implements DataSource {
    private final String url;
    private final Properties properties;
    private volatile boolean open = true;
    private volatile int loginTimeoutSeconds;

    /**
     * Creates it.
     *
     * @param url the JDBC URL
     * @param properties the driver properties, credentials included; copied
     */
    public ScopedDataSource(String url, Properties properties) {
        this.url = url;
        this.properties = new Properties();
        this.properties.putAll(properties);
    }

    /** From now on no connection is opened. */
    public void end() {
        open = false;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!open) {
            throw new SQLException("this data source was lent to Database.useDataSource and that call is over",
                    "08003");
        }
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the data source has the database's own credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // The driver logs through java.util.logging.
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no parent logger");
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

    @Override
    public String toString() {
        return "ScopedDataSource[" + url + (open ? "" : ", ended") + "]";
    }
}
