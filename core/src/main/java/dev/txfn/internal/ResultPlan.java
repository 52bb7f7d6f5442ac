package dev.txfn.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ParameterMetaData;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Struct;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
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
 * What checking one class of value takes, decided once per class and cached (see {@link ResultGuard} for the
 * rules). {@code names} and {@code getters} are set only for {@link Kind#RECORD}, one per component worth reading.
 */
final class ResultPlan {
    enum Kind {
        /** Nothing to check. */
        SAFE,
        /** Refused: lazy or bound to the handle. */
        LAZY,
        /** Refused: a Collection, Map or Map.Entry that cannot be looked into without running its code. */
        UNCHECKABLE,
        RECORD, RANDOM_ACCESS_LIST, COLLECTION, MAP, ENTRY, OPTIONAL, ARRAY
    }

    static final ResultPlan SAFE = new ResultPlan(Kind.SAFE);

    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
    private static final Class<?>[] LAZY_TYPES = {
        Handle.class, Connection.class, Statement.class, ResultSet.class, DatabaseMetaData.class,
        ResultSetMetaData.class, ParameterMetaData.class, Blob.class, Clob.class, java.sql.Array.class,
        SQLXML.class, Ref.class, Struct.class, ResultIterable.class, ResultIterator.class, BaseStream.class,
        Iterator.class, Spliterator.class, AutoCloseable.class,
    };
    /** Iterables that are values: iterating one reads only memory (a path's names, an exception's chain). */
    private static final Class<?>[] ITERABLE_VALUES = {Path.class, SQLException.class};
    /** The JDK's disconnected copies of JDBC objects (SerialBlob, SerialArray...): values, not handles. */
    private static final String SERIAL_COPIES = "javax.sql.rowset.serial";
    /** Not final, but with no subclass outside the JDK that anyone returns from a query. */
    private static final Set<Class<?>> OPEN_VALUE_TYPES = Set.of(BigDecimal.class, BigInteger.class, ZoneId.class);

    private static final ClassValue<ResultPlan> PLANS = new ClassValue<>() {
        @Override
        protected ResultPlan computeValue(Class<?> type) {
            return planFor(type);
        }
    };

    final Kind kind;
    final String[] names;
    final MethodHandle[] getters;

    private ResultPlan(Kind kind) {
        this(kind, new String[0], new MethodHandle[0]);
    }

    private ResultPlan(Kind kind, String[] names, MethodHandle[] getters) {
        this.kind = kind;
        this.names = names;
        this.getters = getters;
    }

    static ResultPlan of(Class<?> type) {
        return PLANS.get(type);
    }

    private static ResultPlan planFor(Class<?> type) {
        if (isLazy(type)) {
            return new ResultPlan(Kind.LAZY);
        }
        if (type.isArray()) {
            return staticallySafe(type.getComponentType(), new ArrayList<>()) ? SAFE : new ResultPlan(Kind.ARRAY);
        }
        if (type == Optional.class) {
            return new ResultPlan(Kind.OPTIONAL);
        }
        if (Map.class.isAssignableFrom(type)) {
            return walkableOr(type, Kind.MAP);
        }
        if (Collection.class.isAssignableFrom(type)) {
            boolean indexed = List.class.isAssignableFrom(type) && RandomAccess.class.isAssignableFrom(type);
            return walkableOr(type, indexed ? Kind.RANDOM_ACCESS_LIST : Kind.COLLECTION);
        }
        if (type.isRecord()) {
            return recordPlan(type); // a record that is also a Map.Entry is read by its accessors
        }
        if (Map.Entry.class.isAssignableFrom(type)) {
            return walkableOr(type, Kind.ENTRY);
        }
        return SAFE;
    }

    private static ResultPlan walkableOr(Class<?> type, Kind kind) {
        return new ResultPlan(JdkContainers.walkable(type) ? kind : Kind.UNCHECKABLE);
    }

    private static boolean isLazy(Class<?> type) {
        if (isSerialCopy(type)) {
            return false;
        }
        for (Class<?> lazy : LAZY_TYPES) {
            if (lazy.isAssignableFrom(type)) {
                return true;
            }
        }
        return Iterable.class.isAssignableFrom(type) && !Collection.class.isAssignableFrom(type)
                && !isIterableValue(type);
    }

    private static boolean isSerialCopy(Class<?> type) {
        return type.getPackageName().equals(SERIAL_COPIES)
                && type.getClassLoader() == ClassLoader.getPlatformClassLoader();
    }

    private static boolean isIterableValue(Class<?> type) {
        for (Class<?> value : ITERABLE_VALUES) {
            if (value.isAssignableFrom(type)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isContainer(Class<?> type) {
        return type == Optional.class || Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)
                || Map.Entry.class.isAssignableFrom(type);
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
        if (isLazy(type) || isContainer(type)) {
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

    private static ResultPlan recordPlan(Class<?> type) {
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
                return SAFE; // unreachable accessor: opaque, see ResultGuard's class comment
            }
            names.add(component.getName());
            getters.add(getter);
        }
        if (getters.isEmpty()) {
            return SAFE;
        }
        return new ResultPlan(Kind.RECORD, names.toArray(new String[0]), getters.toArray(new MethodHandle[0]));
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
}
