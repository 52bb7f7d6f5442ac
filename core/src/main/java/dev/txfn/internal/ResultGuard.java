package dev.txfn.internal;

import dev.txfn.EscapedResultException;
import dev.txfn.EscapedResultException.Reason;
import dev.txfn.internal.ResultPlan.Kind;
import java.lang.reflect.UndeclaredThrowableException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Enforces design principle 2: a transaction's result must be materialized. {@link #check(Object)} walks
 * the value a callback returned and fails on the first value it must not let out of the transaction.
 *
 * <p>What is walked, at any depth: record components (by accessor), collection elements, map keys and values,
 * the key and value of a {@link Map.Entry}, the content of an {@link Optional}, and object array elements.
 * Collections, maps and entries are walked only when they are the JDK's own ({@code ArrayList},
 * {@code HashMap}, {@code List.of}, {@code Map.entry}, their {@code subList}, {@code keySet}, {@code values},
 * {@code entrySet}; the full rule is in {@link JdkContainers}). Any other object (a POJO, a bean) is not
 * descended into, but its own class is still checked.
 *
 * <p>Refused as {@link Reason#LAZY_OR_HANDLE_BOUND}, by runtime class: {@code Handle}, {@code Connection},
 * {@code Statement}, {@code ResultSet}, the JDBC metadata objects, {@code Blob}, {@code Clob} (and
 * {@code NClob}), {@code java.sql.Array}, {@code SQLXML}, {@code Ref} and {@code Struct} (a driver's keep its
 * connection: pgjdbc's {@code PgArray} and {@code PgBlob} do; the JDK's {@code javax.sql.rowset.serial} copies
 * are values and pass), Jdbi's {@code ResultIterable} and {@code ResultIterator}, every {@code Stream},
 * {@code Iterator}, {@code Spliterator} and {@code AutoCloseable}, and every {@link Iterable} that is not a
 * {@link Collection}, except {@link Path} and {@link java.sql.SQLException}, values whose iteration reads only
 * memory.
 *
 * <p>Refused as {@link Reason#UNCHECKABLE_CONTAINER}: every other {@link Collection}, {@link Map} or
 * {@link Map.Entry}, such as a Guava view, a user's {@code AbstractList}, an anonymous {@code HashMap} subclass,
 * or a JDK wrapper of a collection it was handed ({@code Collections.unmodifiableList(x)}: txfn cannot see
 * {@code x} without running it). A lazy view may run a query on every {@code get}, so such a value is refused
 * without calling any of its methods, not even {@code size()}; the fix is to copy it inside the callback
 * ({@code List.copyOf}). A record that implements {@code Map.Entry} is walked as a record.
 *
 * <p>Code run while checking: record accessors and the JDK's own collection code (for a sorted range view such
 * as {@code headMap} or {@code subSet}, that includes the comparator bounding it). Never a method of a value it
 * refuses: a map key appears in a path through {@code toString()} only if it is a {@code String}, a boxed
 * primitive, {@code BigDecimal}, {@code BigInteger}, {@code UUID} or a {@code java.time} value, an enum through
 * {@code name()}, any other key as its simple class name in angle brackets ({@code <Key>}).
 *
 * <p>Paths start at {@code result}; a record component adds {@code .name}, a list element or an array
 * element {@code [index]}, any other collection's element {@code [i]} with {@code i} its position in
 * iteration order, a map value {@code [key]} and a map key {@code [key].<key>}, where {@code key} is the
 * key's label cut to 32 characters, a map entry's key {@code .key} and its value {@code .value}.
 * {@code Optional} adds nothing. Example: {@code result.items[3].owner}.
 *
 * <p>Depth: the walk keeps its own stack on the heap, so a result nested 100,000 levels deep (a linked list of
 * records, say) is checked like a flat one; no nesting depth is refused, and the path is always complete.
 *
 * <p>Cost: the work per class is decided once, in a {@link ClassValue}. A record whose components all have
 * statically safe types (primitives, {@code String}, boxed numbers, {@code BigDecimal}, {@code BigInteger},
 * {@code java.time} types, {@code UUID}, enums, arrays of these, final classes that are neither containers
 * nor refused, and records made only of these) is never opened: a {@code List} of 10,000 of them costs one
 * class lookup per element and no accessor call: a list none of whose elements needs a look is settled by one
 * tight scan. Other containers and entries are remembered by identity, so a collection that contains itself,
 * or one shared by many records, is walked once; the identity set is allocated only when a second container is
 * met. A record is opened in place and gets a frame on the walk's stack only when one of its components needs
 * a look (see {@link ResultWalk}).
 *
 * <p>A record whose accessors cannot be reached (declared in a named module that neither exports it nor
 * opens it to txfn) is treated like a POJO: its class is checked, its components are not. Records on the
 * class path, which is how Lambda functions run, are always reachable.
 *
 * <p>Thread-safe: stateless apart from the per-class cache, which is safe for concurrent use.
 */
public final class ResultGuard {
    static final int MAX_KEY_LABEL = 32;

    private static final Set<Class<?>> LABELLED_KEY_TYPES = Set.of(String.class, Character.class, Boolean.class,
            Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class, BigDecimal.class,
            BigInteger.class, UUID.class);

    ResultGuard() {
    }

    /**
     * Checks that {@code result} holds nothing lazy, bound to the transaction's handle, or impossible to
     * check without running its code.
     *
     * @param result the value the transaction callback returned; may be {@code null}
     * @throws EscapedResultException naming the path to, and the class of, the first offending value
     * @throws UndeclaredThrowableException if a record accessor throws a checked exception
     */
    public static void check(Object result) {
        if (result == null) {
            return;
        }
        ResultPlan plan = ResultPlan.of(result.getClass());
        if (plan.kind == Kind.SAFE || plan.kind == Kind.RANDOM_ACCESS_LIST && ResultWalk.allSafe((List<?>) result)) {
            return;
        }
        EscapedResultException escape = new ResultWalk().run(result, plan);
        if (escape != null) {
            throw escape;
        }
    }

    /** A map key as a path shows it, without running any code but the JDK's (see the class comment). */
    static String keyLabel(Object key) {
        String label;
        if (key == null) {
            label = "null";
        } else if (key instanceof Enum<?> constant) {
            label = constant.name();
        } else if (LABELLED_KEY_TYPES.contains(key.getClass()) || isJavaTimeValue(key.getClass())) {
            label = key.toString();
        } else {
            String name = key.getClass().getSimpleName();
            label = "<" + (name.isEmpty() ? key.getClass().getName() : name) + ">";
        }
        label = label.replace('\n', ' ').replace('\r', ' ');
        return label.length() <= MAX_KEY_LABEL ? label : label.substring(0, MAX_KEY_LABEL - 3) + "...";
    }

    private static boolean isJavaTimeValue(Class<?> type) {
        return type.getClassLoader() == null && type.getPackageName().startsWith("java.time");
    }
}
