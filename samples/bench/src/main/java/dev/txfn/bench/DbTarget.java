package dev.txfn.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where an implementation under test connects: a pgjdbc URL that names the user, plus the password if there is
 * one (kept apart so it is never part of a printed URL). Immutable and thread-safe.
 *
 * @param jdbcUrl a {@code jdbc:postgresql:} URL, directly to the server or through a round-trip counter
 * @param password the password, empty if none is needed
 */
public record DbTarget(String jdbcUrl, String password) {

    /** Never shows the password. */
    @Override
    public String toString() {
        return "DbTarget[" + jdbcUrl.replaceAll("password=[^&]*", "password=***")
                + (password.isEmpty() ? "" : ", password=***") + "]";
    }

    /**
     * Opens a plain, unpooled connection in auto-commit mode.
     *
     * @return the connection; the caller closes it
     * @throws SQLException if it cannot be opened
     */
    Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl, properties);
    }
}
