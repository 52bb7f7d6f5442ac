package dev.txfn;

/**
 * A PostgreSQL transaction isolation level. txfn sets it with {@code SET TRANSACTION ISOLATION LEVEL} in the
 * same network flight as the transaction's first statement, never with session-level commands.
 */
public enum Isolation {
    /** Each statement sees data committed before it began. PostgreSQL's default. */
    READ_COMMITTED("READ COMMITTED"),
    /** All statements see one snapshot taken at the first statement. */
    REPEATABLE_READ("REPEATABLE READ"),
    /**
     * Behaves as if transactions ran one after another; conflicts abort with a
     * {@link SerializationFailureException}, which the default {@link RetryPolicy} retries.
     */
    SERIALIZABLE("SERIALIZABLE");

    private final String sql;

    Isolation(String sql) {
        this.sql = sql;
    }

    /**
     * The level as written in SQL, e.g. {@code REPEATABLE READ}.
     *
     * @return the SQL keyword(s)
     */
    public String sql() {
        return sql;
    }
}
