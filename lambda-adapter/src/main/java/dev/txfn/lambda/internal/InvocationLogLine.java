package dev.txfn.lambda.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The one line an invocation ends with: a readable message for text logs, and the same facts as SLF4J key-value
 * pairs, which a JSON layout writes as fields of the line (the sample's Log4j2 layout does). The request id and
 * trace id are not among them: they are in the MDC ({@link InvocationLogContext}) for every line of the
 * invocation. Nothing of the request's content is: only the route or event type, counts and the outcome.
 *
 * @param kind what the handler serves: {@code http}, {@code sqs}, {@code event}
 * @param target the route or event type
 * @param outcome what came of it, e.g. {@code 200} or {@code 9/10 ok}
 * @param transactions committed transactions
 * @param rollbacks rolled-back attempts
 * @param retries retried attempts
 * @param durationMs the invocation's duration, rounded to 0.1 ms
 * @param settled whether nothing was left open
 */
public record InvocationLogLine(String kind, String target, String outcome, int transactions, int rollbacks,
        int retries, double durationMs, boolean settled) {

    /** Rounds the duration to a tenth of a millisecond. */
    public InvocationLogLine {
        durationMs = Math.round(durationMs * 10) / 10.0;
    }

    /** The facts as key-value pairs, in the order they are written. */
    public Map<String, Object> keyValues() {
        Map<String, Object> pairs = new LinkedHashMap<>();
        pairs.put("kind", kind);
        pairs.put("target", target);
        pairs.put("outcome", outcome);
        pairs.put("transactions", transactions);
        pairs.put("rollbacks", rollbacks);
        pairs.put("retries", retries);
        pairs.put("durationMs", durationMs);
        pairs.put("settled", settled);
        return pairs;
    }

    /** The message: the same facts in words, e.g. {@code http GET /things/{id} 200 in 12.3 ms, 1 transaction...}. */
    public String message() {
        // Built by hand, not with String.format: the first invocation would load and run java.util.Formatter.
        long tenths = Math.round(durationMs * 10);
        return kind + " " + target + " " + outcome + " in " + tenths / 10 + "." + Math.abs(tenths % 10) + " ms, "
                + transactions + " transaction(s), " + rollbacks + " rollback(s), " + retries + " retries, "
                + (settled ? "settled" : "NOT settled");
    }

    /**
     * Writes the line at INFO (an invocation that did not settle has its ERROR line already, from the check).
     *
     * @param log the logger
     */
    public void write(Logger log) {
        if (!log.isInfoEnabled()) {
            return;
        }
        LoggingEventBuilder event = log.atInfo();
        for (Map.Entry<String, Object> pair : keyValues().entrySet()) {
            event.addKeyValue(pair.getKey(), pair.getValue());
        }
        event.log(message());
    }
}
