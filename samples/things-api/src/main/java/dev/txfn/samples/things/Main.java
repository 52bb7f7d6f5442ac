package dev.txfn.samples.things;

import dev.txfn.Database;
import dev.txfn.TxException;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalHttpServer;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The sample's command line.
 * <ul>
 *   <li>no argument or {@code serve}: the local runner. Serves the same handler class Lambda loads
 *       ({@link ThingsApi}) on {@code http://localhost:8080} ({@code PORT} overrides), on the database
 *       {@link Database#fromEnv()} configures ({@code DATABASE_URL} or the libpq variables {@code PGHOST},
 *       {@code PGUSER}, ...), or on an embedded PostgreSQL when none of them is set; migrates it first.
 *   <li>{@code migrate}: applies the Flyway migrations to that same database and exits (for deployments).
 *   <li>{@code ddl-experiment}: the DDL-under-load experiment.
 *   <li>{@code aot-training --output-dir DIR -- RUNTIME COMMAND}: writes the container image's Java 25 AOT caches
 *       ({@link AotTraining}).
 * </ul>
 * Bad configuration or an unreachable database ends with one clear line on standard error and exit status 1.
 */
public final class Main {
    /** The variables that name a database for {@link Database#fromEnv()}. */
    private static final List<String> DATABASE_VARIABLES = List.of("DATABASE_URL", "PGHOST", "PGPORT",
            "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSSLMODE");

    private Main() {
    }

    /**
     * Runs a command and exits with status 1 (2 for a usage error) when it fails.
     *
     * @param args the command
     */
    public static void main(String[] args) {
        int status = run(args, System.getenv(), System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs a command without exiting: 0 when it succeeded, 1 when it failed (after one line on {@code err}
     * saying why, never a stack trace), 2 for a usage error. {@code serve} returns once the JVM shuts down.
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "serve" : args[0].toLowerCase(Locale.ROOT);
        try {
            switch (command) {
                case "serve":
                    serve(env, out);
                    return 0;
                case "migrate":
                    migrate(env);
                    return 0;
                case "ddl-experiment":
                    ddlExperiment(env, out);
                    return 0;
                case "aot-training":
                    AotTraining.run(AotTraining.parse(List.of(args).subList(1, args.length)), out);
                    return 0;
                default:
                    err.println("usage: java -jar things-api.jar [serve | migrate | ddl-experiment | aot-training ...]");
                    return 2;
            }
        } catch (TxException | IllegalArgumentException e) {
            return fail(err, e.getMessage());
        } catch (FlywayException e) {
            return fail(err, "cannot migrate the database: " + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(err, "interrupted");
        } catch (Exception e) {
            return fail(err, e.getClass().getSimpleName() + ": " + rootMessage(e));
        }
    }

    private static void serve(Map<String, String> env, PrintStream out) throws InterruptedException {
        int port = port(env);
        LocalPostgres local = null;
        Database db;
        if (databaseConfigured(env)) {
            Map<String, String> withName = new HashMap<>(env);
            withName.putIfAbsent("PGAPPNAME", "things-api-local");
            db = Database.fromEnv(withName);
        } else {
            local = LocalPostgres.start();
            out.println("no DATABASE_URL or PG* variables: started an embedded PostgreSQL on 127.0.0.1:"
                    + local.port() + " (its data is discarded at exit)");
            db = Database.builder().url(local.url()).applicationName("things-api-local").build();
        }
        try {
            migrate(db);
        } catch (RuntimeException e) {
            db.close();
            if (local != null) {
                local.close();
            }
            throw e;
        }
        LocalHttpServer server = LocalHttpServer.start(new ThingsApi(LambdaResources.of(db)), port);
        out.println("things API on http://localhost:" + server.port() + " (Ctrl-C stops it)");
        LocalPostgres embedded = local;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            db.close();
            if (embedded != null) {
                embedded.close();
            }
            stopped.countDown();
        }, "things-api-shutdown"));
        stopped.await();
    }

    /**
     * Whether the environment names a database the way {@link Database#fromEnv()} reads it: {@code DATABASE_URL}
     * or any of libpq's variables. Only when none is set does the runner start an embedded PostgreSQL; a partial
     * configuration fails with {@code fromEnv}'s message rather than silently serving from somewhere else.
     */
    static boolean databaseConfigured(Map<String, String> env) {
        return DATABASE_VARIABLES.stream().map(env::get).anyMatch(v -> v != null && !v.isBlank());
    }

    /** The migrations for the database {@link Database#fromEnv(Map)} configures from {@code env}. */
    private static void migrate(Map<String, String> env) {
        try (Database db = Database.fromEnv(env)) {
            migrate(db);
        }
    }

    /**
     * Applies the migrations under {@code db/migration} (the schema and the idempotency table) with the same
     * host, settings and credentials as {@code db}'s pool, on connections of their own.
     */
    static void migrate(Database db) {
        db.useDataSource(ds -> Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .load()
                .migrate());
    }

    private static void ddlExperiment(Map<String, String> env, PrintStream out) throws Exception {
        String url = env.get("DATABASE_URL");
        LocalPostgres local = null;
        if (url == null || url.isBlank()) {
            local = LocalPostgres.start();
            url = local.url();
            out.println("no DATABASE_URL: using an embedded PostgreSQL on 127.0.0.1:" + local.port());
        }
        try {
            DdlExperiment.Settings settings = DdlExperiment.Settings.defaults();
            DdlExperiment experiment = new DdlExperiment(JdbcUrls.jdbcUrl(url), JdbcUrls.credentials(url), settings);
            DdlExperiment.print(experiment.run(), settings, out);
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    private static int port(Map<String, String> env) {
        String value = env.get("PORT");
        if (value == null || value.isBlank()) {
            return 8080;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT: must be a number between 0 and 65535, was '" + value + "'");
        }
    }

    /**
     * The message of the first {@link SQLException} in the chain (else of the last cause), with what the driver
     * tucked into its own cause: pgjdbc says only "The connection attempt failed." for an unknown host.
     */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof SQLException)) {
            root = root.getCause();
        }
        String message = messageOf(root);
        Throwable detail = root.getCause();
        if (root instanceof SQLException && detail != null && !(detail instanceof SQLException)
                && !(detail instanceof ConnectException)) { // a refusal is in pgjdbc's own message already
            message += detail instanceof UnknownHostException ? " (unknown host " + detail.getMessage() + ")"
                    : " (" + detail.getClass().getSimpleName() + ": " + messageOf(detail) + ")";
        }
        return message;
    }

    private static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static int fail(PrintStream err, String message) {
        // One line, whatever the driver put in its message.
        err.println("things-api: " + String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " "));
        return 1;
    }
}
