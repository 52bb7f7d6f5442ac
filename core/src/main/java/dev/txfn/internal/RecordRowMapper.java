package dev.txfn.internal;

import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.generic.GenericTypes;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.mapper.ColumnMappers;
import org.jdbi.v3.core.mapper.Nested;
import org.jdbi.v3.core.mapper.PropagateNull;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ColumnName;
import org.jdbi.v3.core.mapper.reflect.ColumnNameMatcher;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.mapper.reflect.JdbiConstructor;
import org.jdbi.v3.core.mapper.reflect.ReflectionMapperUtil;
import org.jdbi.v3.core.mapper.reflect.ReflectionMappers;
import org.jdbi.v3.core.qualifier.QualifiedType;
import org.jdbi.v3.core.qualifier.Qualifier;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Maps rows to one record class through its canonical constructor, with the semantics of Jdbi's
 * {@code ConstructorMapper}: a component matches a column by the statement's {@link ReflectionMappers} settings
 * (by default case-insensitively and snake_case to camelCase), {@link ColumnName @ColumnName} renames it, a
 * component carrying any annotation named {@code Nullable} may be missing from the result set, qualifier
 * annotations select qualified column mappers, each column is read by the column mapper the statement's
 * configuration finds for the component's type, and strict matching rejects unmatched columns.
 *
 * <p>What differs is the cost. {@code ConstructorMapper} inspects the constructor's parameters by reflection
 * and matches every component against the column names again for every statement, and builds each row through
 * {@code MethodHandle.invokeWithArguments}, which spreads the arguments anew per row; together more than a
 * third of the client's CPU in a transaction that reads rows into records. Here the record is inspected once,
 * the matching of a column list is kept (per list of column labels, checked against the statement's matching
 * settings), and rows are built through one method handle spread once. Column mappers are still looked up in
 * each statement's configuration, so a column mapper registered on a handle or a statement applies as before.
 *
 * @param <T> the record type
 */
final class RecordRowMapper<T> implements RowMapper<T> {
    /** Column lists kept per record class; a record read by more distinct column lists is matched afresh. */
    private static final int MAX_COLUMN_LISTS = 64;

    /**
     * Column types whose Jdbi column mappers read no configuration when built, so that what the Jdbi instance's
     * configuration finds for them is what any handle's would (unless the handle registers its own mapper, which
     * clears its copy of the cache). Jdbi's primitive mappers read their null coalescing setting when they map,
     * not when they are built. Enums (whose mapper depends on the {@code Enums} strategy), JSON and other
     * qualified or configurable types are not taught.
     */
    private static final Set<Class<?>> TEACHABLE = Set.of(long.class, int.class, short.class, byte.class,
            double.class, float.class, boolean.class, char.class, String.class, Long.class, Integer.class,
            Short.class, Byte.class, Double.class, Float.class, Boolean.class, Character.class, BigDecimal.class,
            BigInteger.class, UUID.class, Instant.class, OffsetDateTime.class, ZonedDateTime.class, LocalDate.class,
            LocalDateTime.class, LocalTime.class, byte[].class);

    private final Class<T> type;
    /** Weak: this mapper lives as long as the record class, the Jdbi instance often much shorter. */
    private final WeakReference<ConfigRegistry> root;
    private volatile boolean rootKnowsColumnMappers;
    private final String[] names;
    private final QualifiedType<?>[] types;
    private final boolean[] nullable;
    private final MethodHandle constructor;
    private final Map<List<String>, Matching> matchings = new ConcurrentHashMap<>();

    private RecordRowMapper(Class<T> type, Constructor<T> canonical, ConfigRegistry root) {
        this.type = type;
        this.root = new WeakReference<>(root);
        RecordComponent[] components = type.getRecordComponents();
        Parameter[] parameters = canonical.getParameters();
        names = new String[components.length];
        types = new QualifiedType<?>[components.length];
        nullable = new boolean[components.length];
        for (int i = 0; i < components.length; i++) {
            ColumnName columnName = parameters[i].getAnnotation(ColumnName.class);
            names[i] = columnName == null ? components[i].getName() : columnName.value();
            types[i] = QualifiedType.of(components[i].getGenericType()).withAnnotations(qualifiers(parameters[i]));
            nullable[i] = isNullable(parameters[i].getAnnotations())
                    || isNullable(parameters[i].getAnnotatedType().getAnnotations());
        }
        try {
            constructor = MethodHandles.lookup().unreflectConstructor(canonical)
                    .asSpreader(Object[].class, components.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("cannot use the canonical constructor of record " + type.getName(), e);
        }
    }

    /**
     * The mapper of {@code record}: this class's, or Jdbi's {@code ConstructorMapper} for a record that uses a
     * mapping feature left to it: {@code @Nested} or {@code @PropagateNull} on a component, {@code @PropagateNull}
     * on the record, a {@code @JdbiConstructor} constructor or factory method, {@code @ConstructorProperties}, or
     * a canonical constructor this package may not call.
     *
     * @param record a record class
     * @param root the configuration of the Jdbi instance the mapper serves
     * @param <R> the record type
     * @return its row mapper
     */
    static <R> RowMapper<R> forRecord(Class<R> record, ConfigRegistry root) {
        Constructor<R> canonical = canonicalConstructor(record, record.getRecordComponents());
        return usesJdbiOnlyFeatures(record, canonical) ? ConstructorMapper.of(record)
                : new RecordRowMapper<>(record, canonical, root);
    }

    private static boolean usesJdbiOnlyFeatures(Class<?> record, Constructor<?> canonical) {
        if (record.isAnnotationPresent(PropagateNull.class)) {
            return true;
        }
        for (Constructor<?> constructor : record.getDeclaredConstructors()) {
            if (constructor.isAnnotationPresent(JdbiConstructor.class) || Arrays.stream(constructor.getAnnotations())
                    .anyMatch(a -> a.annotationType().getName().equals("java.beans.ConstructorProperties"))) {
                return true;
            }
        }
        for (Method method : record.getDeclaredMethods()) {
            if (method.isAnnotationPresent(JdbiConstructor.class)) {
                return true; // a static factory method Jdbi would call instead of the constructor
            }
        }
        for (Parameter parameter : canonical.getParameters()) {
            if (parameter.isAnnotationPresent(Nested.class) || parameter.isAnnotationPresent(PropagateNull.class)) {
                return true;
            }
        }
        // Granting access succeeds for a private record's constructor outside a closed module; a public one of a
        // public record needs none.
        boolean callable = Modifier.isPublic(canonical.getModifiers()) && Modifier.isPublic(record.getModifiers());
        return !canonical.trySetAccessible() && !callable;
    }

    private static <R> Constructor<R> canonicalConstructor(Class<R> record, RecordComponent[] components) {
        Class<?>[] parameterTypes = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            return record.getDeclaredConstructor(parameterTypes);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + record.getName() + " has no canonical constructor", e);
        }
    }

    /** Any annotation named {@code Nullable}, whatever its package, as Jdbi has it. */
    private static boolean isNullable(Annotation[] annotations) {
        return Arrays.stream(annotations).anyMatch(a -> a.annotationType().getSimpleName().equals("Nullable"));
    }

    /** The annotations Jdbi counts as qualifiers: those whose type is annotated {@code @Qualifier}. */
    private static List<Annotation> qualifiers(Parameter parameter) {
        return Arrays.stream(parameter.getAnnotations())
                .filter(a -> a.annotationType().isAnnotationPresent(Qualifier.class))
                .toList();
    }

    @Override
    public T map(ResultSet rs, StatementContext ctx) throws SQLException {
        return specialize(rs, ctx).map(rs, ctx);
    }

    @Override
    public RowMapper<T> specialize(ResultSet rs, StatementContext ctx) throws SQLException {
        ReflectionMappers settings = ctx.getConfig(ReflectionMappers.class);
        ResultSetMetaData metadata = rs.getMetaData();
        String[] labels = new String[metadata.getColumnCount()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = metadata.getColumnLabel(i + 1);
        }
        List<String> key = List.of(labels);
        Matching matching = matchings.get(key);
        if (matching == null || !matching.madeWith(settings)) {
            matching = match(labels, settings);
            if (matchings.size() < MAX_COLUMN_LISTS || matchings.containsKey(key)) {
                matchings.put(key, matching);
            }
        }
        if (matching.failure != null) {
            String failure = matching.failure;
            return (r, c) -> {
                throw new IllegalArgumentException(failure);
            };
        }
        ColumnMapper<?>[] columnMappers = new ColumnMapper<?>[names.length];
        for (int i = 0; i < names.length; i++) {
            if (matching.columns[i] != 0) {
                QualifiedType<?> componentType = types[i];
                int component = i;
                columnMappers[i] = ctx.findColumnMapperFor(componentType).orElseThrow(() ->
                        new IllegalArgumentException("no column mapper for type " + componentType + " of component '"
                                + names[component] + "' of record " + type.getName()));
            }
        }
        if (!rootKnowsColumnMappers) {
            teachRoot(matching.columns);
        }
        return new BoundMapper(matching.columns, columnMappers);
    }

    /**
     * Looks this record's column mappers up once in the Jdbi instance's own configuration. Each handle starts
     * from a copy of that configuration, column mapper cache included, but lookups only ever happen in the
     * copies, which are thrown away with their handles: without this, every transaction would search the column
     * mapper factories again for every component (a sixth of a one-row read's CPU). Only {@link #TEACHABLE}
     * types are taught, whose mappers do not depend on configuration; a handle that registers a column mapper
     * clears its copy's cache, so what is learned here never overrides a handle's own mappers.
     */
    private void teachRoot(int[] columns) {
        ConfigRegistry registry = root.get();
        if (registry != null) {
            ColumnMappers rootMappers = registry.get(ColumnMappers.class);
            for (int i = 0; i < columns.length; i++) {
                if (columns[i] != 0 && types[i].getQualifiers().isEmpty()
                        && TEACHABLE.contains(GenericTypes.getErasedType(types[i].getType()))) {
                    rootMappers.findFor(types[i]);
                }
            }
        }
        rootKnowsColumnMappers = true;
    }

    /** Matches every component to a column as Jdbi's {@code ConstructorMapper} does. */
    private Matching match(String[] labels, ReflectionMappers settings) {
        UnaryOperator<String> caseChange = settings.getCaseChange();
        List<ColumnNameMatcher> matchers = settings.getColumnNameMatchers();
        List<String> columnNames = new ArrayList<>(labels.length);
        for (String label : labels) {
            columnNames.add(caseChange.apply(label));
        }
        List<String> unmatchedColumns = new ArrayList<>(columnNames);
        List<String> unmatchedComponents = new ArrayList<>();
        int[] columns = new int[names.length];
        boolean anyMatched = false;
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            OptionalInt index = ReflectionMapperUtil.findColumnIndex(name, columnNames, matchers,
                    () -> "component '" + name + "' of record " + type.getName());
            if (index.isPresent()) {
                columns[i] = index.getAsInt() + 1;
                unmatchedColumns.remove(columnNames.get(index.getAsInt()));
                anyMatched = true;
            } else if (!nullable[i]) {
                unmatchedComponents.add(name);
            } else if (GenericTypes.getErasedType(types[i].getType()).isPrimitive()) {
                throw new IllegalArgumentException("record " + type.getName() + ": component '" + name + "' is"
                        + " marked @Nullable but is a primitive, so it cannot be null; no column of the result set "
                        + columnNames + " matches it");
            }
        }
        String failure = null;
        if (!anyMatched) {
            // As ConstructorMapper: reported when a row is mapped, so a query that returns no rows succeeds.
            failure = "no component of record " + type.getName() + " matches a column of the result set "
                    + columnNames + "; name the columns after the components (snake_case matches camelCase), "
                    + "annotate components with @ColumnName, or mark optional ones @Nullable";
        } else if (!unmatchedComponents.isEmpty()) {
            throw new IllegalArgumentException("record " + type.getName() + ": component(s) " + unmatchedComponents
                    + " match no column of the result set " + columnNames + "; name the columns after the "
                    + "components (snake_case matches camelCase), annotate them with @ColumnName, or mark them "
                    + "@Nullable");
        } else if (settings.isStrictMatching()
                && ReflectionMapperUtil.anyColumnsStartWithPrefix(unmatchedColumns, "", matchers)) {
            failure = "record " + type.getName() + " (strict matching): no component for the column(s) "
                    + unmatchedColumns;
        }
        return new Matching(columns, failure, caseChange, matchers, settings.isStrictMatching());
    }

    /**
     * The outcome of matching one list of column labels, with the settings it was made with.
     *
     * @param columns per component, its 1-based column, or 0 for a {@code @Nullable} component with no column
     * @param failure why rows cannot be mapped, or {@code null}
     */
    private record Matching(int[] columns, String failure, UnaryOperator<String> caseChange,
            List<ColumnNameMatcher> matchers, boolean strict) {
        boolean madeWith(ReflectionMappers settings) {
            // Each handle copies the matcher list, so compare its elements, not the list's identity.
            return settings.getCaseChange() == caseChange && settings.isStrictMatching() == strict
                    && settings.getColumnNameMatchers().equals(matchers);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** The mapper of one statement: columns matched, column mappers found in the statement's configuration. */
    private final class BoundMapper implements RowMapper<T> {
        private final int[] columns;
        private final ColumnMapper<?>[] columnMappers;

        BoundMapper(int[] columns, ColumnMapper<?>[] columnMappers) {
            this.columns = columns;
            this.columnMappers = columnMappers;
        }

        @Override
        public T map(ResultSet rs, StatementContext ctx) throws SQLException {
            Object[] arguments = new Object[columns.length];
            for (int i = 0; i < arguments.length; i++) {
                if (columns[i] != 0) {
                    arguments[i] = columnMappers[i].map(rs, columns[i], ctx);
                }
            }
            try {
                return type.cast(constructor.invokeExact(arguments));
            } catch (Throwable e) {
                throw RecordRowMapper.<RuntimeException>sneaky(e); // unchanged, as ConstructorMapper has it
            }
        }
    }
}
