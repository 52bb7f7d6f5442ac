package dev.txfn.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
    record Item(String name, int count) {
    }

    record Order(List<Item> items) {
    }

    @Test
    void truncatedBodyIsReportedAsMalformedNotAsAnInvalidField() {
        assertThatThrownBy(() -> Json.decode("{\"items\": [{\"name\": \"table\"", Order.class))
                .isInstanceOfSatisfying(Json.InvalidJsonException.class, e -> {
                    assertThat(e.field()).isEmpty();
                    assertThat(e.getMessage()).startsWith("malformed JSON");
                });
    }

    @Test
    void wrongTypeInANestedValueNamesItsPath() {
        assertThatThrownBy(() -> Json.decode("{\"items\": [{\"name\": \"a\", \"count\": \"x\"}]}", Order.class))
                .isInstanceOfSatisfying(Json.InvalidJsonException.class,
                        e -> assertThat(e.field()).isEqualTo("items[0].count"));
    }

    @Test
    void numberWhereTextIsExpectedIsAWrongType() {
        assertThatThrownBy(() -> Json.decode("{\"items\": [{\"name\": 5, \"count\": 1}]}", Order.class))
                .isInstanceOfSatisfying(Json.InvalidJsonException.class,
                        e -> assertThat(e.field()).isEqualTo("items[0].name"));
    }

    @Test
    void unknownPropertyIsNamed() {
        assertThatThrownBy(() -> Json.decode("{\"items\": [], \"extra\": 1}", Order.class))
                .isInstanceOfSatisfying(Json.InvalidJsonException.class,
                        e -> assertThat(e.field()).isEqualTo("extra"));
    }

    @Test
    void validBodyDecodes() {
        assertThat(Json.decode("{\"items\": [{\"name\": \"a\", \"count\": 2}]}", Order.class))
                .isEqualTo(new Order(List.of(new Item("a", 2))));
    }

    /** Jackson cannot decode it: no creator, no setters. */
    static final class Undecodable {
        private Undecodable(int unused) {
        }
    }

    @Test
    void preparedBodyTypeDecodesAsBefore() {
        Json.prepareDecoding(Order.class);

        assertThat(Json.decode("{\"items\": [{\"name\": \"a\", \"count\": 2}]}", Order.class))
                .isEqualTo(new Order(List.of(new Item("a", 2))));
        assertThatThrownBy(() -> Json.decode("{\"items\": [], \"extra\": 1}", Order.class))
                .isInstanceOfSatisfying(Json.InvalidJsonException.class,
                        e -> assertThat(e.field()).isEqualTo("extra"));
    }

    @Test
    void typeJacksonCannotDecodeIsReportedByTheFirstDecodeNotByPreparing() {
        Json.prepareDecoding(Undecodable.class);

        assertThatThrownBy(() -> Json.decode("{}", Undecodable.class))
                .isInstanceOf(Json.InvalidJsonException.class);
    }

    @Test
    void warmUpEncodesWithoutLoadingDecoding() {
        Json.warmUp();

        assertThat(Json.encode(new Item("a", 2))).isEqualTo("{\"name\":\"a\",\"count\":2}");
    }
}
