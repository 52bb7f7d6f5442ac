package dev.txfn.testing;

import dev.txfn.Database;
import dev.txfn.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Assertions that an application is settled, the state txfn promises at the end of every invocation: no
 * transaction of the {@link Tx} running, no connection checked out of the {@link Database}, and no server
 * session of the application {@code idle in transaction}. The server side is read from
 * {@code pg_stat_activity} of {@link PostgresTestDatabase#shared()}, so the application's sessions must carry
 * a distinctive {@code application_name} ({@link Database.Builder#applicationName(String)}).
 *
 * <pre>{@code
 * handler.handleRequest(event, context);
 * SettleAssertions.assertSettled(tx, db, "orders-test");
 * }</pre>
 *
 * <p>Call them when the application should be at rest, never from inside a transaction (except to show that
 * it is not settled). Stateless and thread-safe.
 */
public final class SettleAssertions {

    private static final String IDLE_IN_TRANSACTION_SESSIONS = "select pid, state,"
            + " (extract(epoch from clock_timestamp() - state_change) * 1000)::bigint as idle_ms,"
            + " left(query, 200) as last_query"
            + " from pg_stat_activity"
            + " where application_name = ? and pid <> pg_backend_pid()"
            + " and state in ('idle in transaction', 'idle in transaction (aborted)')"
            + " order by pid";

    private SettleAssertions() {
    }

    /**
     * Asserts that {@code tx} runs no transaction ({@link Tx#openTransactions()}), {@code database} has no
     * connection checked out ({@link Database#activeConnections()}) and no session whose
     * {@code application_name} is {@code applicationName} is {@code idle in transaction} or
     * {@code idle in transaction (aborted)}. Every violation found is listed in the one error.
     *
     * @param tx the application's transaction runner
     * @param database the pool {@code tx} takes its connections from
     * @param applicationName the {@code application_name} of the application's sessions
     * @throws AssertionError if the application is not settled; the message lists each violation, and each
     *     offending session with its pid, state, time idle and last statement
     * @throws IllegalArgumentException if {@code applicationName} is empty
     * @throws IllegalStateException if {@code pg_stat_activity} cannot be queried
     */
    public static void assertSettled(Tx tx, Database database, String applicationName) {
        Objects.requireNonNull(tx, "tx");
        Objects.requireNonNull(database, "database");
        checkName(applicationName);
        List<String> violations = new ArrayList<>();
        int open = tx.openTransactions();
        if (open != 0) {
            violations.add(open + " transaction(s) of the Tx still open (Tx.openTransactions() = " + open + ")");
        }
        int active = database.activeConnections();
        if (active != 0) {
            violations.add(active + " connection(s) checked out of the Database pool"
                    + " (Database.activeConnections() = " + active + ")");
        }
        violations.addAll(idleInTransaction(applicationName));
        fail(applicationName, violations);
    }

    /**
     * Asserts that no server session whose {@code application_name} is {@code applicationName} is
     * {@code idle in transaction} or {@code idle in transaction (aborted)}, whoever opened it.
     *
     * @param applicationName the {@code application_name} of the sessions to check
     * @throws AssertionError if such a session exists; the message lists each with its pid, state, time idle
     *     and last statement
     * @throws IllegalArgumentException if {@code applicationName} is empty
     * @throws IllegalStateException if {@code pg_stat_activity} cannot be queried
     */
    public static void assertNoSessionIdleInTransaction(String applicationName) {
        checkName(applicationName);
        fail(applicationName, idleInTransaction(applicationName));
    }

    private static void checkName(String applicationName) {
        Objects.requireNonNull(applicationName, "applicationName");
        if (applicationName.isEmpty()) {
            throw new IllegalArgumentException("applicationName must not be empty: sessions without one cannot be"
                    + " told apart");
        }
    }

    private static void fail(String applicationName, List<String> violations) {
        if (!violations.isEmpty()) {
            throw new AssertionError("application '" + applicationName + "' is not settled: "
                    + String.join("; ", violations));
        }
    }

    private static List<String> idleInTransaction(String applicationName) {
        List<String> sessions = new ArrayList<>();
        try (Connection connection = PostgresTestDatabase.shared().openAdminConnection();
                PreparedStatement statement = connection.prepareStatement(IDLE_IN_TRANSACTION_SESSIONS)) {
            statement.setString(1, applicationName);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    sessions.add("pid " + rs.getInt("pid") + " " + rs.getString("state") + " for "
                            + rs.getLong("idle_ms") + " ms after: " + rs.getString("last_query"));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not query pg_stat_activity of " + PostgresTestDatabase.shared(),
                    e);
        }
        if (sessions.isEmpty()) {
            return List.of();
        }
        return List.of(sessions.size() + " session(s) with application_name '" + applicationName + "' idle in"
                + " transaction per pg_stat_activity: " + String.join(", ", sessions));
    }
}
