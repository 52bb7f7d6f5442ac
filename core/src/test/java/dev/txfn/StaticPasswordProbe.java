package dev.txfn;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Run in a child JVM by {@link CredentialsLazyLoadingTest}: builds a pool with a static password from
 * {@code DATABASE_URL} and runs one transaction (then prints {@value #STATIC_DONE}); builds, without connecting,
 * pools whose credentials come from a Secrets Manager secret and from RDS IAM authentication; then runs a
 * transaction on a pool whose password is read through a Lambda extension played by an HTTP server of its own
 * (then prints {@value #DONE}).
 */
public final class StaticPasswordProbe {
    static final String STATIC_DONE = "txfn-probe-static-done";
    static final String DONE = "txfn-probe-done";

    private StaticPasswordProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args none
     * @throws IOException if the extension's stand-in cannot start
     */
    public static void main(String[] args) throws IOException {
        try (Database db = Database.fromEnv()) {
            Tx.create(db).readOnly(h -> h.createQuery("select 1").mapTo(Integer.class).one());
        }
        System.out.println(STATIC_DONE);
        try (Database secret = Database.fromEnv(Map.of("PGUSER", "app", "TXFN_PASSWORD_SECRET", "prod/db"));
                Database iam = Database.fromEnv(Map.of("PGUSER", "app", "PGHOST", "db.example.com", "PGSSLMODE",
                        "require", "TXFN_IAM_AUTH", "true", "AWS_REGION", "eu-west-1"))) {
            System.out.println("built " + secret.user() + " " + iam.user());
        }
        String secretString = "{\\\"username\\\":\\\"" + System.getenv("PROBE_USER") + "\\\",\\\"password\\\":\\\""
                + System.getenv("PROBE_PASSWORD") + "\\\"}";
        byte[] answer = ("{\"Name\":\"prod/db\",\"SecretString\":\"" + secretString + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer extension = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        extension.createContext("/secretsmanager/get", exchange -> {
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        extension.start();
        try (Database db = Database.fromEnv(Map.of("PGHOST", System.getenv("PROBE_HOST"), "PGPORT",
                System.getenv("PROBE_PORT"), "PGDATABASE", System.getenv("PROBE_DATABASE"), "TXFN_PASSWORD_SECRET",
                "prod/db", "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
                Integer.toString(extension.getAddress().getPort()), "AWS_SESSION_TOKEN", "token"))) {
            Tx.create(db).readOnly(h -> h.createQuery("select 1").mapTo(Integer.class).one());
        } finally {
            extension.stop(0);
        }
        System.out.println(DONE);
    }
}
