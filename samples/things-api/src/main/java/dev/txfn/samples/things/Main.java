package dev.txfn.samples.things;

import dev.txfn.Database;
import dev.txfn.TxException;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalHttpServer;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The sample's command line.
 * <ul>
 *   <li>no argument or {@code serve}: the local runner. Serves the same handler class Lambda loads
 *       ({@link ThingsApi}) on {@code http://localhost:8080} ({@code PORT} overrides), on the database named by
 *       {@code DATABASE_URL}, or on an embedded PostgreSQL when it is not set; migrates it first.
 *   <li>{@code migrate}: applies the Flyway migrations to {@code DATABASE_URL} and exits (for deployments).
 *   <li>{@code ddl-experiment}: the DDL-under-load experiment.
 * </ul>
 * Bad configuration or an unreachable database ends with one clear message and exit status 1.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs a command.
     *
     * @param args the command
     */
    public static void main(String[] args) {
        String command = args.length == 0 ? "serve" : args[0].toLowerCase(Locale.ROOT);
        try {
            switch (command) {
                case "serve":
                    serve();
                    break;
                case "migrate":
                    migrate(requiredUrl());
                    break;
                case "ddl-experiment":
                    ddlExperiment();
                    break;
                default:
                    System.err.println("usage: java -jar things-api.jar [serve | migrate | ddl-experiment]");
                    System.exit(2);
            }
        } catch (TxException | IllegalArgumentException e) {
            fail(e.getMessage());
        } catch (FlywayException e) {
            fail("cannot migrate the database: " + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            fail(e.getClass().getSimpleName() + ": " + rootMessage(e));
        }
    }

    private static void serve() throws InterruptedException {
        int port = port();
        String url = System.getenv("DATABASE_URL");
        LocalPostgres local = null;
        if (url == null || url.isBlank()) {
            local = LocalPostgres.start();
            url = local.url();
            System.out.println("no DATABASE_URL: started an embedded PostgreSQL on 127.0.0.1:" + local.port()
                    + " (its data is discarded at exit)");
        }
        migrate(url);
        Database db = Database.builder().url(url).applicationName("things-api-local").build();
        LocalHttpServer server = LocalHttpServer.start(new ThingsApi(LambdaResources.of(db)), port);
        System.out.println("things API on http://localhost:" + server.port() + " (Ctrl-C stops it)");
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

    /** Applies the migrations under {@code db/migration}: the schema and the idempotency table. */
    static void migrate(String url) {
        Properties credentials = JdbcUrls.credentials(url);
        Flyway.configure()
                .dataSource(JdbcUrls.jdbcUrl(url), credentials.getProperty("user"),
                        credentials.getProperty("password"))
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    private static void ddlExperiment() throws Exception {
        String url = System.getenv("DATABASE_URL");
        LocalPostgres local = null;
        if (url == null || url.isBlank()) {
            local = LocalPostgres.start();
            url = local.url();
            System.out.println("no DATABASE_URL: using an embedded PostgreSQL on 127.0.0.1:" + local.port());
        }
        try {
            DdlExperiment.Settings settings = DdlExperiment.Settings.defaults();
            DdlExperiment experiment = new DdlExperiment(JdbcUrls.jdbcUrl(url), JdbcUrls.credentials(url), settings);
            DdlExperiment.print(experiment.run(), settings, System.out);
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    private static String requiredUrl() {
        String url = System.getenv("DATABASE_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("DATABASE_URL: is required for migrate");
        }
        return url;
    }

    private static int port() {
        String value = System.getenv("PORT");
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

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root instanceof SQLException) {
                break;
            }
        }
        return root.getMessage();
    }

    private static void fail(String message) {
        System.err.println("things-api: " + message);
        System.exit(1);
    }
}
