package dev.txfn.internal;

import dev.txfn.TxFn;
import java.util.Objects;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The program {@link TxFn#query(String, Function)} builds: one query, which a read-only transaction on
 * PostgreSQL sends in a single flight together with its {@code BEGIN} and {@code COMMIT}. Immutable.
 *
 * @param <T> the value the program produces
 */
public final class OneQuery<T> implements TxFn<T> {
    private final String sql;
    private final Function<? super Query, ? extends T> query;

    /**
     * The program.
     *
     * @param sql the query
     * @param query binds, executes and maps it
     */
    public OneQuery(String sql, Function<? super Query, ? extends T> query) {
        this.sql = Objects.requireNonNull(sql, "sql");
        this.query = Objects.requireNonNull(query, "query");
    }

    @Override
    public T withHandle(Handle handle) {
        return query.apply(handle.createQuery(sql));
    }

    /** Mapping the value keeps the program a single query. */
    @Override
    public <R> TxFn<R> map(Function<? super T, ? extends R> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return new OneQuery<R>(sql, query.andThen(mapper));
    }

    @Override
    public String toString() {
        return "TxFn.query(" + sql + ")";
    }
}
