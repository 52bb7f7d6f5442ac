package dev.txfn.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txfn.Database;
import dev.txfn.Isolation;
import dev.txfn.Tx;
import dev.txfn.TxOptions;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.RoundTripCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** {@link TxfnMetrics} bound to a {@link SimpleMeterRegistry}, with transactions on real PostgreSQL. */
class TxfnMetricsTest {

    @Test
    void metersShowCommitsRollbacksRetriesByCauseAndConnectionWaits() {
        admin("drop table if exists micrometer_counter; create table micrometer_counter(id int primary key,"
                + " n int not null); insert into micrometer_counter values (1, 0)");
        try (Database db = database("txfn-micrometer")) {
            Tx tx = Tx.create(db);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            TxfnMetrics.of(tx).withTags(Tags.of("db", "test")).bindTo(registry);

            tx.useTransaction(h -> h.execute("select 1"));
            assertThatThrownBy(() -> tx.useTransaction(h -> {
                throw new IllegalStateException("the callback gave up");
            })).isInstanceOf(IllegalStateException.class);
            incrementAfterARealSerializationFailure(tx);

            assertThat(count(registry, "txfn.transactions", "outcome", "committed")).isEqualTo(2);
            // The callback that gave up, and the attempt that met the serialization failure.
            assertThat(count(registry, "txfn.transactions", "outcome", "rolled_back")).isEqualTo(2);
            assertThat(count(registry, "txfn.transactions", "outcome", "commit_unknown")).isZero();
            assertThat(count(registry, "txfn.retries", "cause", "serialization_failure")).isEqualTo(1);
            assertThat(count(registry, "txfn.retries", "cause", "deadlock")).isZero();
            assertThat(count(registry, "txfn.connections.opened", "db", "test")).isEqualTo(1);
            assertThat(count(registry, "txfn.connection.timeouts", "db", "test")).isZero();
            FunctionTimer wait = registry.get("txfn.connection.wait").tag("db", "test").functionTimer();
            assertThat(wait.count()).isEqualTo(4);
            assertThat(wait.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        }
    }

    @Test
    void hikariMetricsArePassedOnBesideTxfnsOwn() {
        try (Database db = database("txfn-micrometer-hikari")) {
            Tx tx = Tx.create(db);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            TxfnMetrics.of(tx).withHikariMetrics().bindTo(registry);

            tx.useTransaction(h -> h.execute("select 1"));
            tx.useTransaction(h -> h.execute("select 2"));

            assertThat(registry.get("hikaricp.connections.creation").tag("pool", "txfn").timer().count())
                    .isEqualTo(1);
            assertThat(registry.get("hikaricp.connections.acquire").tag("pool", "txfn").timer().count())
                    .isEqualTo(2);
            assertThat(registry.get("hikaricp.connections.max").tag("pool", "txfn").gauge().value()).isEqualTo(1);
            assertThat(registry.get("txfn.connections.opened").functionCounter().count()).isEqualTo(1);
        }
    }

    @Test
    void hikariCountsAFirstBorrowThatWaitedInSlicesAsOneWaitAndNoTimeout() {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        // 300 ms a round trip: opening the first connection (one round trip at least) outlasts txfn's 250 ms wait
        // slice, so HikariCP sees at least one slice expire.
        try (RoundTripCounter slowNetwork = RoundTripCounter.start(server.host(), server.port())) {
            slowNetwork.setDelay(Duration.ofMillis(300));
            Database.Builder builder = Database.builder().jdbcUrl(slowNetwork.jdbcUrl(server.database(), server.user()))
                    .maximumPoolSize(1).applicationName("txfn-micrometer-sliced")
                    .transactionPooling(server.behindTransactionPooler());
            if (!server.password().isEmpty()) {
                builder.password(server.password());
            }
            try (Database db = builder.build()) {
                Tx tx = Tx.create(db);
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                TxfnMetrics.of(tx).withHikariMetrics().bindTo(registry);

                long started = System.nanoTime();
                tx.useTransaction(h -> h.execute("select 1"));
                long tookNanos = System.nanoTime() - started;

                Timer acquire = registry.get("hikaricp.connections.acquire").tag("pool", "txfn").timer();
                assertThat(acquire.count()).as("HikariCP's waits for one borrow").isEqualTo(1);
                assertThat(acquire.totalTime(TimeUnit.NANOSECONDS)).as("the wait is the whole borrow's")
                        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(250)).isLessThanOrEqualTo(tookNanos);
                assertThat(registry.get("hikaricp.connections.timeout").tag("pool", "txfn").counter().count())
                        .as("HikariCP's timeouts for a borrow that got its connection").isZero();
                assertThat(registry.get("txfn.connection.timeouts").functionCounter().count()).isZero();
            }
        }
    }

    @Test
    void hikariMetersSurviveBindingTwiceToOneRegistry() {
        try (Database db = database("txfn-micrometer-hikari-twice")) {
            Tx tx = Tx.create(db);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            TxfnMetrics binder = TxfnMetrics.of(tx).withHikariMetrics();
            binder.bindTo(registry);
            binder.bindTo(registry);

            tx.useTransaction(h -> h.execute("select 1"));

            // Closing the first tracker removes its meters from the registry: it must go before the second
            // registers the same ones, or the registry is left with none of HikariCP's.
            Timer acquire = registry.find("hikaricp.connections.acquire").tag("pool", "txfn").timer();
            assertThat(acquire).as("HikariCP's acquire timer after a second bind").isNotNull();
            assertThat(registry.find("hikaricp.connections.max").tag("pool", "txfn").gauge())
                    .as("HikariCP's max gauge after a second bind").isNotNull();
            // And it is the one the pool records into (the first borrow may count one per wait slice).
            long before = acquire.count();
            tx.useTransaction(h -> h.execute("select 2"));
            assertThat(acquire.count()).as("acquires recorded by the registry's timer").isEqualTo(before + 1);
        }
    }

    @Test
    void hikariMetricsOverAnotherDataSourceAreRefusedWithTheReason() {
        PGSimpleDataSource plain = new PGSimpleDataSource();
        plain.setURL(PostgresTestDatabase.shared().jdbcUrl());
        TxfnMetrics binder = TxfnMetrics.of(Tx.create(plain)).withHikariMetrics();

        assertThatThrownBy(() -> binder.bindTo(new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("HikariCP's meters need a Tx created over a txfn Database");
    }

    private static void incrementAfterARealSerializationFailure(Tx tx) {
        AtomicInteger calls = new AtomicInteger();
        tx.useTransaction(TxOptions.defaults().withIsolation(Isolation.REPEATABLE_READ), h -> {
            h.createQuery("select n from micrometer_counter where id = 1").mapTo(Integer.class).one();
            if (calls.incrementAndGet() == 1) {
                // Another session changes the row this snapshot has read: updating it now fails with 40001.
                admin("update micrometer_counter set n = n + 100 where id = 1");
            }
            h.execute("update micrometer_counter set n = n + 1 where id = 1");
        });
        assertThat(calls).hasValue(2);
    }

    private static double count(SimpleMeterRegistry registry, String name, String tag, String value) {
        return registry.get(name).tag(tag, value).functionCounter().count();
    }

    private static Database database(String applicationName) {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        return Database.builder()
                .jdbcUrl(server.jdbcUrl())
                .maximumPoolSize(1)
                .applicationName(applicationName)
                .transactionPooling(server.behindTransactionPooler())
                .build();
    }

    private static void admin(String sql) {
        try (Connection c = PostgresTestDatabase.shared().openAdminConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("admin statement failed: " + e.getMessage(), e);
        }
    }
}
