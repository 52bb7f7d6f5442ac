package dev.txfn;

import java.time.Instant;

/**
 * Runs transactions in a JVM whose class path lacks the OpenTelemetry API (started by
 * {@link WithoutOpenTelemetryTest}); prints {@code ok} and what it read, or fails with a non-zero exit. Reads the
 * database from {@code TXFN_CHILD_URL}, {@code TXFN_CHILD_USER} and {@code TXFN_CHILD_PASSWORD}.
 */
public final class WithoutOpenTelemetryMain {
    private WithoutOpenTelemetryMain() {
    }

    /**
     * Runs the transactions.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try {
            Class.forName("io.opentelemetry.api.OpenTelemetry");
            System.out.println("the OpenTelemetry API is on the class path: the test proves nothing");
            System.exit(3);
        } catch (ClassNotFoundException expected) {
            // The situation under test.
        }
        // Reflection over the public API must not trip over a missing OpenTelemetry type.
        int builderMethods = Database.Builder.class.getMethods().length + Tx.Builder.class.getMethods().length;
        try {
            Database.builder().jdbcUrl(System.getenv("TXFN_CHILD_URL")).openTelemetry(new Object()).build();
            System.out.println("an OpenTelemetry instance was accepted without the API");
            System.exit(4);
        } catch (InvalidConfigurationException expected) {
            System.out.println("refused: " + expected.getMessage());
        }
        Database.Builder builder = Database.builder().jdbcUrl(System.getenv("TXFN_CHILD_URL"))
                .user(System.getenv("TXFN_CHILD_USER")).maximumPoolSize(1).applicationName("txfn-without-otel");
        String password = System.getenv("TXFN_CHILD_PASSWORD");
        if (password != null && !password.isEmpty()) {
            builder.password(password);
        }
        try (Database db = builder.build()) {
            Tx tx = Tx.create(db);
            int plain = tx.inTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());
            int withOptions = tx.withDeadline(Instant.now().plusSeconds(30)).inTransaction(
                    TxOptions.defaults().withIsolation(Isolation.SERIALIZABLE),
                    h -> h.createQuery("select 2").mapTo(Integer.class).one());
            int oneQuery = tx.readOnly(TxFn.query("select 3", q -> q.mapTo(Integer.class).one()));
            System.out.println("ok " + plain + withOptions + oneQuery + " (" + builderMethods + " builder methods)");
        }
    }
}
