package dev.txfn;

import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.RoundTripCounter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;

/** Test support: databases and pools on the shared test server (embedded, or TXFN_TEST_DATABASE_URL). */
final class TestDb {
    private TestDb() {
    }

    static PostgresTestDatabase server() {
        return PostgresTestDatabase.shared();
    }

    /** A pool on the test server whose sessions carry {@code applicationName}. */
    static Database database(int poolSize, String applicationName) {
        return Database.builder()
                .jdbcUrl(server().jdbcUrl())
                .maximumPoolSize(poolSize)
                .applicationName(applicationName)
                .transactionPooling(server().behindTransactionPooler())
                .build();
    }

    /** A pool whose connections go through {@code proxy}. */
    static Database through(RoundTripCounter proxy, int poolSize, String applicationName) {
        return throughBuilder(proxy, poolSize, applicationName).build();
    }

    /** A builder for a pool whose connections go through {@code proxy}. */
    static Database.Builder throughBuilder(RoundTripCounter proxy, int poolSize, String applicationName) {
        PostgresTestDatabase server = server();
        Database.Builder builder = Database.builder()
                .jdbcUrl(proxy.jdbcUrl(server.database(), server.user()))
                .maximumPoolSize(poolSize)
                .applicationName(applicationName)
                .transactionPooling(server.behindTransactionPooler());
        if (!server.password().isEmpty()) {
            builder.password(server.password());
        }
        return builder;
    }

    /**
     * Skips the calling test when the test server is a transaction-mode pooler (TXFN_POOLING=transaction):
     * for tests that need a server session of their own, {@code why} says what for.
     */
    static void assumeOwnServerSession(String why) {
        Assumptions.assumeFalse(server().behindTransactionPooler(),
                "skipped behind a transaction-mode pooler: " + why);
    }

    static RoundTripCounter proxy() {
        return RoundTripCounter.start(server().host(), server().port());
    }

    static void execute(String sql) {
        try (Connection c = server().openAdminConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String sql) {
        try (Connection c = server().openAdminConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
