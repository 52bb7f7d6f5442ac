package dev.txfn;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * Runs transactions in a JVM whose {@code GlobalOpenTelemetry} is that of an OpenTelemetry API older than 1.57
 * (no {@code isSet()}; started by {@link OldOpenTelemetryApiTest}): with a global set, then with an instance
 * given to the builder. Prints {@code ok}, what it read and the spans the instance recorded, or fails with a
 * non-zero exit. Reads the database from {@code TXFN_CHILD_URL}, {@code TXFN_CHILD_USER} and
 * {@code TXFN_CHILD_PASSWORD}.
 */
public final class OldOpenTelemetryApiMain {
    private OldOpenTelemetryApiMain() {
    }

    /**
     * Runs the transactions.
     *
     * @param args none
     * @throws Exception if the class path is not the one under test
     */
    public static void main(String[] args) throws Exception {
        try {
            GlobalOpenTelemetry.class.getMethod("isSet");
            System.out.println("GlobalOpenTelemetry has isSet(): the test proves nothing");
            System.exit(3);
        } catch (NoSuchMethodException expected) {
            // The situation under test.
        }
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        GlobalOpenTelemetry.set(sdk);
        Database.Builder builder = Database.builder().jdbcUrl(System.getenv("TXFN_CHILD_URL"))
                .user(System.getenv("TXFN_CHILD_USER")).maximumPoolSize(1).applicationName("txfn-old-otel");
        String password = System.getenv("TXFN_CHILD_PASSWORD");
        if (password != null && !password.isEmpty()) {
            builder.password(password);
        }
        try (Database db = builder.build()) {
            int global = Tx.create(db).inTransaction(h -> h.createQuery("select 1").mapTo(Integer.class).one());
            int globalSpans = spans.getFinishedSpanItems().size();
            int given = Tx.builder(db).openTelemetry(sdk).build()
                    .inTransaction(h -> h.createQuery("select 2").mapTo(Integer.class).one());
            System.out.println("ok " + global + given + " spans " + globalSpans + " "
                    + spans.getFinishedSpanItems().size());
        }
    }
}
