package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.txfn.testing.RoundTripCounter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failover as the client sees it: two PostgreSQL servers of the test's own on 127.0.0.1, and a proxy in front
 * playing the cluster endpoint. The old writer turns read-only ({@code default_transaction_read_only}, as a
 * demoted writer refuses writes with 25006) while the endpoint still names it; then the endpoint is repointed
 * to the other, writable server.
 */
class FailoverTest {
    private static final String APP = "txfn-failover-test";
    private static EmbeddedPostgres oldWriter;
    private static EmbeddedPostgres newWriter;

    @BeforeAll
    static void startServers() throws IOException {
        oldWriter = start();
        newWriter = start();
    }

    @AfterAll
    static void stopServers() {
        try {
            stop(oldWriter);
        } finally {
            stop(newWriter);
        }
    }

    @BeforeEach
    void writableServersWithAnEmptyTable() {
        for (EmbeddedPostgres server : List.of(oldWriter, newWriter)) {
            setReadOnly(server, false);
            execute(server, "drop table if exists failover_write; create table failover_write(id bigint primary key)");
        }
    }

    @Test
    void writeOnAServerThatBecameReadOnlyIsReRunOnTheServerTheEndpointNamesNext() throws Exception {
        try (RoundTripCounter endpoint = RoundTripCounter.start("127.0.0.1", oldWriter.getPort());
                Database db = through(endpoint, 1).build()) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("insert into failover_write values (1)"));
            demote(oldWriter, tx);

            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> tx.withDeadline(Instant.now().plusMillis(400)).useTransaction(h -> {
                runs.incrementAndGet();
                h.execute("insert into failover_write values (2)");
            })).satisfies(FailoverTest::readOnlyServerUntilTheDeadline);
            assertThat(runs).hasValueGreaterThan(1);

            CompletableFuture<Long> write = CompletableFuture.supplyAsync(() -> {
                tx.withDeadline(Instant.now().plusSeconds(10))
                        .useTransaction(h -> h.execute("insert into failover_write values (3)"));
                return System.nanoTime();
            });
            Thread.sleep(300);
            long switched = System.nanoTime();
            endpoint.switchTo("127.0.0.1", newWriter.getPort());
            long written = write.get(15, TimeUnit.SECONDS);

            assertThat(Duration.ofNanos(written - switched)).isLessThan(Duration.ofSeconds(2));
            assertThat(ids(oldWriter)).containsExactly(1L);
            assertThat(ids(newWriter)).containsExactly(3L);
            int port = tx.readOnly(h -> h.createQuery("select current_setting('port')::int").mapTo(Integer.class).one());
            assertThat(port).isEqualTo(newWriter.getPort());
            awaitNoSessions(oldWriter); // the connection to the read-only server was closed, not kept for later
        }
    }

    @Test
    void aHikariPoolHandedOverDirectlyAlsoReplacesItsConnectionToTheReadOnlyServer() throws Exception {
        try (RoundTripCounter endpoint = RoundTripCounter.start("127.0.0.1", oldWriter.getPort());
                HikariDataSource pool = hikari(endpoint)) {
            Tx tx = Tx.create(pool);
            tx.useTransaction(h -> h.execute("insert into failover_write values (1)"));
            demote(oldWriter, tx);
            endpoint.switchTo("127.0.0.1", newWriter.getPort());

            tx.withDeadline(Instant.now().plusSeconds(5))
                    .useTransaction(h -> h.execute("insert into failover_write values (2)"));

            assertThat(ids(oldWriter)).containsExactly(1L);
            assertThat(ids(newWriter)).containsExactly(2L);
        }
    }

    @Test
    void withoutADeadlineReRunsStopAfterThePoolsConnectionTimeout() throws InterruptedException {
        try (RoundTripCounter endpoint = RoundTripCounter.start("127.0.0.1", oldWriter.getPort());
                Database db = through(endpoint, 1).connectionTimeout(Duration.ofMillis(500)).build()) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("insert into failover_write values (1)"));
            demote(oldWriter, tx);

            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> tx.useTransaction(h -> {
                runs.incrementAndGet();
                h.execute("insert into failover_write values (2)");
            })).isInstanceOfSatisfying(ReadOnlyServerException.class,
                    e -> assertThat(e.attempts()).isEqualTo(runs.get()).isGreaterThan(1));
            assertThat(ids(oldWriter)).containsExactly(1L);
            assertThat(db.activeConnections()).isZero();
        }
    }

    @Test
    void writeAfterTheEndpointCutItsConnectionsAndSwitchedLandsOnceOnTheNewServer() {
        try (RoundTripCounter endpoint = RoundTripCounter.start("127.0.0.1", oldWriter.getPort());
                Database db = through(endpoint, 1).build()) {
            Tx tx = Tx.create(db);
            tx.useTransaction(h -> h.execute("insert into failover_write values (1)"));

            endpoint.switchTo("127.0.0.1", newWriter.getPort());
            assertThat(endpoint.cutAllConnections()).isEqualTo(1);
            AtomicInteger runs = new AtomicInteger();
            tx.useTransaction(h -> {
                runs.incrementAndGet();
                h.execute("insert into failover_write values (2)");
            });

            assertThat(runs).hasValue(2); // the first run found its connection dead before any statement completed
            assertThat(ids(oldWriter)).containsExactly(1L);
            assertThat(ids(newWriter)).containsExactly(2L);
        }
    }

    @Test
    void concurrentWritesThroughAFailoverLoseNothingAndStoreNothingTwice() throws Exception {
        int writers = 4;
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        Map<Long, Throwable> failed = new ConcurrentHashMap<>();
        AtomicLong nextId = new AtomicLong();
        AtomicLong firstSuccessAfterSwitch = new AtomicLong();
        AtomicLong switchedAt = new AtomicLong();
        AtomicInteger reRunsOnReadOnlyServer = new AtomicInteger();
        AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE); // until told when
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (RoundTripCounter endpoint = RoundTripCounter.start("127.0.0.1", oldWriter.getPort());
                Database db = through(endpoint, writers).build()) {
            Tx tx = Tx.builder(db).listener(new TxListener() {
                @Override
                public void onRetry(TxEvent event, Duration backoff) {
                    if (event.failure() instanceof ReadOnlyServerException) {
                        reRunsOnReadOnlyServer.incrementAndGet();
                    }
                }
            }).build();
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                running.add(pool.submit(() -> {
                    while (stopAt.get() == Long.MAX_VALUE || System.nanoTime() - stopAt.get() < 0) {
                        long id = nextId.incrementAndGet();
                        try {
                            tx.withDeadline(Instant.now().plusSeconds(5))
                                    .useTransaction(h -> h.execute("insert into failover_write values (?)", id));
                            acknowledged.add(id);
                            long switched = switchedAt.get();
                            if (switched != 0) {
                                firstSuccessAfterSwitch.compareAndSet(0, System.nanoTime());
                            }
                        } catch (TxException e) {
                            failed.put(id, e);
                        }
                    }
                }));
            }
            awaitAtLeast(acknowledged::size, 10, "writes acknowledged by the old writer");
            setReadOnly(oldWriter, true);
            awaitAtLeast(reRunsOnReadOnlyServer::get, writers, "re-runs after meeting the read-only server");
            switchedAt.set(System.nanoTime());
            endpoint.switchTo("127.0.0.1", newWriter.getPort());
            stopAt.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000));
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }

            List<Long> stored = new ArrayList<>(ids(oldWriter));
            stored.addAll(ids(newWriter));
            assertThat(failed).isEmpty();
            assertThat(stored).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acknowledged);
            assertThat(ids(newWriter)).isNotEmpty();
            assertThat(Duration.ofNanos(firstSuccessAfterSwitch.get() - switchedAt.get()))
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(idleInTransaction(oldWriter) + idleInTransaction(newWriter)).isZero();
        } finally {
            stopAt.compareAndSet(Long.MAX_VALUE, System.nanoTime());
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("writers stopped").isTrue();
        }
    }

    @Test
    void writeRefusedInATransactionAskedToBeReadOnlyIsNotReRunAndKeepsItsConnection() {
        try (RoundTripCounter endpoint = RoundTripCounter.start("127.0.0.1", newWriter.getPort());
                Database db = through(endpoint, 1).build()) {
            Tx tx = Tx.create(db);
            int pid = tx.inTransaction(h -> h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one());
            AtomicInteger runs = new AtomicInteger();

            assertThatThrownBy(() -> tx.inTransaction(TxOptions.defaults().withReadOnly(true), h -> {
                runs.incrementAndGet();
                return h.execute("insert into failover_write values (1)");
            })).isExactlyInstanceOf(DatabaseException.class)
                    .satisfies(e -> assertThat(((TxException) e).sqlState()).isEqualTo("25006"));

            assertThat(runs).hasValue(1);
            int pidAfter = tx.inTransaction(h -> h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one());
            assertThat(pidAfter).isEqualTo(pid);
        }
    }

    /**
     * Given up at the deadline: the read-only server's refusal, or the deadline itself when it cut the last re-run
     * short, with that refusal attached.
     */
    private static void readOnlyServerUntilTheDeadline(Throwable failure) {
        Throwable refusal = failure instanceof DeadlineExceededException
                ? Arrays.stream(failure.getSuppressed()).filter(ReadOnlyServerException.class::isInstance).findFirst()
                        .orElseThrow(() -> new AssertionError("no read-only server refusal attached", failure))
                : failure;
        assertThat(refusal).isInstanceOf(ReadOnlyServerException.class)
                .hasMessageStartingWith("the server is read-only");
        assertThat(((TxException) refusal).isTransient()).isTrue();
    }

    private static HikariDataSource hikari(RoundTripCounter endpoint) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(endpoint.jdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(1);
        config.setPoolName("txfn-failover-plain");
        return new HikariDataSource(config);
    }

    private static Database.Builder through(RoundTripCounter endpoint, int poolSize) {
        return Database.builder().jdbcUrl(endpoint.jdbcUrl("postgres", "postgres")).maximumPoolSize(poolSize)
                .applicationName(APP);
    }

    /** Makes the server read-only and waits until the pool's idle connection to it has seen that too. */
    private static void demote(EmbeddedPostgres server, Tx tx) throws InterruptedException {
        setReadOnly(server, true);
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"on".equals(tx.readOnly(h -> h.createQuery("show default_transaction_read_only")
                .mapTo(String.class).one()))) {
            assertThat(System.nanoTime() - giveUp).as("the pooled session saw the reload").isNegative();
            Thread.sleep(20);
        }
    }

    /** As a demoted writer: every new transaction is read-only. Returns once a new session sees it. */
    private static void setReadOnly(EmbeddedPostgres server, boolean on) {
        execute(server, on ? "alter system set default_transaction_read_only = on"
                : "alter system reset default_transaction_read_only");
        execute(server, "select pg_reload_conf()");
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(on ? "on" : "off").equals(query(server, "show default_transaction_read_only").get(0))) {
            assertThat(System.nanoTime() - giveUp).as("the server reloaded its configuration").isNegative();
            sleep(20);
        }
    }

    private static void awaitAtLeast(IntSupplier count, int atLeast, String what) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.getAsInt() < atLeast) {
            assertThat(System.nanoTime() - giveUp).as("%s: %s, awaited %s", what, count.getAsInt(), atLeast)
                    .isNegative();
            Thread.sleep(10);
        }
    }

    private static void awaitNoSessions(EmbeddedPostgres server) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sessions(server) > 0) {
            assertThat(System.nanoTime() - giveUp).as("sessions of %s on the old writer", APP).isNegative();
            Thread.sleep(20);
        }
    }

    private static long sessions(EmbeddedPostgres server) {
        return Long.parseLong(query(server, "select count(*) from pg_stat_activity where application_name = '"
                + APP + "'").get(0));
    }

    private static long idleInTransaction(EmbeddedPostgres server) {
        return Long.parseLong(query(server, "select count(*) from pg_stat_activity where state like 'idle in"
                + " transaction%'").get(0));
    }

    private static List<Long> ids(EmbeddedPostgres server) {
        return query(server, "select id from failover_write order by id").stream().map(Long::valueOf).toList();
    }

    private static List<String> query(EmbeddedPostgres server, String sql) {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(EmbeddedPostgres server, String sql) {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EmbeddedPostgres start() throws IOException {
        Map<String, String> config = new HashMap<>();
        config.put("listen_addresses", "127.0.0.1");
        config.put("max_connections", "30");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setRegisterShutdownHook(false);
        config.forEach(builder::setServerConfig);
        return builder.start();
    }

    private static void stop(EmbeddedPostgres server) {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new IllegalStateException("could not stop a test server", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
