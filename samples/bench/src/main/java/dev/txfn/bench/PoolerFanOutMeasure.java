package dev.txfn.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Measure 6: {@value #CONTAINERS} simulated Lambda containers (threads, each with its own txfn {@code Database}
 * of one connection, {@code transactionPooling(true)}) against a PostgreSQL with {@code max_connections}
 * {@value #MAX_CONNECTIONS}: through PgBouncer in transaction mode, then straight to the server as the contrast.
 * Runs its own embedded PostgreSQL and PgBouncer (both on 127.0.0.1, both stopped at the end), not the shared
 * bench server; skipped, with how to install it, when {@code pgbouncer} is not installed. Not thread-safe.
 */
public final class PoolerFanOutMeasure implements Measure {

    /** Simulated containers. */
    static final int CONTAINERS = 500;

    /** The dedicated server's {@code max_connections}. */
    static final int MAX_CONNECTIONS = 100;

    /** PgBouncer's server connections ({@code default_pool_size}). */
    static final int POOL_SIZE = 20;

    /** PgBouncer's {@code max_client_conn}. */
    static final int MAX_CLIENTS = 1000;

    @Override
    public String name() {
        return "pooler-fan-out";
    }

    @Override
    public String title() {
        return "6. Many containers through PgBouncer";
    }

    @Override
    public String description() {
        return CONTAINERS + " simulated containers (threads, each its own txfn `Database` with a pool of one,"
                + " Lambda tuning, `transactionPooling(true)`) run back-to-back transactions of a SELECT and an"
                + " UPDATE of a random row, against a dedicated embedded PostgreSQL with `max_connections "
                + MAX_CONNECTIONS + "`: through PgBouncer in transaction mode (`default_pool_size " + POOL_SIZE
                + "`, `max_client_conn " + MAX_CLIENTS + "`), then straight to the server. The containers cold-start"
                + " spread over a ramp-up; transactions, throughput and latency (including the wait for a PgBouncer"
                + " server connection) count over the measured window after it, errors over the whole run (must be 0"
                + " through the pooler). Everything on 127.0.0.1.";
    }

    @Override
    public List<CaseResult> run(BenchContext context, boolean quick) throws Exception {
        Path pgbouncer = PgBouncerProcess.find().orElseThrow(() -> new MeasureSkippedException(
                "pgbouncer not installed", PgBouncerProcess.HOW_TO_INSTALL));
        Duration rampUp = quick ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
        Duration duration = quick ? Duration.ofSeconds(10) : Duration.ofSeconds(60);
        Path dir = Files.createTempDirectory("txfn-bench-pgbouncer",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        List<CaseResult> results = new ArrayList<>();
        try (EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", String.valueOf(MAX_CONNECTIONS))
                .setRegisterShutdownHook(true)
                .start()) {
            String user = "postgres";
            String adminUrl = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres?user=" + user;
            FanOutLoad.createTable(adminUrl);
            String version = PgBouncerProcess.version(pgbouncer);
            FanOutLoad.Outcome pooled;
            try (PgBouncerProcess bouncer = PgBouncerProcess.start(pgbouncer, dir, server.getPort(), user, POOL_SIZE,
                    MAX_CLIENTS)) {
                String bouncerUrl = "jdbc:postgresql://127.0.0.1:" + bouncer.port() + "/postgres?user=" + user;
                pooled = new FanOutLoad(bouncerUrl, adminUrl, CONTAINERS, rampUp, duration).run();
            }
            results.add(result("through-pgbouncer", "through PgBouncer (transaction mode, " + POOL_SIZE
                    + " server connections)", pooled, List.of(version + "; containers cold-started over " + rampUp.toSeconds() + " s, then "
                            + duration.toSeconds() + " s measured"
                            + (pooled.errors() == 0 ? "; 0 errors, as required" : "; ERRORS, where 0 are required"))));
            FanOutLoad.Outcome direct = new FanOutLoad(adminUrl, adminUrl, CONTAINERS, rampUp, duration).run();
            results.add(result("direct", "straight to PostgreSQL (max_connections " + MAX_CONNECTIONS + ")", direct,
                    List.of("the failure mode a pooler prevents: " + (CONTAINERS - direct.containersServed())
                            + " of " + CONTAINERS + " containers never got a connection")));
        } finally {
            deleteTree(dir);
        }
        return results;
    }

    private CaseResult result(String name, String description, FanOutLoad.Outcome o, List<String> notes) {
        Map<String, Number> figures = new LinkedHashMap<>();
        figures.put("containers served", o.containersServed());
        figures.put("transactions", o.transactions());
        figures.put("tx per s", o.transactions() / o.seconds());
        figures.put("errors", o.errors());
        figures.put("p50 ms", o.p50Millis());
        figures.put("p99 ms", o.p99Millis());
        figures.put("server connections (max, incl. sampler)", o.maxServerConnections());
        List<String> all = new ArrayList<>(notes);
        if (!o.errorsByKind().isEmpty()) {
            all.add("errors by kind: " + o.errorsByKind().entrySet().stream()
                    .map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", ")));
        }
        return new CaseResult(name(), name, description, CONTAINERS + " containers", figures, Map.of(), all);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
