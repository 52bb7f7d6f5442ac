package dev.txfn.lambda.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One CloudWatch Embedded Metric Format document per invocation, written as a single stdout line. */
final class EmbeddedMetrics {

    private EmbeddedMetrics() {
    }

    static String line(String namespace, String kind, String target, int transactions, int retries, double millis,
            boolean settled) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", System.currentTimeMillis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add("kind");
        ArrayNode metrics = directive.putArray("Metrics");
        metrics.addObject().put("Name", "Transactions").put("Unit", "Count");
        metrics.addObject().put("Name", "Retries").put("Unit", "Count");
        metrics.addObject().put("Name", "Duration").put("Unit", "Milliseconds");
        metrics.addObject().put("Name", "Unsettled").put("Unit", "Count");
        root.put("kind", kind);
        root.put("target", target);
        root.put("Transactions", transactions);
        root.put("Retries", retries);
        root.put("Duration", millis);
        root.put("Unsettled", settled ? 0 : 1);
        return root.toString();
    }
}
