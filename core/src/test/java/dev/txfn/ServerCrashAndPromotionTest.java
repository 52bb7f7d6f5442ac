package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.RoundTripCounter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Under concurrent writes, the two hard failovers on PostgreSQL clusters of the test's own ({@link PostgresCluster}):
 * the writer crashes (SIGKILL) and starts again on the same port, and a streaming standby is promoted after the
 * primary stops, the endpoint ({@link RoundTripCounter}) repointed to it late. Either way no acknowledged write
 * is lost, none is stored twice, a write whose commit outcome was unknown is looked up, writes started during
 * the outage wait it out rather than fail, the first write succeeds within 2 s of a writable server being
 * reachable after an outage of up to 2 s (see {@link #assertFirstWriteSoonAfter}), and nothing is left idle in
 * transaction. Skipped where PostgreSQL's tools are not installed, and in CI's passes against another server.
 */
class ServerCrashAndPromotionTest {
    private static final String APP = "txfn-crash-test";
    private static final int WRITERS = 4;
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String TABLE = "failover_write";

    @BeforeAll
    static void toolsAndAFirstPass() {
        PostgresCluster.assumeToolsInstalled();
        assumeTrue(System.getenv(PostgresTestDatabase.URL_VARIABLE) == null, "runs on clusters of its own, not on"
                + " the shared test server " + PostgresTestDatabase.URL_VARIABLE + " names: once per CI run is enough");
    }

    @Test
    void writesThroughACrashAndRestartLoseNothingStoreNothingTwiceAndResumeOnceTheServerIsBack() throws Exception {
        try (PostgresCluster server = PostgresCluster.create()) {
            server.start();
            execute(server, "create table " + TABLE + "(id bigint not null)"); // not unique: a double write shows
            try (Database db = pool(server.jdbcUrl());
                    ConcurrentWrites writes = ConcurrentWrites.start(Tx.create(db), TABLE, WRITERS, DEADLINE)) {
                writes.awaitAcknowledged(50);
                server.crash();
                long crashed = System.nanoTime();
                Thread.sleep(300); // down for a moment, as a crashed server is before it restarts
                long restarting = System.nanoTime();
                server.startWithoutWaiting();
                server.awaitAcceptingConnections();
                long accepting = System.nanoTime();
                long firstWrite = writes.awaitAcknowledgedAfter(restarting);
                writes.awaitAcknowledged(writes.acknowledged() + 20);
                writes.stop();

                report("crash", writes, accepting - crashed, firstWrite - accepting);
                assertThat(writes.failedStartingAfter(crashed)).as("writes started while the server was down")
                        .isEmpty();
                writes.assertLostNothingAndStoredNothingTwice(ids(server));
                assertFirstWriteSoonAfter(accepting - crashed, firstWrite - accepting);
                assertThat(idleInTransaction(server)).isZero();
                assertThat(db.activeConnections()).isZero();
            }
        }
    }

    @Test
    void writesThroughAPromotionBehindALateEndpointAreReRunUntilTheyLandOnceOnThePromotedServer() throws Exception {
        try (PostgresCluster primary = PostgresCluster.create()) {
            primary.start();
            execute(primary, "create table " + TABLE + "(id bigint not null)");
            try (PostgresCluster standby = primary.standby()) {
                standby.start();
                // Synchronous, as RDS Multi-AZ: an acknowledged commit is on the standby too. Set after the base
                // backup, so that the promoted standby does not wait for a standby of its own.
                execute(primary, "alter system set synchronous_standby_names = '*'");
                execute(primary, "select pg_reload_conf()");
                awaitSynchronousStandby(primary);
                try (RoundTripCounter endpoint = RoundTripCounter.start("127.0.0.1", primary.port());
                        Database db = pool(endpoint.jdbcUrl("postgres", "postgres"));
                        ConcurrentWrites writes = ConcurrentWrites.start(Tx.create(db), TABLE, WRITERS, DEADLINE)) {
                    writes.awaitAcknowledged(50);
                    primary.stop();
                    long down = System.nanoTime();
                    Thread.sleep(500); // the endpoint still names the stopped server
                    standby.promote();
                    Thread.sleep(500); // ... and goes on naming it a little after the promotion
                    long switched = System.nanoTime();
                    endpoint.switchTo("127.0.0.1", standby.port());
                    long firstWrite = writes.awaitAcknowledgedAfter(switched);
                    writes.awaitAcknowledged(writes.acknowledged() + 20);
                    writes.stop();

                    assertThat(writes.failedStartingAfter(down)).as("writes started while the endpoint named the"
                            + " stopped server").isEmpty();
                    assertThat(writes.acknowledgedBetween(down, switched)).as("writes acknowledged while the"
                            + " endpoint named the stopped server").isZero();
                    assertThat(writes.acknowledgedAfterStartingBefore(switched)).as("writes that waited for the"
                            + " endpoint").isPositive();
                    report("promotion", writes, switched - down, firstWrite - switched);
                    writes.assertLostNothingAndStoredNothingTwice(ids(standby));
                    assertFirstWriteSoonAfter(switched - down, firstWrite - switched);
                    assertThat(idleInTransaction(standby)).isZero();
                    assertThat(db.activeConnections()).isZero();
                }
            }
        }
    }

    private static Database pool(String jdbcUrl) {
        return Database.builder().jdbcUrl(jdbcUrl).maximumPoolSize(WRITERS).applicationName(APP).build();
    }

    /**
     * Within 2 s of a writable server being reachable, after an outage of up to 2 s. After a longer one the pool
     * can be later: HikariCP opens connections on one thread of its own that, after each failure, sleeps twice as
     * long as the time before (10 ms doubling to 5 s), so its next try after an outage of t comes up to about t
     * later, 5 s at most. txfn does not shorten that yet; a restart on a busy machine can exceed 2 s.
     */
    private static void assertFirstWriteSoonAfter(long outageNanos, long firstWriteNanos) {
        Duration outage = Duration.ofNanos(outageNanos);
        Duration bound = outage.compareTo(Duration.ofSeconds(2)) <= 0 ? Duration.ofSeconds(2)
                : outage.plusSeconds(1);
        assertThat(Duration.ofNanos(firstWriteNanos)).as("first write after an outage of %s", outage)
                .isLessThan(bound);
    }

    /** What happened, for the build log: the figures behind the assertions. */
    private static void report(String fault, ConcurrentWrites writes, long outageNanos, long firstWriteNanos) {
        System.out.printf("%s: no writable server for %d ms; first write %d ms after one was reachable; %d writes"
                + " acknowledged; failed: %s%n", fault, TimeUnit.NANOSECONDS.toMillis(outageNanos),
                TimeUnit.NANOSECONDS.toMillis(firstWriteNanos), writes.acknowledged(), writes.failed().values().stream()
                        .map(e -> e.getClass().getSimpleName()).toList());
    }

    private static void awaitSynchronousStandby(PostgresCluster primary) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (query(primary, "select count(*) from pg_stat_replication where sync_state = 'sync'"
                + " and state = 'streaming'").get(0) == 0) {
            assertThat(System.nanoTime() - giveUp).as("the standby streams synchronously").isNegative();
            Thread.sleep(20);
        }
    }

    private static long idleInTransaction(PostgresCluster server) {
        return query(server, "select count(*) from pg_stat_activity where state like 'idle in transaction%'").get(0);
    }

    private static List<Long> ids(PostgresCluster server) {
        return query(server, "select id from " + TABLE);
    }

    private static List<Long> query(PostgresCluster server, String sql) {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<Long> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(PostgresCluster server, String sql) {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
