package dev.txfn.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The invocation's closing line: the same facts as a sentence and as key-value pairs. */
class InvocationLogLineTest {

    @Test
    void messageSaysWhatTheFieldsSay() {
        InvocationLogLine line = new InvocationLogLine("http", "POST /things", "201", 2, 1, 1, 12.34, true);

        assertThat(line.message())
                .isEqualTo("http POST /things 201 in 12.3 ms, 2 transaction(s), 1 rollback(s), 1 retries, settled");
        assertThat(line.keyValues()).containsExactly(
                Map.entry("kind", "http"), Map.entry("target", "POST /things"),
                Map.entry("outcome", "201"), Map.entry("transactions", 2),
                Map.entry("rollbacks", 1), Map.entry("retries", 1),
                Map.entry("durationMs", 12.3), Map.entry("settled", true));
    }

    @Test
    void anUnsettledInvocationSaysSoInCapitals() {
        assertThat(new InvocationLogLine("sqs", "orders", "9/10 ok", 9, 1, 0, 5, false).message())
                .endsWith(", NOT settled");
    }
}
