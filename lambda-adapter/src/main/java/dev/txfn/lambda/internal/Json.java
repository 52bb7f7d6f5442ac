package dev.txfn.lambda.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.txfn.lambda.HttpProblem;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one JSON codec of the adapter: records in and out, strict about types (no number-to-text or text-to-number
 * coercion), java.time as ISO-8601 strings, {@code Optional}
 * components (absent stays {@code null}, JSON {@code null} becomes empty: what a PATCH needs), unknown properties
 * rejected (a typo in a field name is a client error, not silently dropped data). Thread-safe.
 */
public final class Json {
    private Json() {
    }

    /**
     * The shared mapper; configure nothing on it. Built when first needed: by a decoding handler in the init phase
     * ({@link #prepareDecoding}), else by the first value {@link RecordJson} leaves to it, so that a handler that
     * only encodes records never loads Jackson's databind.
     *
     * @return the mapper
     */
    public static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    /** Holds the mapper until {@link #mapper()} is first called. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = strict(JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build());

        private Mapper() {
        }
    }

    /** A number or boolean where text is expected is a wrong type (400), not silently turned into text. */
    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** A record with a number, text, a boolean and a list: the shapes of a typical response body. */
    private record WarmUp(long id, String name, boolean active, List<String> tags) {
    }

    /**
     * Loads the encoder's machinery by encoding one small record (through {@link RecordJson}, so the mapper is not
     * built for it): every response is encoded, so the first request then pays only for its own types. Decoding is
     * prepared per body type ({@link #prepareDecoding}), by the handlers that decode, so a handler that never does
     * loads none of it. Costs a few milliseconds once, the first time; nothing after.
     */
    public static void warmUp() {
        encode(new WarmUp(1, "one", true, List.of("two")));
    }

    /**
     * Builds Jackson's decoder for {@code type} now and keeps it in the shared mapper's cache, so that the first
     * request with such a body pays only for reading it: handlers call this as they are constructed, in the
     * Lambda init phase, while {@code Tx.warmUp()} connects. A type Jackson cannot decode is reported by the
     * first {@link #decode} as usual, not here.
     *
     * @param type a body type, as given to {@link #decode}
     */
    public static void prepareDecoding(Class<?> type) {
        mapper().readerFor(type); // a reader fetches its root decoder eagerly, into the cache the mapper reads from
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
            T value = mapper().readValue(json, type);
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
            if (e.getCause() instanceof JsonProcessingException syntax && !(syntax instanceof JsonMappingException)) {
                throw malformed(syntax); // a syntax error met while binding a nested value, e.g. a truncated body
            }
            return fail(e, "invalid value");
        } catch (JsonProcessingException e) {
            throw malformed(e);
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
        String json = RecordJson.encode(value);
        if (json != null) {
            return json;
        }
        try {
            return mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getName() + " as JSON", e);
        }
    }

    private static InvalidJsonException malformed(JsonProcessingException e) {
        return e.getLocation() == null ? new InvalidJsonException("", "malformed JSON")
                : new InvalidJsonException("", "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr());
    }

    private static <T> T fail(JsonMappingException e, String problem) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof HttpProblem httpProblem) {
                throw httpProblem; // a body type's own validation, e.g. in a @JsonCreator
            }
        }
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
