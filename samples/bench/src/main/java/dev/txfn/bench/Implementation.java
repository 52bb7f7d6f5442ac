package dev.txfn.bench;

import java.util.Arrays;
import java.util.function.Function;

/**
 * The implementations the round-trip and latency measures compare, each as it is used in practice; the first,
 * {@link #RAW_JDBC}, is the baseline every ratio divides by.
 */
public enum Implementation {

    /**
     * Raw JDBC done by hand, the best a careful human does: one plain pgjdbc connection kept open (no pool, so
     * nothing is validated on borrow), auto-commit off, and the transaction's options written as
     * {@code SET TRANSACTION ...; SET LOCAL ...} in front of the first statement's SQL, in the same
     * {@code execute()}, so they travel in the statement's flight (results stepped past with
     * {@code getMoreResults()}). The protocol minimum: k + 1 round trips.
     */
    RAW_JDBC("raw-jdbc", "raw JDBC", target -> new RawJdbcStyle(target, true)),

    /**
     * Raw JDBC by hand, the common careful form: like {@link #RAW_JDBC}, but the options are sent as one
     * {@code execute("SET TRANSACTION ...; SET LOCAL ...")} of their own before the first statement.
     */
    RAW_JDBC_SEPARATE_SET("raw-jdbc-set-apart", "raw JDBC, SET apart", target -> new RawJdbcStyle(target, false)),

    /**
     * Jdbi over HikariCP with its defaults (a pool of one): {@code jdbi.inTransaction(level, ...)} for an
     * isolation level, {@code handle.setReadOnly(true)} then {@code inTransaction} for read-only, and
     * {@code SET LOCAL statement_timeout} and {@code set_config(name, value, true)} as statements of their own.
     */
    JDBI("jdbi", "Jdbi + Hikari", JdbiStyle::new),

    /**
     * Spring's {@code TransactionTemplate} and {@code JdbcTemplate} over a {@code DataSourceTransactionManager}
     * on HikariCP with its defaults (a pool of one); isolation, read-only and timeout are the template's
     * properties, the setting is a {@code set_config} statement. Spring applies its transaction timeout on the
     * client, as each statement's JDBC query timeout (a pgjdbc timer that cancels over a second connection), not
     * as the server's {@code statement_timeout}.
     */
    SPRING("spring", "Spring", SpringStyle::new),

    /** txfn: {@code Tx.create(Database)} with a pool of one, every option in {@code TxOptions}. */
    TXFN("txfn", "txfn", TxfnStyle::new);

    /** The baseline of every ratio. */
    public static final Implementation BASELINE = RAW_JDBC;

    private final String key;
    private final String label;
    private final Function<DbTarget, TransactionStyle> opener;

    Implementation(String key, String label, Function<DbTarget, TransactionStyle> opener) {
        this.key = key;
        this.label = label;
        this.opener = opener;
    }

    /**
     * The identifier in the JSON.
     *
     * @return for example {@code raw-jdbc}
     */
    public String key() {
        return key;
    }

    /**
     * The column heading in the Markdown.
     *
     * @return for example {@code raw JDBC}
     */
    public String label() {
        return label;
    }

    /**
     * Opens this implementation on {@code target}; it connects on first use at the latest.
     *
     * @param target where to connect
     * @return the implementation, owning its connection or pool
     */
    TransactionStyle open(DbTarget target) {
        return opener.apply(target);
    }

    /**
     * The column heading for a figure or ratio key: an implementation's label, or {@code a ÷ b} for a ratio
     * key {@code a/b}; unknown keys stay as they are.
     *
     * @param key a key of {@link CaseResult#figures()} or {@link CaseResult#ratios()}
     * @return the heading
     */
    public static String label(String key) {
        int slash = key.indexOf('/');
        if (slash > 0) {
            return label(key.substring(0, slash)) + " ÷ " + label(key.substring(slash + 1));
        }
        return Arrays.stream(values()).filter(i -> i.key.equals(key)).map(Implementation::label).findFirst()
                .orElse(key);
    }
}
