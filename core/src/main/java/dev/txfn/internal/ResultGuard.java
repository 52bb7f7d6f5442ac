package dev.txfn.internal;

import dev.txfn.EscapedResultException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.UndeclaredThrowableException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;
import java.util.Spliterator;
import java.util.stream.BaseStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.result.ResultIterable;
import org.jdbi.v3.core.result.ResultIterator;

/**
 * Enforces design principle 2: a transaction's result must be materialized. {@link #check(Object)} walks
 * the value a callback returned and fails on the first lazy or handle-bound value it finds.
 *
 * <p>What is walked: record components (by accessor), {@link Collection} elements, {@link Map} keys and
 * values, the content of an {@link Optional}, and object array elements, at any depth. Any other object
 * (a POJO, a bean) is not descended into, but its own class is still checked. Forbidden, by runtime class:
 * {@link Handle}, {@link Connection}, {@link ResultSet}, {@link Statement}, {@link ResultIterable},
 * {@link ResultIterator}, {@link BaseStream} (every {@code Stream}), {@link Iterator}, {@link Spliterator},
 * any {@link Iterable} that is not a {@link Collection}, and any {@link AutoCloseable}.
 *
 * <p>Paths start at {@code result}; a record component adds {@code .name}, a list element or an array
 * element {@code [index]}, any other collection's element {@code [i]} with {@code i} its position in
 * iteration order, a map value {@code [key]} and a map key {@code [key].<key>}, where {@code key} is
 * {@code String.valueOf(key)} cut to 32 characters. {@code Optional} adds nothing.
 * Example: {@code result.items[3].owner}.
 *
 * <p>Cost: the work per class is decided once, in a {@link ClassValue}. A record whose components all have
 * statically safe types (primitives, {@code String}, boxed numbers, {@code BigDecimal}, {@code BigInteger},
 * {@code java.time} types, {@code UUID}, enums, arrays of these, final classes that are neither containers
 * nor forbidden, and records made only of these) is never opened: a {@code List} of 10,000 of them costs one
 * class lookup per element and no accessor call. Containers are remembered by identity, so a collection that
 * contains itself, or one shared by many records, is walked once; the identity set is allocated only when a
 * second container is met.
 *
 * <p>A record whose accessors cannot be reached (declared in a named module that neither exports it nor
 * opens it to txfn) is treated like a POJO: its class is checked, its components are not. Records on the
 * class path, which is how Lambda functions run, are always reachable.
 *
 * <p>Thread-safe: stateless apart from the per-class cache, which is safe for concurrent use.
 */
public final class ResultGuard {
    static final int MAX_KEY_LABEL = 32;

    private static final String ROOT = "result";
    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
    private static final Class<?>[] FORBIDDEN = {
        Handle.class, Connection.class, ResultSet.class, Statement.class, ResultIterable.class,
        ResultIterator.class, BaseStream.class, Iterator.class, Spliterator.class, AutoCloseable.class,
    };
    /** Not final, but with no subclass outside the JDK that anyone returns from a query. */
    private static final Set<Class<?>> OPEN_VALUE_TYPES = Set.of(BigDecimal.class, BigInteger.class, ZoneId.class);

    private static final ClassValue<Plan> PLANS = new ClassValue<>() {
        @Override
        protected Plan computeValue(Class<?> type) {
            return planFor(type);
        }
    };

    ResultGuard() {
    }

    /**
     * Checks that {@code result} holds nothing lazy or bound to the transaction's handle.
     *
     * @param result the value the transaction callback returned; may be {@code null}
     * @throws EscapedResultException naming the path to, and the class of, the first offending value
     * @throws UndeclaredThrowableException if a record accessor throws a checked exception
     */
    public static void check(Object result) {
        if (result == null) {
            return;
        }
        Plan plan = PLANS.get(result.getClass());
        if (plan.kind == Kind.SAFE) {
            return;
        }
        Escape escape = new Walk().visit(result, plan);
        if (escape != null) {
            throw escape.toException();
        }
    }

    private enum Kind { SAFE, FORBIDDEN, RECORD, RANDOM_ACCESS_LIST, COLLECTION, MAP, OPTIONAL, ARRAY }

    /** What checking one class takes; {@code getters} only for RECORD, one per component worth reading. */
    private static final class Plan {
        static final Plan SAFE = new Plan(Kind.SAFE, new String[0], new MethodHandle[0]);

        final Kind kind;
        final String[] names;
        final MethodHandle[] getters;

        Plan(Kind kind, String[] names, MethodHandle[] getters) {
            this.kind = kind;
            this.names = names;
            this.getters = getters;
        }

        static Plan of(Kind kind) {
            return new Plan(kind, new String[0], new MethodHandle[0]);
        }
    }

    private static Plan planFor(Class<?> type) {
        if (isForbidden(type)) {
            return Plan.of(Kind.FORBIDDEN);
        }
        if (type.isArray()) {
            return staticallySafe(type.getComponentType(), new ArrayList<>()) ? Plan.SAFE : Plan.of(Kind.ARRAY);
        }
        if (type == Optional.class) {
            return Plan.of(Kind.OPTIONAL);
        }
        if (Map.class.isAssignableFrom(type)) {
            return Plan.of(Kind.MAP);
        }
        if (List.class.isAssignableFrom(type) && RandomAccess.class.isAssignableFrom(type)) {
            return Plan.of(Kind.RANDOM_ACCESS_LIST);
        }
        if (Collection.class.isAssignableFrom(type)) {
            return Plan.of(Kind.COLLECTION);
        }
        return type.isRecord() ? recordPlan(type) : Plan.SAFE;
    }

    private static boolean isForbidden(Class<?> type) {
        for (Class<?> forbidden : FORBIDDEN) {
            if (forbidden.isAssignableFrom(type)) {
                return true;
            }
        }
        return Iterable.class.isAssignableFrom(type) && !Collection.class.isAssignableFrom(type);
    }

    private static boolean isContainer(Class<?> type) {
        return type == Optional.class || Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type);
    }

    /**
     * Whether every value a variable of this declared type can hold has nothing to check. {@code visiting}
     * holds the records being decided, so a record that (indirectly) contains itself counts as unsafe.
     */
    private static boolean staticallySafe(Class<?> type, List<Class<?>> visiting) {
        if (type.isPrimitive()) {
            return true;
        }
        if (type.isArray()) {
            return staticallySafe(type.getComponentType(), visiting);
        }
        if (isForbidden(type) || isContainer(type)) {
            return false;
        }
        if (type.isRecord()) {
            if (visiting.contains(type)) {
                return false;
            }
            visiting.add(type);
            try {
                for (RecordComponent component : type.getRecordComponents()) {
                    if (!staticallySafe(component.getType(), visiting)) {
                        return false;
                    }
                }
                return true;
            } finally {
                visiting.remove(visiting.size() - 1);
            }
        }
        // An enum constant with a body is an anonymous subclass, but it cannot add interfaces.
        if (type.isEnum() || Modifier.isFinal(type.getModifiers()) || OPEN_VALUE_TYPES.contains(type)) {
            return true;
        }
        if (type.isSealed()) {
            Class<?>[] permitted = type.getPermittedSubclasses();
            if (permitted == null) {
                return false;
            }
            for (Class<?> subclass : permitted) {
                if (!staticallySafe(subclass, visiting)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static Plan recordPlan(Class<?> type) {
        List<Class<?>> visiting = new ArrayList<>();
        visiting.add(type);
        List<String> names = new ArrayList<>();
        List<MethodHandle> getters = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (staticallySafe(component.getType(), visiting)) {
                continue;
            }
            MethodHandle getter = getter(component.getAccessor());
            if (getter == null) {
                return Plan.SAFE; // unreachable accessor: opaque, see the class comment
            }
            names.add(component.getName());
            getters.add(getter);
        }
        if (getters.isEmpty()) {
            return Plan.SAFE;
        }
        return new Plan(Kind.RECORD, names.toArray(new String[0]), getters.toArray(new MethodHandle[0]));
    }

    /**
     * A handle on a record accessor, or {@code null} if none can be had. A public record in an exported
     * package needs nothing special; a non-public one (a private nested record, say) needs
     * {@code setAccessible}, which the class path and open packages allow. Where that is refused,
     * {@code Method.invoke} would be refused by the same access check, so there is nothing left to try.
     */
    private static MethodHandle getter(Method accessor) {
        try {
            return MethodHandles.publicLookup().unreflect(accessor).asType(GETTER);
        } catch (IllegalAccessException notPublic) {
            // try the other ways below
        }
        try {
            return MethodHandles.lookup().unreflect(accessor).asType(GETTER);
        } catch (IllegalAccessException notVisibleFromHere) {
            // try the other ways below
        }
        try {
            if (accessor.trySetAccessible()) {
                return MethodHandles.lookup().unreflect(accessor).asType(GETTER);
            }
        } catch (IllegalAccessException | SecurityException refused) {
            // opaque
        }
        return null;
    }

    /** One walk's state: the first container walked and, once a second one is met, all containers walked. */
    private static final class Walk {
        private Object firstContainer;
        private Set<Object> seen;

        Escape visit(Object value, Plan plan) {
            switch (plan.kind) {
                case SAFE:
                    return null;
                case FORBIDDEN:
                    return new Escape(value.getClass());
                case RECORD:
                    return visitRecord(value, plan);
                case OPTIONAL:
                    return visitChild(((Optional<?>) value).orElse(null));
                case RANDOM_ACCESS_LIST:
                    return firstVisit(value) ? visitList((List<?>) value) : null;
                case COLLECTION:
                    return firstVisit(value) ? visitCollection((Collection<?>) value) : null;
                case MAP:
                    return firstVisit(value) ? visitMap((Map<?, ?>) value) : null;
                case ARRAY:
                    return firstVisit(value) ? visitArray((Object[]) value) : null;
                default:
                    throw new AssertionError(plan.kind);
            }
        }

        private Escape visitChild(Object child) {
            if (child == null) {
                return null;
            }
            Plan plan = PLANS.get(child.getClass());
            return plan.kind == Kind.SAFE ? null : visit(child, plan);
        }

        /**
         * Whether a container is met for the first time. The first one (usually the root, or the list in a
         * root record) needs no set; the set starts with the second, and holds the first as well.
         */
        private boolean firstVisit(Object container) {
            if (seen == null) {
                if (firstContainer == null) {
                    firstContainer = container;
                    return true;
                }
                seen = Collections.newSetFromMap(new IdentityHashMap<>());
                seen.add(firstContainer);
            }
            return seen.add(container);
        }

        private Escape visitRecord(Object record, Plan plan) {
            MethodHandle[] getters = plan.getters;
            for (int i = 0; i < getters.length; i++) {
                Escape escape = visitChild(read(getters[i], record));
                if (escape != null) {
                    return escape.under("." + plan.names[i]);
                }
            }
            return null;
        }

        private Escape visitList(List<?> list) {
            Class<?> lastType = null;
            Plan lastPlan = Plan.SAFE;
            for (int i = 0, n = list.size(); i < n; i++) {
                Object element = list.get(i);
                if (element == null) {
                    continue;
                }
                // Lists are usually of one class: skip even the ClassValue lookup when it repeats.
                Class<?> type = element.getClass();
                if (type != lastType) {
                    lastType = type;
                    lastPlan = PLANS.get(type);
                }
                if (lastPlan.kind != Kind.SAFE) {
                    Escape escape = visit(element, lastPlan);
                    if (escape != null) {
                        return escape.under("[" + i + "]");
                    }
                }
            }
            return null;
        }

        private Escape visitCollection(Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                Escape escape = visitChild(element);
                if (escape != null) {
                    return escape.under("[" + i + "]");
                }
                i++;
            }
            return null;
        }

        private Escape visitMap(Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Escape escape = visitChild(entry.getKey());
                if (escape != null) {
                    return escape.under(".<key>").under("[" + keyLabel(entry.getKey()) + "]");
                }
                escape = visitChild(entry.getValue());
                if (escape != null) {
                    return escape.under("[" + keyLabel(entry.getKey()) + "]");
                }
            }
            return null;
        }

        private Escape visitArray(Object[] array) {
            for (int i = 0; i < array.length; i++) {
                Escape escape = visitChild(array[i]);
                if (escape != null) {
                    return escape.under("[" + i + "]");
                }
            }
            return null;
        }
    }

    private static Object read(MethodHandle getter, Object record) {
        try {
            return (Object) getter.invokeExact(record);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable checked) {
            throw new UndeclaredThrowableException(checked, "record accessor threw " + checked);
        }
    }

    static String keyLabel(Object key) {
        String label;
        try {
            label = String.valueOf(key);
        } catch (RuntimeException toStringFailed) {
            label = key.getClass().getName();
        }
        label = label.replace('\n', ' ').replace('\r', ' ');
        return label.length() <= MAX_KEY_LABEL ? label : label.substring(0, MAX_KEY_LABEL - 3) + "...";
    }

    /** The offending value's class and the path to it, built innermost segment first while unwinding. */
    private static final class Escape {
        private final Class<?> type;
        private final List<String> reversedPath = new ArrayList<>();

        Escape(Class<?> type) {
            this.type = type;
        }

        Escape under(String segment) {
            reversedPath.add(segment);
            return this;
        }

        EscapedResultException toException() {
            StringBuilder path = new StringBuilder(ROOT);
            for (int i = reversedPath.size() - 1; i >= 0; i--) {
                path.append(reversedPath.get(i));
            }
            return new EscapedResultException(path.toString(), type.getName());
        }
    }
}
