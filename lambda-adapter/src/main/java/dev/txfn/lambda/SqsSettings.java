package dev.txfn.lambda;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a {@link SqsHandler} processes a batch: whether it records an idempotency key for each message in the
 * message's own transaction (on by default), what the key is (the SQS message id, or a key derived from the
 * decoded body), in which table and for how long it is kept, and whether the queue is treated as FIFO.
 *
 * <pre>{@code
 * SqsSettings<OrderPlaced> settings = SqsSettings.<OrderPlaced>defaults()
 *         .withIdempotencyKey(order -> "order-placed:" + order.id())
 *         .withIdempotencyRetention(Duration.ofDays(14));
 * }</pre>
 *
 * <p>Immutable and thread-safe; each {@code withX} method returns a modified copy.
 *
 * @param <T> the decoded body type, which a key function reads
 */
public final class SqsSettings<T> {
    private static final SqsSettings<Object> DEFAULTS = new SqsSettings<>(true, null,
            IdempotencyTable.DEFAULT_NAME, Duration.ofDays(7), FifoHandling.AUTO);

    private final boolean idempotency;
    private final Function<? super T, String> idempotencyKey;
    private final String idempotencyTable;
    private final Duration idempotencyRetention;
    private final FifoHandling fifoHandling;

    private SqsSettings(boolean idempotency, Function<? super T, String> idempotencyKey, String idempotencyTable,
            Duration idempotencyRetention, FifoHandling fifoHandling) {
        this.idempotency = idempotency;
        this.idempotencyKey = idempotencyKey;
        this.idempotencyTable = idempotencyTable;
        this.idempotencyRetention = idempotencyRetention;
        this.fifoHandling = fifoHandling;
    }

    /**
     * Idempotency on, keyed by the SQS message id, in table {@code txfn_idempotency}, keys kept 7 days; FIFO
     * handling decided by the queue's name.
     *
     * @param <T> the decoded body type
     * @return the defaults
     */
    @SuppressWarnings("unchecked") // holds no T: the key function is null until withIdempotencyKey
    public static <T> SqsSettings<T> defaults() {
        return (SqsSettings<T>) DEFAULTS;
    }

    /**
     * A copy that does (the default) or does not record an idempotency key with each message. Without it, a
     * message SQS delivers twice (it promises at-least-once delivery) is processed twice.
     *
     * @param enabled whether to record keys
     * @return the new settings
     */
    public SqsSettings<T> withIdempotency(boolean enabled) {
        return new SqsSettings<>(enabled, idempotencyKey, idempotencyTable, idempotencyRetention, fifoHandling);
    }

    /**
     * A copy whose idempotency key is derived from the decoded body rather than the SQS message id: use it when
     * the producer may send the same logical message twice (a retried publish gets a new message id). Keys share
     * one namespace per table, so give each handler's keys a distinct prefix ({@code "order-placed:" + id}) or
     * its own table. A key function that throws or returns a blank key fails that message.
     *
     * @param key derives the key from the body; must not return {@code null} or blank
     * @param <U> the body type the key function reads
     * @return the new settings
     */
    public <U> SqsSettings<U> withIdempotencyKey(Function<? super U, String> key) {
        return new SqsSettings<U>(idempotency, Objects.requireNonNull(key, "key"), idempotencyTable,
                idempotencyRetention, fifoHandling);
    }

    /**
     * A copy recording keys in another table, created as {@link IdempotencyTable#createTableSql(String)} shows.
     *
     * @param table an unquoted SQL identifier, optionally schema-qualified ({@code app.sqs_idempotency})
     * @return the new settings
     * @throws IllegalArgumentException if the name is not a plain identifier of at most 63 characters per part
     */
    public SqsSettings<T> withIdempotencyTable(String table) {
        return new SqsSettings<>(idempotency, idempotencyKey, IdempotencyTable.checkName(table),
                idempotencyRetention, fifoHandling);
    }

    /**
     * A copy keeping each key this long after its message was processed. Keep it longer than a message can
     * live in the queue (the queue's retention period, at most 14 days): a key that has expired no longer stops a
     * redelivery.
     *
     * @param retention positive, whole seconds or more
     * @return the new settings
     * @throws IllegalArgumentException if the retention is shorter than one second
     */
    public SqsSettings<T> withIdempotencyRetention(Duration retention) {
        Objects.requireNonNull(retention, "retention");
        if (retention.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("idempotencyRetention must be at least 1 s, was " + retention);
        }
        return new SqsSettings<>(idempotency, idempotencyKey, idempotencyTable, retention, fifoHandling);
    }

    /**
     * A copy with another FIFO handling.
     *
     * @param handling {@link FifoHandling#AUTO} (the default), {@link FifoHandling#ALWAYS} or
     *     {@link FifoHandling#NEVER}
     * @return the new settings
     */
    public SqsSettings<T> withFifoHandling(FifoHandling handling) {
        return new SqsSettings<>(idempotency, idempotencyKey, idempotencyTable, idempotencyRetention,
                Objects.requireNonNull(handling, "handling"));
    }

    /**
     * Whether an idempotency key is recorded with each message.
     *
     * @return {@code true} by default
     */
    public boolean idempotency() {
        return idempotency;
    }

    /**
     * The function deriving the key from the body.
     *
     * @return the function, or empty when the SQS message id is the key
     */
    public Optional<Function<? super T, String>> idempotencyKey() {
        return Optional.ofNullable(idempotencyKey);
    }

    /**
     * The table keys are recorded in.
     *
     * @return the table name
     */
    public String idempotencyTable() {
        return idempotencyTable;
    }

    /**
     * How long a key is kept.
     *
     * @return the retention
     */
    public Duration idempotencyRetention() {
        return idempotencyRetention;
    }

    /**
     * The FIFO handling.
     *
     * @return the handling
     */
    public FifoHandling fifoHandling() {
        return fifoHandling;
    }

    /**
     * Whether a batch is processed as coming from a FIFO queue: in order, stopping at the first failed message and
     * reporting it and every later one as failed, so SQS redelivers them in order.
     */
    public enum FifoHandling {
        /** FIFO when the queue's ARN ends in {@code .fifo}. */
        AUTO,
        /** Always stop at the first failure. */
        ALWAYS,
        /** Never stop: process every message whatever the queue (order across a failure is lost). */
        NEVER
    }
}
