package dev.txfn;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often, and how patiently, a transaction that failed with a {@linkplain TxException#isTransient()
 * transient} failure (serialization failure, deadlock) is re-run. A retry always re-runs the whole callback on
 * a new transaction, never a part of it, waits a random time up to an exponentially growing bound ("full
 * jitter"), and never waits past the {@linkplain Tx#withDeadline deadline}.
 *
 * <p>Independently of this policy, an attempt whose connection turns out dead before any statement
 * completed is re-run on a fresh connection: nothing was executed, so that is always safe. So is an attempt
 * whose write a read-only server refused (see {@link ReadOnlyServerException}): it is re-run on a new connection
 * with its own short backoff until the deadline, or for the pool's connection timeout when there is none.
 *
 * <p>Immutable and thread-safe.
 */
public final class RetryPolicy {
    private static final RetryPolicy DEFAULTS =
            new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(500));
    private static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * Three attempts in all, backoff starting at 10 ms and capped at 500 ms.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * One attempt: transient failures are raised at once.
     *
     * @return the policy that never retries
     */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * A copy allowing {@code maxAttempts} attempts in all (the first one included).
     *
     * @param maxAttempts at least 1
     * @return the new policy
     * @throws IllegalArgumentException if {@code maxAttempts} is less than 1
     */
    public RetryPolicy withMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
    }

    /**
     * A copy with another backoff: before retry {@code n} (1-based) it waits a uniformly random time between
     * zero and {@code min(max, initial * 2^(n-1))}.
     *
     * @param initial the bound before the first retry, not negative
     * @param max the largest bound, not less than {@code initial}
     * @return the new policy
     * @throws IllegalArgumentException if a duration is negative or {@code max < initial}
     */
    public RetryPolicy withBackoff(Duration initial, Duration max) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative()) {
            throw new IllegalArgumentException("initial backoff must not be negative, was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff must be at least the initial backoff " + initial
                    + ", was " + max);
        }
        return new RetryPolicy(maxAttempts, initial, max);
    }

    /**
     * The number of attempts in all, the first one included.
     *
     * @return at least 1
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * The backoff bound before the first retry.
     *
     * @return the initial backoff
     */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /**
     * The largest backoff bound.
     *
     * @return the maximum backoff
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * Draws the wait before retry number {@code retry}.
     *
     * @param retry 1 for the first retry
     * @return a random duration between zero and the bound for that retry
     */
    public Duration backoff(int retry) {
        long initialNanos = initialBackoff.toNanos();
        if (initialNanos == 0) {
            return Duration.ZERO;
        }
        int shift = Math.min(Math.max(retry - 1, 0), 30);
        long bound = Math.min(maxBackoff.toNanos(), initialNanos << shift);
        if (bound < 0) {
            bound = maxBackoff.toNanos();
        }
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(bound + 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetryPolicy other
                && maxAttempts == other.maxAttempts
                && initialBackoff.equals(other.initialBackoff)
                && maxBackoff.equals(other.maxBackoff);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, initialBackoff, maxBackoff);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + ".." + maxBackoff + "]";
    }
}
