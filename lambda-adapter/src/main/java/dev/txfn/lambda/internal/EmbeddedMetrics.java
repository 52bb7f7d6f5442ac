package dev.txfn.lambda.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.txfn.RetryCause;
import dev.txfn.TxMetrics;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One CloudWatch Embedded Metric Format document per invocation, written as a single stdout line: one
 * directive, the dimension {@code kind} only ({@code target}, a route or event type, is written as a plain
 * property, searchable in Logs Insights, never a dimension), and 16 metrics, well within EMF's 100 per
 * directive and 30 dimensions.
 */
final class EmbeddedMetrics {
    /** Unit of the metrics that count. */
    private static final String COUNT = "Count";
    private static final String MILLISECONDS = "Milliseconds";
    private static final JsonFactory FACTORY = new JsonFactory();

    private EmbeddedMetrics() {
    }

    static String line(String namespace, String kind, String target, int transactions, int retries, double millis,
            boolean settled, TxMetrics figures) {
        List<Metric> metrics = new ArrayList<>(11 + RetryCause.values().length);
        metrics.add(new Metric("Transactions", COUNT, transactions));
        metrics.add(new Metric("Retries", COUNT, retries));
        metrics.add(new Metric("Duration", MILLISECONDS, millis));
        metrics.add(new Metric("Unsettled", COUNT, settled ? 0 : 1));
        metrics.add(new Metric("ConnectionWaitTime", MILLISECONDS,
                figures.connectionWaitTime().toNanos() / 1_000_000.0));
        metrics.add(new Metric("ConnectionWaits", COUNT, figures.connectionWaits()));
        metrics.add(new Metric("ConnectionTimeouts", COUNT, figures.connectionTimeouts()));
        metrics.add(new Metric("ConnectionRejections", COUNT, figures.connectionRejections()));
        metrics.add(new Metric("ConnectionsOpened", COUNT, figures.connectionsOpened()));
        metrics.add(new Metric("RolledBack", COUNT, figures.rolledBack()));
        metrics.add(new Metric("CommitOutcomeUnknown", COUNT, figures.commitOutcomeUnknown()));
        for (RetryCause cause : RetryCause.values()) {
            metrics.add(new Metric(retryMetricName(cause), COUNT, figures.retries(cause)));
        }
        // Streamed, not built as a tree: the line is written on every invocation, the first one included, and
        // needs no more of Jackson than its generator.
        StringWriter out = new StringWriter(1024);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("_aws");
            json.writeNumberField("Timestamp", System.currentTimeMillis());
            json.writeArrayFieldStart("CloudWatchMetrics");
            json.writeStartObject();
            json.writeStringField("Namespace", namespace);
            json.writeArrayFieldStart("Dimensions");
            json.writeStartArray();
            json.writeString("kind");
            json.writeEndArray();
            json.writeEndArray();
            json.writeArrayFieldStart("Metrics");
            for (Metric metric : metrics) {
                json.writeStartObject();
                json.writeStringField("Name", metric.name());
                json.writeStringField("Unit", metric.unit());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            json.writeStringField("kind", kind);
            json.writeStringField("target", target);
            for (Metric metric : metrics) {
                json.writeFieldName(metric.name());
                if (metric.value() instanceof Double value) {
                    json.writeNumber(value.doubleValue());
                } else {
                    json.writeNumber(metric.value().longValue());
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** A metric: declared in the directive, its value at the top level under the same name. */
    private record Metric(String name, String unit, Number value) {
    }

    /**
     * The metric of retries for {@code cause}: {@code Retries} and the cause in camel case, e.g.
     * {@code RetriesSerializationFailure}.
     */
    static String retryMetricName(RetryCause cause) {
        StringBuilder name = new StringBuilder("Retries");
        for (String word : cause.label().split("_")) {
            name.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
        }
        return name.toString();
    }
}
