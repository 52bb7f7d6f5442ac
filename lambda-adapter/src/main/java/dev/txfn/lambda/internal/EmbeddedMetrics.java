package dev.txfn.lambda.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.txfn.RetryCause;
import dev.txfn.TxMetrics;

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

    private EmbeddedMetrics() {
    }

    static String line(String namespace, String kind, String target, int transactions, int retries, double millis,
            boolean settled, TxMetrics figures) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", System.currentTimeMillis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add("kind");
        ArrayNode metrics = directive.putArray("Metrics");
        root.put("kind", kind);
        root.put("target", target);
        metric(root, metrics, "Transactions", COUNT).put("Transactions", transactions);
        metric(root, metrics, "Retries", COUNT).put("Retries", retries);
        metric(root, metrics, "Duration", MILLISECONDS).put("Duration", millis);
        metric(root, metrics, "Unsettled", COUNT).put("Unsettled", settled ? 0 : 1);
        metric(root, metrics, "ConnectionWaitTime", MILLISECONDS)
                .put("ConnectionWaitTime", figures.connectionWaitTime().toNanos() / 1_000_000.0);
        metric(root, metrics, "ConnectionWaits", COUNT).put("ConnectionWaits", figures.connectionWaits());
        metric(root, metrics, "ConnectionTimeouts", COUNT).put("ConnectionTimeouts", figures.connectionTimeouts());
        metric(root, metrics, "ConnectionRejections", COUNT)
                .put("ConnectionRejections", figures.connectionRejections());
        metric(root, metrics, "ConnectionsOpened", COUNT).put("ConnectionsOpened", figures.connectionsOpened());
        metric(root, metrics, "RolledBack", COUNT).put("RolledBack", figures.rolledBack());
        metric(root, metrics, "CommitOutcomeUnknown", COUNT)
                .put("CommitOutcomeUnknown", figures.commitOutcomeUnknown());
        for (RetryCause cause : RetryCause.values()) {
            String name = retryMetricName(cause);
            metric(root, metrics, name, COUNT).put(name, figures.retries(cause));
        }
        return root.toString();
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

    /** Declares a metric in the directive; returns the root, where its value goes under the same name. */
    private static ObjectNode metric(ObjectNode root, ArrayNode metrics, String name, String unit) {
        metrics.addObject().put("Name", name).put("Unit", unit);
        return root;
    }
}
