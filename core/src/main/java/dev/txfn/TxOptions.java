package dev.txfn;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How one transaction runs: isolation, read-only, timeouts, transaction-local settings and the retry policy.
 *
 * <p>Every option is transaction-local. txfn sends them in the same network flight as the transaction's first
 * statement ({@code SET TRANSACTION ...; SET LOCAL ...}), so a transaction of k statements costs k + 1 round
 * trips whatever its options, and nothing survives into the next transaction on the same connection; that is
 * what keeps txfn safe behind PgBouncer in transaction mode and RDS Proxy without pinning.
 *
 * <p>Immutable and thread-safe; each {@code withX} method returns a modified copy.
 *
 * <pre>{@code
 * TxOptions opts = TxOptions.defaults()
 *         .withIsolation(Isolation.SERIALIZABLE)
 *         .withStatementTimeout(Duration.ofSeconds(2))
 *         .withSetting("app.tenant_id", tenantId);
 * }</pre>
 */
public final class TxOptions {
    private static final long MAX_TIMEOUT_MILLIS = Integer.MAX_VALUE;
    private static final TxOptions DEFAULTS =
            new TxOptions(null, false, false, null, null, null, Map.of(), RetryPolicy.defaults());

    private final Isolation isolation;
    private final boolean readOnly;
    private final boolean deferrable;
    private final Duration statementTimeout;
    private final Duration lockTimeout;
    private final Duration idleInTransactionTimeout;
    private final Map<String, String> settings;
    private final RetryPolicy retryPolicy;

    private TxOptions(Isolation isolation, boolean readOnly, boolean deferrable, Duration statementTimeout,
            Duration lockTimeout, Duration idleInTransactionTimeout, Map<String, String> settings,
            RetryPolicy retryPolicy) {
        this.isolation = isolation;
        this.readOnly = readOnly;
        this.deferrable = deferrable;
        this.statementTimeout = statementTimeout;
        this.lockTimeout = lockTimeout;
        this.idleInTransactionTimeout = idleInTransactionTimeout;
        this.settings = settings;
        this.retryPolicy = retryPolicy;
    }

    /**
     * The server's defaults: its isolation level, read-write, no timeouts, no settings, and
     * {@link RetryPolicy#defaults()}. A transaction with these options sends nothing but its own statements.
     *
     * @return the default options
     */
    public static TxOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A copy with the given isolation level.
     *
     * @param isolation the level, or {@code null} for the server's default
     * @return the new options
     */
    public TxOptions withIsolation(Isolation isolation) {
        return new TxOptions(isolation, readOnly, deferrable, statementTimeout, lockTimeout,
                idleInTransactionTimeout, settings, retryPolicy);
    }

    /**
     * A copy that is read-only ({@code BEGIN READ ONLY} semantics: writes fail with SQLSTATE {@code 25006}).
     *
     * @param readOnly whether the transaction may only read
     * @return the new options
     */
    public TxOptions withReadOnly(boolean readOnly) {
        return new TxOptions(isolation, readOnly, deferrable, statementTimeout, lockTimeout,
                idleInTransactionTimeout, settings, retryPolicy);
    }

    /**
     * A copy that is {@code DEFERRABLE}: a {@code SERIALIZABLE READ ONLY DEFERRABLE} transaction waits for a
     * safe snapshot once and then can never fail with a serialization failure. Ignored by the server unless the
     * transaction is serializable and read-only.
     *
     * @param deferrable whether the transaction is deferrable
     * @return the new options
     */
    public TxOptions withDeferrable(boolean deferrable) {
        return new TxOptions(isolation, readOnly, deferrable, statementTimeout, lockTimeout,
                idleInTransactionTimeout, settings, retryPolicy);
    }

    /**
     * A copy in which each statement may run at most {@code timeout} ({@code SET LOCAL statement_timeout});
     * the server cancels one that runs longer and txfn raises {@link StatementTimeoutException}. A
     * {@linkplain Tx#withDeadline deadline} lowers it further when less time is left.
     *
     * @param timeout a positive duration of at most {@code Integer.MAX_VALUE} ms, or {@code null} for none
     * @return the new options
     * @throws IllegalArgumentException if the duration is zero, negative or too large
     */
    public TxOptions withStatementTimeout(Duration timeout) {
        return new TxOptions(isolation, readOnly, deferrable, checkTimeout("statementTimeout", timeout),
                lockTimeout, idleInTransactionTimeout, settings, retryPolicy);
    }

    /**
     * A copy in which waiting for a lock is limited to {@code timeout} ({@code SET LOCAL lock_timeout}); a
     * longer wait fails with {@link LockTimeoutException}. Useful for DDL, so it cannot queue every reader
     * behind it.
     *
     * @param timeout a positive duration of at most {@code Integer.MAX_VALUE} ms, or {@code null} for none
     * @return the new options
     * @throws IllegalArgumentException if the duration is zero, negative or too large
     */
    public TxOptions withLockTimeout(Duration timeout) {
        return new TxOptions(isolation, readOnly, deferrable, statementTimeout,
                checkTimeout("lockTimeout", timeout), idleInTransactionTimeout, settings, retryPolicy);
    }

    /**
     * A copy in which the server ends the session if the transaction sits idle between statements longer than
     * {@code timeout} ({@code SET LOCAL idle_in_transaction_session_timeout}); the failure surfaces as
     * {@link IdleInTransactionTimeoutException}. A backstop for callbacks that wait on something other than the
     * database.
     *
     * @param timeout a positive duration of at most {@code Integer.MAX_VALUE} ms, or {@code null} for none
     * @return the new options
     * @throws IllegalArgumentException if the duration is zero, negative or too large
     */
    public TxOptions withIdleInTransactionTimeout(Duration timeout) {
        return new TxOptions(isolation, readOnly, deferrable, statementTimeout, lockTimeout,
                checkTimeout("idleInTransactionTimeout", timeout), settings, retryPolicy);
    }

    /**
     * A copy with a transaction-local custom setting ({@code SET LOCAL name = 'value'}), readable in SQL with
     * {@code current_setting('name')}, e.g. for row-level security by tenant. Settings are applied in the order
     * they were added; setting a name again replaces its value.
     *
     * @param name a custom setting name with one dot, such as {@code app.tenant_id}
     * @param value the value; any text without a NUL character (it is sent as an escaped literal)
     * @return the new options
     * @throws IllegalArgumentException if the name is not of the form {@code prefix.name} or the value holds NUL
     */
    public TxOptions withSetting(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!SettingName.PATTERN.matcher(name).matches()) {
            throw new IllegalArgumentException("setting name must look like prefix.name (letters, digits, _),"
                    + " was '" + name + "'");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("value of setting " + name + " must not contain a NUL character");
        }
        Map<String, String> copy = new LinkedHashMap<>(settings);
        copy.put(name, value);
        return new TxOptions(isolation, readOnly, deferrable, statementTimeout, lockTimeout,
                idleInTransactionTimeout, Collections.unmodifiableMap(copy), retryPolicy);
    }

    /**
     * A copy with another retry policy.
     *
     * @param retryPolicy the policy, e.g. {@link RetryPolicy#none()}
     * @return the new options
     */
    public TxOptions withRetryPolicy(RetryPolicy retryPolicy) {
        return new TxOptions(isolation, readOnly, deferrable, statementTimeout, lockTimeout,
                idleInTransactionTimeout, settings, Objects.requireNonNull(retryPolicy, "retryPolicy"));
    }

    /**
     * The isolation level.
     *
     * @return the level, or {@code null} for the server's default
     */
    public Isolation isolation() {
        return isolation;
    }

    /**
     * Whether the transaction is read-only.
     *
     * @return {@code true} if read-only
     */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Whether the transaction is deferrable.
     *
     * @return {@code true} if deferrable
     */
    public boolean deferrable() {
        return deferrable;
    }

    /**
     * The statement timeout.
     *
     * @return the timeout, or {@code null} for none
     */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /**
     * The lock timeout.
     *
     * @return the timeout, or {@code null} for none
     */
    public Duration lockTimeout() {
        return lockTimeout;
    }

    /**
     * The idle-in-transaction timeout.
     *
     * @return the timeout, or {@code null} for none
     */
    public Duration idleInTransactionTimeout() {
        return idleInTransactionTimeout;
    }

    /**
     * The transaction-local settings in the order they are applied.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> settings() {
        return settings;
    }

    /**
     * The retry policy.
     *
     * @return the policy
     */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    private static Duration checkTimeout(String name, Duration timeout) {
        if (timeout == null) {
            return null;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + timeout);
        }
        if (timeout.compareTo(Duration.ofMillis(MAX_TIMEOUT_MILLIS)) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_TIMEOUT_MILLIS + " ms, was " + timeout);
        }
        if (timeout.toNanos() % 1_000_000 != 0 && timeout.toMillis() == 0) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, was " + timeout);
        }
        return timeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TxOptions other
                && isolation == other.isolation
                && readOnly == other.readOnly
                && deferrable == other.deferrable
                && Objects.equals(statementTimeout, other.statementTimeout)
                && Objects.equals(lockTimeout, other.lockTimeout)
                && Objects.equals(idleInTransactionTimeout, other.idleInTransactionTimeout)
                && settings.equals(other.settings)
                && retryPolicy.equals(other.retryPolicy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(isolation, readOnly, deferrable, statementTimeout, lockTimeout, idleInTransactionTimeout,
                settings, retryPolicy);
    }

    /** Lists the options; setting values are shown by name only, since they may identify a tenant or user. */
    @Override
    public String toString() {
        return "TxOptions[isolation=" + (isolation == null ? "default" : isolation)
                + ", readOnly=" + readOnly
                + (deferrable ? ", deferrable" : "")
                + (statementTimeout == null ? "" : ", statementTimeout=" + statementTimeout)
                + (lockTimeout == null ? "" : ", lockTimeout=" + lockTimeout)
                + (idleInTransactionTimeout == null ? "" : ", idleInTransactionTimeout=" + idleInTransactionTimeout)
                + (settings.isEmpty() ? "" : ", settings=" + settings.keySet())
                + ", " + retryPolicy + "]";
    }

    /** Compiled when a setting is first given, not on every cold start. */
    private static final class SettingName {
        static final Pattern PATTERN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*");
    }
}
