package dev.txfn.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.lambda.internal.InvocationRunner;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.RoundTripCounter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.junit.jupiter.api.Test;

/** The SnapStart (CRaC) hooks, invoked directly: no socket survives a checkpoint, the pool reconnects after. */
class SnapStartTest {

    @Test
    void beforeCheckpointClosesIdleConnections() throws Exception {
        assumeFalse(PostgresTestDatabase.shared().behindTransactionPooler(),
                "behind a transaction-mode pooler: it counts the client's server sessions by application_name, and"
                        + " those are the pooler's");
        String app = "txfn-snap-close";
        try (Database db = database(app)) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("select 1"));
            assertThat(db.totalConnections()).isEqualTo(1);
            assertThat(sessions(app)).isEqualTo(1);

            SnapStart.resourceFor(db).beforeCheckpoint(Core.getGlobalContext());

            assertThat(db.totalConnections()).isZero();
            awaitNoSessions(app);
        }
    }

    @Test
    void transactionAfterRestoreRunsOnANewBackend() throws Exception {
        assumeFalse(PostgresTestDatabase.shared().behindTransactionPooler(),
                "behind a transaction-mode pooler: consecutive transactions may share a backend whatever the client"
                        + " does, so its pid proves nothing");
        String app = "txfn-snap-restore";
        try (Database db = database(app)) {
            Tx tx = Tx.create(db);
            int before = tx.inTransaction(h -> h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one());
            Resource resource = SnapStart.resourceFor(db);
            resource.beforeCheckpoint(Core.getGlobalContext());
            awaitNoSessions(app);

            resource.afterRestore(Core.getGlobalContext());
            int after = tx.inTransaction(h -> h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one());

            assertThat(after).isNotEqualTo(before);
            assertThat(db.totalConnections()).isEqualTo(1);
            assertThat(db.activeConnections()).isZero();
        }
    }

    @Test
    void beforeCheckpointWaitsForTheWarmUpThenClosesItsConnection() throws Exception {
        String app = "txfn-snap-warm";
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        try (RoundTripCounter proxy = RoundTripCounter.start(server.host(), server.port());
                Database db = Database.builder().jdbcUrl(proxy.jdbcUrl(server.database(), server.user()))
                        .password(server.password().isEmpty() ? null : server.password())
                        .maximumPoolSize(1).applicationName(app).build()) {
            proxy.setDelay(Duration.ofMillis(100)); // the warm-up takes several delayed round trips
            Tx tx = Tx.create(db);
            CompletableFuture<Void> warmUp = tx.warmUp();
            SnapStart.awaitBeforeCheckpoint(db, warmUp);
            assertThat(warmUp).isNotDone();

            SnapStart.resourceFor(db).beforeCheckpoint(Core.getGlobalContext());

            // The warm-up's transaction ran to its end before the pool was emptied: nothing is left to capture.
            assertThat(warmUp).isCompleted();
            assertThat(db.activeConnections()).isZero();
            assertThat(db.totalConnections()).isZero();
            awaitNoSessions(app);
        }
    }

    @Test
    void connectionCheckedOutAtCheckpointClosesWhenReturned() throws Exception {
        String app = "txfn-snap-busy";
        try (Database db = database(app)) {
            Tx tx = Tx.create(db);

            tx.useTransaction(h -> {
                h.execute("select 1");
                SnapStart.resourceFor(db).beforeCheckpoint(Core.getGlobalContext()); // warns: one checked out
                assertThat(db.activeConnections()).isEqualTo(1);
            });

            assertThat(db.totalConnections()).isZero();
            awaitNoSessions(app);
        }
    }

    @Test
    void registeringTwiceRegistersOnce() {
        try (Database db = database("txfn-snap-register")) {
            CountingContext context = new CountingContext();

            SnapStart.register(db, context);
            SnapStart.register(db, context);
            SnapStart.register(db);

            assertThat(context.registered).containsExactly(SnapStart.resourceFor(db));
            assertThat(SnapStart.resourceFor(db)).isSameAs(SnapStart.resourceFor(db));
        }
    }

    @Test
    void invocationRunnerRegistersTheDatabaseOfItsSettings() {
        try (Database db = database("txfn-snap-runner")) {
            new InvocationRunner(Tx.create(db), InvocationSettings.defaults().withDatabase(db), "event");
            CountingContext context = new CountingContext();

            SnapStart.register(db, context);

            assertThat(context.registered).as("already registered with the global context").isEmpty();
        }
    }

    @Test
    void eachDatabaseHasItsOwnResource() {
        try (Database first = database("txfn-snap-first"); Database second = database("txfn-snap-second")) {
            CountingContext context = new CountingContext();

            SnapStart.register(first, context);
            SnapStart.register(second, context);

            assertThat(context.registered).hasSize(2).doesNotHaveDuplicates();
        }
    }

    /** Records registrations; the hooks of the context itself are never run here. */
    private static final class CountingContext extends Context<Resource> {
        final List<Resource> registered = new ArrayList<>();

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
        }

        @Override
        public void register(Resource resource) {
            registered.add(resource);
        }
    }

    private static Database database(String applicationName) {
        return Database.builder()
                .jdbcUrl(PostgresTestDatabase.shared().jdbcUrl())
                .maximumPoolSize(1)
                .applicationName(applicationName)
                .build();
    }

    private static void awaitNoSessions(String app) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long found;
        while ((found = sessions(app)) != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(found + " session(s) of " + app + " still open after 2 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private static long sessions(String app) {
        try (Connection c = PostgresTestDatabase.shared().openAdminConnection();
                PreparedStatement s = c.prepareStatement(
                        "select count(*) from pg_stat_activity where application_name = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
