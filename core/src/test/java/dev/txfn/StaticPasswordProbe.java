package dev.txfn;

import java.util.Map;

/**
 * Run in a child JVM by {@link CredentialsLazyLoadingTest}: builds a pool with a static password from
 * {@code DATABASE_URL} and runs one transaction, then builds (without connecting) pools whose credentials come
 * from a Secrets Manager secret and from RDS IAM authentication, and prints {@value #DONE}.
 */
public final class StaticPasswordProbe {
    static final String DONE = "txfn-probe-done";

    private StaticPasswordProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try (Database db = Database.fromEnv()) {
            Tx.create(db).readOnly(h -> h.createQuery("select 1").mapTo(Integer.class).one());
        }
        System.out.println("txfn-probe-static-done");
        try (Database secret = Database.fromEnv(Map.of("PGUSER", "app", "TXFN_PASSWORD_SECRET", "prod/db"));
                Database iam = Database.fromEnv(Map.of("PGUSER", "app", "PGHOST", "db.example.com", "PGSSLMODE",
                        "require", "TXFN_IAM_AUTH", "true", "AWS_REGION", "eu-west-1"))) {
            System.out.println(DONE + " " + secret.user() + " " + iam.user());
        }
    }
}
