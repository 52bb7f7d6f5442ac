package dev.txfn.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Cold-start variant 1, the baseline: a minimal handler written with raw JDBC. Its constructor only remembers the
 * URL; the first request opens a pgjdbc connection (found through {@link DriverManager}), runs one SELECT in a
 * transaction and commits. Run as a child process by {@link ColdStartMeasure}:
 * {@code DATABASE_URL=jdbc:postgresql:... java -cp bench.jar dev.txfn.bench.ColdStartRawJdbc}.
 */
public final class ColdStartRawJdbc {

    private final String jdbcUrl;
    private Connection connection; // opened by the first request, kept for the container's life

    ColdStartRawJdbc(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    String handle(long id) throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(jdbcUrl);
        }
        connection.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement(BenchSchema.SELECT_NAME)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String name = rs.getString(1);
                connection.commit();
                return name;
            }
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /**
     * Starts, serves one request, prints the timings and exits.
     *
     * @param args none
     * @throws SQLException if the transaction fails
     */
    public static void main(String[] args) throws SQLException {
        long mainNanos = System.nanoTime();
        ColdStartRawJdbc handler = new ColdStartRawJdbc(ColdStartProbe.jdbcUrl());
        long setupNanos = System.nanoTime();
        String result = handler.handle(ColdStartProbe.THING_ID);
        long resultNanos = System.nanoTime();
        ColdStartProbe.report(mainNanos, setupNanos, resultNanos, System.currentTimeMillis(), result);
    }
}
