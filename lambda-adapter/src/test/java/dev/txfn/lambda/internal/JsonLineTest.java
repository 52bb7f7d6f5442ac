package dev.txfn.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonLineTest {

    @Test
    void writesTheFieldsInOrderOnOneLine() {
        String line = JsonLine.object().put("requestId", "r-1").put("transactions", 2).put("durationMs", 12.3)
                .put("settled", true).put("bytes", 5_000_000_000L).toString();

        assertThat(line).isEqualTo("{\"requestId\":\"r-1\",\"transactions\":2,\"durationMs\":12.3,\"settled\":true,"
                + "\"bytes\":5000000000}");
    }

    @Test
    void writesTheSameTextAsTheMappersTreeModel() {
        String line = JsonLine.object().put("target", "GET /things/{id} \"quoted\" \n").put("durationMs", 2.0)
                .put("settled", false).toString();

        assertThat(line).isEqualTo(Json.MAPPER.createObjectNode().put("target", "GET /things/{id} \"quoted\" \n")
                .put("durationMs", 2.0).put("settled", false).toString());
    }

    @Test
    void writesAMissingTextAsNull() {
        assertThat(JsonLine.object().put("target", (String) null).toString()).isEqualTo("{\"target\":null}");
    }

    @Test
    void refusesAFieldAfterTheLineIsFinished() {
        JsonLine line = JsonLine.object().put("kind", "http");
        assertThat(line.toString()).isEqualTo(line.toString());

        assertThatThrownBy(() -> line.put("late", 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("field late put after the JSON line was finished");
    }
}
