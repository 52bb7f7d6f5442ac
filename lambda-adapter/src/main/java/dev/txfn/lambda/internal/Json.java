package dev.txfn.lambda.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.stream.Collectors;

/**
 * The one JSON codec of the adapter: records in and out, java.time as ISO-8601 strings, unknown properties
 * rejected (a typo in a field name is a client error, not silently dropped data). Thread-safe.
 */
public final class Json {
    /** The shared mapper; configure nothing on it after start-up. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /**
     * Decodes {@code json} into {@code type}.
     *
     * @param json the text
     * @param type a record or other Jackson-mappable type
     * @param <T> the type
     * @return the value
     * @throws InvalidJsonException naming the offending field when the text is malformed or has wrong types
     */
    public static <T> T decode(String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw new InvalidJsonException("", "the body is empty; a JSON object was expected");
        }
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw new InvalidJsonException("", "the body is null; a JSON object was expected");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            return fail(e, "unknown property");
        } catch (InvalidFormatException e) {
            return fail(e, "wrong type: expected " + e.getTargetType().getSimpleName());
        } catch (MismatchedInputException e) {
            return fail(e, e.getTargetType() == null ? "wrong type or missing value"
                    : "wrong type or missing value: expected " + e.getTargetType().getSimpleName());
        } catch (JsonMappingException e) {
            return fail(e, "invalid value");
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException("", "malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        }
    }

    /**
     * Encodes {@code value} as JSON.
     *
     * @param value a record, collection or scalar
     * @return the text
     * @throws IllegalArgumentException if the value cannot be encoded
     */
    public static String encode(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getName() + " as JSON", e);
        }
    }

    private static <T> T fail(JsonMappingException e, String problem) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        // Jackson's own message may echo the input; build ours from the path only.
        throw new InvalidJsonException(field, problem);
    }

    /** The body could not be decoded; {@link #field()} names where (empty for the whole body). */
    public static final class InvalidJsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final String field;

        InvalidJsonException(String field, String problem) {
            super(field.isEmpty() ? problem : field + ": " + problem);
            this.field = field;
        }

        /** The JSON path of the offending field, e.g. {@code items[2].name}; empty for the whole body. */
        public String field() {
            return field;
        }
    }
}
