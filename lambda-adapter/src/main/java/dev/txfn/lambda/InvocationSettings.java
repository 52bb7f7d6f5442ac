package dev.txfn.lambda;

import dev.txfn.Database;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How every invocation of a txfn handler runs: the safety margin kept between the database deadline and the
 * Lambda timeout, whether CloudWatch Embedded Metric Format lines are written, the {@link Database} whose
 * pool is checked at the end of each invocation and emptied before a SnapStart checkpoint, and the telemetry
 * flush run before each invocation returns.
 *
 * <p>When OpenTelemetry is on the class path, every invocation gets a span (through the application's
 * {@code GlobalOpenTelemetry}); exporting it before Lambda freezes the environment is the
 * {@link #withTelemetryFlush telemetry flush}'s job.
 *
 * <p>Immutable and thread-safe; each {@code withX} method returns a modified copy.
 */
public final class InvocationSettings {
    private static final InvocationSettings DEFAULTS =
            new InvocationSettings(Duration.ofMillis(500), false, "txfn", null, null);

    private final Duration deadlineMargin;
    private final boolean metrics;
    private final String metricsNamespace;
    private final Database database;
    private final Runnable telemetryFlush;

    private InvocationSettings(Duration deadlineMargin, boolean metrics, String metricsNamespace, Database database,
            Runnable telemetryFlush) {
        this.deadlineMargin = deadlineMargin;
        this.metrics = metrics;
        this.metricsNamespace = metricsNamespace;
        this.database = database;
        this.telemetryFlush = telemetryFlush;
    }

    /**
     * A 500 ms deadline margin, no metrics, no database.
     *
     * @return the defaults
     */
    public static InvocationSettings defaults() {
        return DEFAULTS;
    }

    /**
     * A copy keeping {@code margin} between the database deadline and the Lambda timeout: the invocation's
     * {@code Tx} deadline is {@code now + remaining time - margin}, so a slow statement is cancelled by the server
     * with time left to roll back, log and answer.
     *
     * @param margin not negative
     * @return the new settings
     * @throws IllegalArgumentException if the margin is negative
     */
    public InvocationSettings withDeadlineMargin(Duration margin) {
        Objects.requireNonNull(margin, "margin");
        if (margin.isNegative()) {
            throw new IllegalArgumentException("deadlineMargin must not be negative, was " + margin);
        }
        return new InvocationSettings(margin, metrics, metricsNamespace, database, telemetryFlush);
    }

    /**
     * A copy that also writes one CloudWatch Embedded Metric Format line per invocation to standard output
     * (transactions, retries, duration, unsettled), in {@code namespace}.
     *
     * @param namespace the CloudWatch metrics namespace, not blank
     * @return the new settings
     * @throws IllegalArgumentException if the namespace is blank
     */
    public InvocationSettings withMetrics(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isBlank()) {
            throw new IllegalArgumentException("metrics namespace must not be blank");
        }
        return new InvocationSettings(deadlineMargin, true, namespace, database, telemetryFlush);
    }

    /**
     * A copy naming the {@link Database} behind the handler's {@code Tx}: its pool is cross-checked at the end
     * of every invocation (no connection checked out) and emptied before a SnapStart checkpoint.
     *
     * @param database the pool
     * @return the new settings
     */
    public InvocationSettings withDatabase(Database database) {
        return new InvocationSettings(deadlineMargin, metrics, metricsNamespace,
                Objects.requireNonNull(database, "database"), telemetryFlush);
    }

    /**
     * A copy that runs {@code flush} at the end of every invocation, after its span ended and before the handler
     * returns: Lambda freezes the environment once the handler returns, so spans still queued in a batch
     * processor would leave late or never. With the OpenTelemetry SDK:
     *
     * <pre>{@code
     * settings.withTelemetryFlush(() -> sdk.getSdkTracerProvider().forceFlush().join(1, TimeUnit.SECONDS))
     * }</pre>
     *
     * <p>The flush is bounded by what it does (the {@code join} timeout above): it runs on the invocation's time. An
     * exception it throws is logged at WARN and does not fail the invocation.
     *
     * @param flush what exports the invocation's telemetry
     * @return the new settings
     */
    public InvocationSettings withTelemetryFlush(Runnable flush) {
        return new InvocationSettings(deadlineMargin, metrics, metricsNamespace, database,
                Objects.requireNonNull(flush, "flush"));
    }

    /**
     * The deadline margin.
     *
     * @return the margin
     */
    public Duration deadlineMargin() {
        return deadlineMargin;
    }

    /**
     * Whether EMF metric lines are written.
     *
     * @return {@code true} if they are
     */
    public boolean metrics() {
        return metrics;
    }

    /**
     * The EMF namespace.
     *
     * @return the namespace
     */
    public String metricsNamespace() {
        return metricsNamespace;
    }

    /**
     * The database, if one was named.
     *
     * @return the database or empty
     */
    public Optional<Database> database() {
        return Optional.ofNullable(database);
    }

    /**
     * The telemetry flush, if one was given.
     *
     * @return the flush or empty
     */
    public Optional<Runnable> telemetryFlush() {
        return Optional.ofNullable(telemetryFlush);
    }
}
