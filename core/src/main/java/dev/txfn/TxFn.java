package dev.txfn;

import dev.txfn.internal.OneQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.statement.Query;

/**
 * A transaction program: a step that reads or writes through a {@link Handle} and returns a value, not yet
 * run. Programs compose with {@link #map}, {@link #flatMap}, {@link #then} and {@link #zip}, and however many
 * steps a program has, {@link Tx#inTransaction(HandleCallback)} runs it as one {@code BEGIN ... COMMIT}; on a
 * retry the whole program runs again.
 *
 * <pre>{@code
 * TxFn<Thing> create = h -> things.insert(h, draft);
 * TxFn<Receipt> both = create.flatMap(t -> audit.log(t).map(a -> new Receipt(t, a)));
 * Receipt receipt = tx.inTransaction(both);
 * }</pre>
 *
 * <p>A {@code TxFn} may not throw checked exceptions; a callback that needs to can be passed to
 * {@code inTransaction} directly as a Jdbi {@link HandleCallback}, whose exception type passes through.
 * Implementations should be stateless so that a program can be run any number of times, from any thread.
 *
 * @param <T> the type of the value the program produces
 */
@FunctionalInterface
public interface TxFn<T> extends HandleCallback<T, RuntimeException> {

    /**
     * Runs the step inside the current transaction.
     *
     * @param handle the transaction's handle; valid only until the step returns
     * @return the step's value, fully materialized
     */
    @Override
    T withHandle(Handle handle);

    /**
     * A program that produces {@code value} without touching the database.
     *
     * @param value the value
     * @param <T> its type
     * @return the program
     */
    static <T> TxFn<T> constant(T value) {
        return h -> value;
    }

    /**
     * A program that runs {@code steps} in order and collects their values.
     *
     * @param steps the programs to run
     * @param <T> their value type
     * @return a program producing an unmodifiable list of the values, in order
     */
    static <T> TxFn<List<T>> sequence(List<? extends TxFn<? extends T>> steps) {
        List<TxFn<? extends T>> copy = List.copyOf(steps);
        return h -> {
            List<T> values = new ArrayList<>(copy.size());
            for (TxFn<? extends T> step : copy) {
                values.add(step.withHandle(h));
            }
            // Unmodifiable, nulls allowed, and a JDK list the result guard walks (it refuses wrappers such as
            // Collections.unmodifiableList, whose content it cannot see without running it).
            return values.stream().toList();
        };
    }

    /**
     * A program of exactly one query: {@code query} gets the {@link Query} for {@code sql} to bind, execute
     * (once) and map, as in {@code TxFn.query("select ... where id = :id", q -> q.bind("id", id)
     * .mapTo(Thing.class).one())}. Run as a read-only transaction on PostgreSQL ({@link Tx#readOnly}, or options
     * with {@code withReadOnly(true)}), the whole transaction costs <b>one</b> round trip: {@code BEGIN ... READ
     * ONLY}, the options' {@code SET LOCAL}s, the query and {@code COMMIT} travel to the server together, where
     * any other program costs k + 1 for k statements. {@link #map} keeps that; other compositions, read-write
     * options and in-memory databases run it as an ordinary one-statement transaction.
     *
     * <p>In one flight the transaction ends with the query, so the program may run nothing else: a second
     * statement fails with {@link IllegalStateException}, and the connection under the handle stays in
     * auto-commit mode (JDBC used directly through {@code q.getHandle().getConnection()} would run outside the
     * transaction, and {@code afterCommit} hooks are not available).
     *
     * @param sql the query; Jdbi's named ({@code :id}) and positional parameters as usual
     * @param query binds, executes and maps the query; runs again on a retry
     * @param <T> the type of the value
     * @return the program
     */
    static <T> TxFn<T> query(String sql, Function<? super Query, ? extends T> query) {
        return new OneQuery<>(sql, query);
    }

    /**
     * A program that runs this one and transforms its value.
     *
     * @param mapper applied to this program's value
     * @param <R> the new value type
     * @return the composed program
     */
    default <R> TxFn<R> map(Function<? super T, ? extends R> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return h -> mapper.apply(withHandle(h));
    }

    /**
     * A program that runs this one, then the program {@code next} derives from its value, in the same
     * transaction.
     *
     * @param next derives the second program from this program's value
     * @param <R> the second program's value type
     * @return the composed program
     */
    default <R> TxFn<R> flatMap(Function<? super T, ? extends TxFn<? extends R>> next) {
        Objects.requireNonNull(next, "next");
        return h -> next.apply(withHandle(h)).withHandle(h);
    }

    /**
     * A program that runs this one, discards its value, then runs {@code next}.
     *
     * @param next the program to run second
     * @param <R> its value type
     * @return the composed program
     */
    default <R> TxFn<R> then(TxFn<? extends R> next) {
        Objects.requireNonNull(next, "next");
        return h -> {
            withHandle(h);
            return next.withHandle(h);
        };
    }

    /**
     * A program that runs this one, then {@code other}, and combines both values.
     *
     * @param other the program to run second
     * @param combiner combines this program's value and {@code other}'s
     * @param <U> the other program's value type
     * @param <R> the combined type
     * @return the composed program
     */
    default <U, R> TxFn<R> zip(TxFn<? extends U> other, BiFunction<? super T, ? super U, ? extends R> combiner) {
        Objects.requireNonNull(other, "other");
        Objects.requireNonNull(combiner, "combiner");
        return h -> {
            T first = withHandle(h);
            return combiner.apply(first, other.withHandle(h));
        };
    }
}
