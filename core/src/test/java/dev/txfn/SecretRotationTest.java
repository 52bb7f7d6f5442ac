package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A password kept in Secrets Manager rotating under load, against a PostgreSQL with scram-sha-256 password
 * authentication and a real HTTP server playing the Lambda extension and the Secrets Manager API. New
 * connections are forced all along (idle ones evicted every 100 ms), since a session already logged in
 * survives a password change. The default 10 s connection timeout applies.
 */
class SecretRotationTest {
    private static final int THREADS = 4;
    private static final Duration LAG = Duration.ofSeconds(3);
    private static ScramPostgres server;
    private SecretsEndpoints endpoints;

    @BeforeAll
    static void startServer() {
        server = ScramPostgres.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void stopEndpoints() {
        if (endpoints != null) {
            endpoints.close();
        }
    }

    private Database database(CredentialsSource source) {
        return Database.builder().host("127.0.0.1").port(server.port()).database("postgres")
                .maximumPoolSize(THREADS).applicationName("txfn-rotation-test").credentials(source).build();
    }

    /** Counts the refusals the pool reports, to prove the rotation window was hit. */
    private static final class CountingSource implements CredentialsSource {
        final CredentialsSource delegate;
        final AtomicInteger refusals = new AtomicInteger();

        CountingSource(CredentialsSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Credentials get() {
            return delegate.get();
        }

        @Override
        public boolean passwordRejected() {
            refusals.incrementAndGet();
            return delegate.passwordRejected();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }

    private SecretsManagerCredentials source() {
        return SecretsManagerCredentials.fromEnv(SecretsEndpoints.SECRET_ID, "secretId", endpoints.environment());
    }

    @Test
    void serverTakingTheNewPasswordBeforeTheSecretCostsNoFailedTransaction() throws Exception {
        server.createRole("rotation_server_first", "pw-old");
        endpoints = SecretsEndpoints.start(SecretsEndpoints.rdsSecret("rotation_server_first", "pw-old"));
        // The extension's cache keeps the old value throughout: only a read that bypasses it sees the new one.
        endpoints.freezeExtensionCache();
        CountingSource source = new CountingSource(source());
        try (Database db = database(source)) {
            Load load = Load.start(db);
            Thread.sleep(1_000);
            server.alterPassword("rotation_server_first", "pw-new");
            Thread.sleep(LAG.toMillis());
            endpoints.setSecret(SecretsEndpoints.rdsSecret("rotation_server_first", "pw-new"));
            int committedBeforeTheEnd = load.committed.get();
            // HikariCP doubles its pause between failed attempts up to 5 s: the next one may come that late.
            Thread.sleep(5_000);
            load.stopAndAssertNoFailure(committedBeforeTheEnd);
            assertThat(source.refusals.get()).as("refused connection attempts").isPositive();
            assertThat(endpoints.apiReads.get()).as("reads bypassing the extension's cache").isPositive();
        }
    }

    @Test
    void secretTakingTheNewPasswordBeforeTheServerCostsNoFailedTransaction() throws Exception {
        server.createRole("rotation_secret_first", "pw-old");
        endpoints = SecretsEndpoints.start(SecretsEndpoints.rdsSecret("rotation_secret_first", "pw-old"));
        // No cache of txfn's own: every new connection reads the secret, so the new value is tried at once.
        CountingSource source = new CountingSource(source().withCacheTtl(Duration.ZERO));
        try (Database db = database(source)) {
            Load load = Load.start(db);
            Thread.sleep(1_000);
            endpoints.setSecret(SecretsEndpoints.rdsSecret("rotation_secret_first", "pw-new"));
            Thread.sleep(LAG.toMillis());
            server.alterPassword("rotation_secret_first", "pw-new");
            int committedBeforeTheEnd = load.committed.get();
            // HikariCP doubles its pause between failed attempts up to 5 s: the next one may come that late.
            Thread.sleep(5_000);
            load.stopAndAssertNoFailure(committedBeforeTheEnd);
            assertThat(source.refusals.get()).as("refused connection attempts").isPositive();
        }
    }

    @Test
    void passwordStillRefusedAtTheTimeoutSaysTheSecretWasReadAfresh() {
        server.createRole("rotation_wrong", "pw-right");
        endpoints = SecretsEndpoints.start(SecretsEndpoints.rdsSecret("rotation_wrong", "pw-wrong"));
        try (Database db = Database.builder().host("127.0.0.1").port(server.port()).database("postgres")
                .connectionTimeout(Duration.ofMillis(1_500)).credentials(source()).build()) {
            long started = System.nanoTime();
            Throwable failure = catchThrowable(() -> Tx.create(db).useTransaction(h -> h.execute("select 1")));
            assertThat(failure).isInstanceOf(ConnectionRejectedException.class);
            assertThat(failure.getMessage())
                    .startsWith("FATAL: password authentication failed for user \"rotation_wrong\"")
                    .contains("read afresh from Secrets Manager secret '" + SecretsEndpoints.SECRET_ID + "'");
            assertThat(((ConnectionRejectedException) failure).sqlState()).isEqualTo("28P01");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1_400));
            assertThat(endpoints.apiReads.get()).isPositive();
        }
    }

    @Test
    void malformedSecretIsRejectedAtOnceWithTheSourcesReason() {
        endpoints = SecretsEndpoints.start("{\"username\": \"app\", \"password\": ");
        try (Database db = database(source())) {
            long started = System.nanoTime();
            Throwable failure = catchThrowable(() -> Tx.create(db).useTransaction(h -> h.execute("select 1")));
            assertThat(failure).isInstanceOf(ConnectionRejectedException.class);
            assertThat(failure.getMessage()).startsWith("Secrets Manager secret '" + SecretsEndpoints.SECRET_ID + "'")
                    .contains("is not valid JSON");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void fromEnvReadsTheSecretNamedByTxfnPasswordSecret() throws Exception {
        server.createRole("rotation_from_env", "pw-env");
        endpoints = SecretsEndpoints.start(SecretsEndpoints.rdsSecret("rotation_from_env", "pw-env"));
        Map<String, String> env = new HashMap<>(endpoints.environment());
        env.put("DATABASE_URL", "postgres://127.0.0.1:" + server.port() + "/postgres");
        env.put("TXFN_PASSWORD_SECRET", SecretsEndpoints.SECRET_ID);
        try (Database db = Database.fromEnv(env)) {
            String user = Tx.create(db).readOnly(h -> h.createQuery("select current_user").mapTo(String.class).one());
            assertThat(user).isEqualTo("rotation_from_env");
            // Tools on plain JDBC get the secret's credentials too, without the password being handed out.
            db.useDataSource(ds -> {
                try (var c = ds.getConnection(); var rs = c.createStatement().executeQuery("select current_user")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("rotation_from_env");
                }
            });
            assertThat(db.toString()).doesNotContain("pw-env");
        }
    }

    @Test
    void secretPasswordNeverAppearsInFailuresLogsOrDescriptions() {
        String marker = "txfn-rotation-marker-3b7e";
        server.createRole("rotation_marker", marker);
        endpoints = SecretsEndpoints.start(SecretsEndpoints.rdsSecret("rotation_marker", marker));
        String logged = StandardErrorCapture.during(() -> {
            try (Database db = Database.builder().host("127.0.0.1").port(server.port()).database("postgres")
                    .connectionTimeout(Duration.ofMillis(800)).credentials(source()).build()) {
                Tx tx = Tx.builder(db).listener(TxListener.logging()).build();
                tx.useTransaction(h -> h.execute("select 1"));
                assertThat(db.toString()).doesNotContain(marker);
                // Refused: the server moves on, the secret does not.
                server.alterPassword("rotation_marker", "pw-elsewhere");
                db.evictIdleConnections();
                Throwable refused = catchThrowable(() -> tx.useTransaction(h -> h.execute("select 1")));
                assertThat(refused).isInstanceOf(ConnectionRejectedException.class);
                assertThat(SecretsManagerCredentialsTest.stackTrace(refused)).doesNotContain(marker);
                // Malformed: the marker is the token Jackson chokes on.
                endpoints.setSecret("{\"username\":\"rotation_marker\",\"password\":" + marker + "}");
                Throwable malformed = catchThrowable(() -> tx.useTransaction(h -> h.execute("select 1")));
                assertThat(malformed).isInstanceOf(ConnectionRejectedException.class)
                        .hasMessageContaining("is not valid JSON");
                assertThat(SecretsManagerCredentialsTest.stackTrace(malformed)).doesNotContain(marker);
            }
        });
        assertThat(logged).doesNotContain(marker);
    }

    /** Transactions on {@link #THREADS} threads, and idle connections evicted every 100 ms, until stopped. */
    private static final class Load {
        private final ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger committed = new AtomicInteger();
        private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        private final List<Future<?>> futures = new ArrayList<>();

        static Load start(Database db) {
            Load load = new Load();
            Tx tx = Tx.create(db);
            for (int i = 0; i < THREADS; i++) {
                load.futures.add(load.threads.submit(() -> {
                    while (load.running.get()) {
                        try {
                            tx.readOnly(h -> h.createQuery("select 1").mapTo(Integer.class).one());
                            load.committed.incrementAndGet();
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (RuntimeException e) {
                            load.failures.add(e);
                        }
                    }
                }));
            }
            load.futures.add(load.threads.submit(() -> {
                while (load.running.get()) {
                    db.evictIdleConnections();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
            return load;
        }

        /** Stops, then checks that nothing failed and transactions went on after {@code committedEarlier}. */
        void stopAndAssertNoFailure(int committedEarlier) throws Exception {
            running.set(false);
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            for (Future<?> f : futures) {
                f.get();
            }
            assertThat(failures).as("failed transactions").isEmpty();
            assertThat(committed.get()).as("committed transactions").isGreaterThan(committedEarlier)
                    .isGreaterThanOrEqualTo(20);
        }
    }
}
