package dev.txfn.lambda;

import dev.txfn.Database;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How every invocation of a txfn handler runs: the safety margin kept between the database deadline and the
 * Lambda timeout, whether CloudWatch Embedded Metric Format lines are written, and the {@link Database} whose
 * pool is checked at the end of each invocation and emptied before a SnapStart checkpoint.
 *
 * <p>Immutable and thread-safe; each {@code withX} method returns a modified copy.
 */
public final class InvocationSettings {
    private static final InvocationSettings DEFAULTS =
            new InvocationSettings(Duration.ofMillis(500), false, "txfn", null);

    private final Duration deadlineMargin;
    private final boolean metrics;
    private final String metricsNamespace;
    private final Database database;

    private InvocationSettings(Duration deadlineMargin, boolean metrics, String metricsNamespace, Database database) {
        this.deadlineMargin = deadlineMargin;
        this.metrics = metrics;
        this.metricsNamespace = metricsNamespace;
        this.database = database;
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
        return new InvocationSettings(margin, metrics, metricsNamespace, database);
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
        return new InvocationSettings(deadlineMargin, true, namespace, database);
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
                Objects.requireNonNull(database, "database"));
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
}
