package dev.txfn.samples.tenants;

import dev.txfn.Database;
import dev.txfn.InvalidConfigurationException;
import dev.txfn.TxException;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalHttpServer;
import dev.txfn.lambda.LocalJwtVerifier;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The sample's command line.
 * <ul>
 *   <li>no argument or {@code serve}: the local runner. Serves the handler class Lambda loads
 *       ({@link TenantsApi}) on {@code http://localhost:8080} ({@code PORT} overrides). With no
 *       {@code DATABASE_URL} and no {@code PG*} variable, it starts an embedded PostgreSQL, migrates it as
 *       {@code postgres} and connects as the application role {@value #DEFAULT_APP_ROLE}; otherwise it connects
 *       as the environment says ({@link Database#fromEnv()}: give the application role, and run {@code migrate}
 *       as an administrator first).
 *       Every route needs a tenant: requests carry {@code Authorization: Bearer <token>}, verified with the key
 *       in {@code TXFN_LOCAL_JWT_SECRET} (HS256) or {@code TXFN_LOCAL_JWT_PUBLIC_KEY}, as API Gateway's JWT
 *       authorizer verifies them in AWS; {@code serve} refuses to start without one.
 *   <li>{@code token <tenant> [subject]}: prints a token for {@code tenant}, valid for an hour, signed with
 *       {@code TXFN_LOCAL_JWT_SECRET}, for trying the local server with curl.
 *   <li>{@code migrate}: applies the Flyway migrations to the database the environment names, as an
 *       administrator that may create roles, and exits. {@code TENANTS_OWNER_ROLE} and
 *       {@code TENANTS_APP_ROLE} override the role names.
 * </ul>
 * Bad configuration or an unreachable database ends with one clear line on standard error and exit status 1.
 */
public final class Main {
    /** The role that owns the table. */
    public static final String DEFAULT_OWNER_ROLE = "tenants_owner";
    /** The role the application logs in as. */
    public static final String DEFAULT_APP_ROLE = "tenants_app";
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
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

    /** Runs a command without exiting: 0 when it succeeded, 1 when it failed, 2 for a usage error. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "serve" : args[0].toLowerCase(Locale.ROOT);
        try {
            switch (command) {
                case "serve":
                    serve(env, out);
                    return 0;
                case "token":
                    if (args.length < 2 || args.length > 3) {
                        err.println("usage: java -jar tenants-api.jar token <tenant> [subject]");
                        return 2;
                    }
                    out.println(LocalTokens.sign(env, args[1], args.length == 3 ? args[2] : "user-of-" + args[1]));
                    return 0;
                case "migrate":
                    try (Database db = Database.fromEnv(env)) {
                        migrate(db, role(env, "TENANTS_OWNER_ROLE", DEFAULT_OWNER_ROLE),
                                role(env, "TENANTS_APP_ROLE", DEFAULT_APP_ROLE));
                    }
                    return 0;
                default:
                    err.println("usage: java -jar tenants-api.jar [serve | token <tenant> [subject] | migrate]");
                    return 2;
            }
        } catch (TxException | IllegalArgumentException e) {
            return fail(err, e.getMessage());
        } catch (FlywayException e) {
            return fail(err, "cannot migrate the database: " + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(err, "interrupted");
        } catch (RuntimeException e) {
            return fail(err, e.getClass().getSimpleName() + ": " + rootMessage(e));
        }
    }

    private static void serve(Map<String, String> env, PrintStream out) throws InterruptedException {
        int port = port(env);
        LocalJwtVerifier verifier = LocalJwtVerifier.fromEnv(env).orElseThrow(() -> new InvalidConfigurationException(
                LocalJwtVerifier.SECRET_VARIABLE, "is not set, nor " + LocalJwtVerifier.PUBLIC_KEY_VARIABLE
                        + ": every route needs a tenant from a bearer token; export"
                        + " TXFN_LOCAL_JWT_SECRET=$(openssl rand -hex 32) and sign tokens with `token <tenant>`"));
        LocalPostgres local = null;
        Database db;
        if (DATABASE_VARIABLES.stream().map(env::get).anyMatch(v -> v != null && !v.isBlank())) {
            db = Database.fromEnv(env);
        } else {
            local = LocalPostgres.start();
            out.println("no DATABASE_URL or PG* variables: started an embedded PostgreSQL on 127.0.0.1:"
                    + local.port() + " (its data is discarded at exit)");
            try (Database admin = Database.builder().url(local.url()).applicationName("tenants-api-migrate")
                    .build()) {
                migrate(admin, DEFAULT_OWNER_ROLE, DEFAULT_APP_ROLE);
            }
            db = Database.builder().host("127.0.0.1").port(local.port()).database("postgres")
                    .user(DEFAULT_APP_ROLE).applicationName("tenants-api-local").build();
        }
        LocalHttpServer server = LocalHttpServer.start(new TenantsApi(LambdaResources.of(db)), port, verifier);
        out.println("tenants API on http://localhost:" + server.port() + " (Ctrl-C stops it)");
        LocalPostgres embedded = local;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            db.close();
            if (embedded != null) {
                embedded.close();
            }
            stopped.countDown();
        }, "tenants-api-shutdown"));
        stopped.await();
    }

    /**
     * Applies the migrations under {@code db/migration} with {@code db}'s settings and credentials, which must
     * be allowed to create roles: the table owner role and the application role are created if missing.
     *
     * @param db the database, as an administrator
     * @param ownerRole the role that owns the table
     * @param appRole the role the application logs in as
     * @throws IllegalArgumentException if a role name is not a plain lower-case identifier
     */
    static void migrate(Database db, String ownerRole, String appRole) {
        checkRole(ownerRole);
        checkRole(appRole);
        db.useDataSource(ds -> Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .placeholders(Map.of("owner_role", ownerRole, "app_role", appRole))
                .load()
                .migrate());
    }

    private static String role(Map<String, String> env, String variable, String fallback) {
        String value = env.get(variable);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static void checkRole(String role) {
        if (!ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("role name must be a lower-case identifier, was '" + role + "'");
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

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof SQLException)) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static int fail(PrintStream err, String message) {
        err.println("tenants-api: " + String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " "));
        return 1;
    }
}
