package dev.txfn.lambda;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Decodes Lambda events from JSON exactly as the Lambda Java runtime does, with its own serializers
 * ({@code aws-lambda-java-serialization}): they know the quirks of each AWS event ({@code Records} in SQS and S3
 * events, {@code eventSourceARN}, {@code detail-type} in EventBridge events, ...), which a plain Jackson mapper
 * gets wrong. Other types (your own records) are decoded with the runtime's POJO serializer, as in Lambda. For
 * tests and local runs:
 *
 * <pre>{@code
 * SQSEvent batch = LambdaEvents.fromResource("events/sqs-batch.json", SQSEvent.class);
 * SQSBatchResponse response = new OrderPlacedQueue().handleRequest(batch, LocalContext.create());
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class LambdaEvents {

    private LambdaEvents() {
    }

    /**
     * Decodes {@code json} as the runtime would for a handler taking {@code type}.
     *
     * @param json the event document
     * @param type the event class, e.g. {@code SQSEvent.class}
     * @param <T> the event type
     * @return the event
     * @throws IllegalArgumentException if the document cannot be decoded into {@code type}
     */
    public static <T> T fromJson(String json, Class<T> type) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(type, "type");
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : LambdaEvents.class.getClassLoader();
        PojoSerializer<T> serializer = LambdaEventSerializers.serializerFor(type, loader);
        try {
            return serializer.fromJson(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot decode the JSON as a " + type.getName() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Reads a classpath resource (UTF-8) and decodes it as {@link #fromJson} does.
     *
     * @param classpathResource the resource path, e.g. {@code events/sqs-batch.json} (a leading {@code /} is
     *     ignored)
     * @param type the event class
     * @param <T> the event type
     * @return the event
     * @throws IllegalArgumentException if the resource does not exist or cannot be decoded into {@code type}
     * @throws UncheckedIOException if the resource cannot be read
     */
    public static <T> T fromResource(String classpathResource, Class<T> type) {
        Objects.requireNonNull(classpathResource, "classpathResource");
        String path = classpathResource.startsWith("/") ? classpathResource.substring(1) : classpathResource;
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : LambdaEvents.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no classpath resource '" + path + "'");
            }
            return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource '" + path + "'", e);
        }
    }
}
