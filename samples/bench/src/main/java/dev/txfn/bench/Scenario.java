package dev.txfn.bench;

import dev.txfn.Isolation;
import java.time.Duration;
import java.util.List;

/**
 * One kind of transaction the round-trip and latency measures run for every implementation: its options and how
 * many statements it runs. Each statement is {@code select name from txfn_bench_thing where id = ?}. Immutable
 * and thread-safe.
 *
 * @param name the case's identifier in the results
 * @param description the case in words
 * @param idleBefore how long the connection sits unused before the transaction (0: back to back)
 * @param isolation the isolation level asked for explicitly, or {@code null} for the server's default
 * @param readOnly whether the transaction is read-only
 * @param statementTimeout the statement timeout, or {@code null} for none
 * @param tenant the value of the transaction-local setting {@value #TENANT_SETTING}, or {@code null} for none
 * @param statements how many statements the transaction runs (k; the limit is k + 1 round trips)
 * @param oneQuery whether the transaction is declared as one read-only query (txfn's {@code TxFn.query}), which
 *     can travel with its {@code BEGIN} and {@code COMMIT} in one round trip
 */
public record Scenario(String name, String description, Duration idleBefore, Isolation isolation, boolean readOnly,
        Duration statementTimeout, String tenant, int statements, boolean oneQuery) {

    /** The transaction-local setting of the last case. */
    public static final String TENANT_SETTING = "app.tenant_id";

    /** The statement timeout of the cases that set one. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** Longer than Hikari's 500 ms, after which it validates a connection on borrow. */
    static final Duration IDLE = Duration.ofMillis(600);

    /** The cases of issue 5, in report order. */
    public static final List<Scenario> ALL = List.of(
            new Scenario("one-select", "1 SELECT, back to back", Duration.ZERO, null, false, null, null, 1, false),
            new Scenario("one-select-after-idle", "1 SELECT, 600 ms between transactions", IDLE, null, false, null,
                    null, 1, false),
            new Scenario("read-only", "1 SELECT, read-only", Duration.ZERO, null, true, null, null, 1, false),
            new Scenario("read-only-one-query", "1 SELECT, read-only, declared as one query", Duration.ZERO, null,
                    true, null, null, 1, true),
            new Scenario("serializable", "1 SELECT, SERIALIZABLE", Duration.ZERO, Isolation.SERIALIZABLE, false, null,
                    null, 1, false),
            new Scenario("read-committed", "1 SELECT, explicit READ COMMITTED", Duration.ZERO,
                    Isolation.READ_COMMITTED, false, null, null, 1, false),
            new Scenario("statement-timeout", "1 SELECT, statement timeout 2 s", Duration.ZERO, null, false, TIMEOUT,
                    null, 1, false),
            new Scenario("two-selects-all-options", "2 SELECTs, SERIALIZABLE + timeout 2 s + SET LOCAL "
                    + TENANT_SETTING, Duration.ZERO, Isolation.SERIALIZABLE, false, TIMEOUT, "tenant-42", 2, false));

    /**
     * The fewest round trips this transaction can cost: one per statement plus the COMMIT, or one for a single
     * query sent with its {@code BEGIN} and {@code COMMIT}.
     *
     * @return k + 1, or 1
     */
    public int limit() {
        return oneQuery ? 1 : statements + 1;
    }

    /**
     * Whether the connection idles before the transaction.
     *
     * @return {@code true} if {@link #idleBefore()} is positive
     */
    public boolean idles() {
        return !idleBefore.isZero();
    }
}
