package dev.txfn.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.Arguments;
import org.jdbi.v3.core.argument.QualifiedArgumentFactory;
import org.jdbi.v3.core.array.SqlArrayType;
import org.jdbi.v3.core.array.SqlArrayTypeFactory;
import org.jdbi.v3.core.array.SqlArrayTypes;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.mapper.ColumnMappers;
import org.jdbi.v3.core.mapper.QualifiedColumnMapperFactory;
import org.jdbi.v3.core.qualifier.QualifiedType;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The argument factories, column mappers and array types of Jdbi's {@link PostgresPlugin}, registered as one
 * entry each and made only when a lookup first needs them. Installing the plugin costs a cold start about 40
 * classes and 38 registrations (Jdbi 3.55: 12 argument factories, 9 column mappers, 17 array types) with
 * annotation lookups, and the compilation that follows; the first transaction of most handlers binds numbers and
 * text and maps text, numbers and timestamps, which none of the plugin's factories handles.
 *
 * <p>When made, the factories are exactly Jdbi's: the real plugin is installed on a Jdbi of its own (which never
 * connects) and the entries it added are taken from that Jdbi's configuration in their order, so qualifiers,
 * {@code Preparable} handling and precedence among them are Jdbi's. Each entry here stands where the plugin's
 * block of entries would stand (txfn installs it first, before the application's), and a lookup runs that block
 * in order, as Jdbi would; when Jdbi's {@code Arguments.findFor} prepares a type right after building its value,
 * the factory that built it prepares, as Jdbi asks of that factory alone. Lookups of an unqualified type in
 * {@link #PLAIN} (with a value of such a type, or none) answer "not mine" without making the factories: no
 * factory of the plugin handles them ({@code DeferredPostgresFactoriesTest} checks each against the real
 * plugin's). A failure to make them (none is known) surfaces at the lookup, each time, not at start-up.
 * Column-mapper and array-type lists are read through a private lookup; where that is refused, {@link #AVAILABLE}
 * is false and the plugin is installed as Jdbi's. Thread-safe.
 */
final class DeferredPostgresFactories {

    /** Unqualified types that none of the plugin's factories handles: lookups of them never make the factories. */
    static final Set<Type> PLAIN = Set.of(String.class, long.class, Long.class, int.class, Integer.class,
            short.class, Short.class, byte.class, Byte.class, boolean.class, Boolean.class, double.class, Double.class,
            float.class, Float.class, char.class, Character.class, BigDecimal.class, byte[].class, LocalDate.class,
            LocalTime.class, LocalDateTime.class, Instant.class, OffsetDateTime.class, ZonedDateTime.class);

    private static final VarHandle MAPPER_FACTORIES;
    private static final VarHandle ARRAY_FACTORIES;

    /** Whether Jdbi's configuration lists can be read here; when not, the plugin is installed eagerly. */
    static final boolean AVAILABLE;

    static {
        VarHandle mappers = null;
        VarHandle arrays = null;
        try {
            mappers = MethodHandles.privateLookupIn(ColumnMappers.class, MethodHandles.lookup())
                    .findVarHandle(ColumnMappers.class, "factories", List.class);
            arrays = MethodHandles.privateLookupIn(SqlArrayTypes.class, MethodHandles.lookup())
                    .findVarHandle(SqlArrayTypes.class, "factories", List.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            mappers = null;
            arrays = null;
        }
        MAPPER_FACTORIES = mappers;
        ARRAY_FACTORIES = arrays;
        AVAILABLE = mappers != null;
    }

    /**
     * Which of the plugin's factories built the last argument on this thread: Jdbi's {@code Arguments.findFor}
     * asks the factory that built a value to prepare its type next, and this entry stands for several.
     */
    private static final ThreadLocal<Built> BUILT_BY = new ThreadLocal<>();

    private volatile Made made;

    private record Built(QualifiedType<?> type, QualifiedArgumentFactory factory) {
    }

    /** The plugin's entries, in Jdbi's order (newest first, as Jdbi consults them). */
    record Made(List<QualifiedArgumentFactory> arguments, List<QualifiedColumnMapperFactory> columnMappers,
            List<SqlArrayTypeFactory> arrayTypes) {
    }

    /** One argument factory standing for the plugin's. */
    QualifiedArgumentFactory.Preparable arguments() {
        return new DeferredArguments();
    }

    /** One column-mapper factory standing for the plugin's. */
    QualifiedColumnMapperFactory columnMappers() {
        return new DeferredColumnMappers();
    }

    /** One array-type factory standing for the plugin's. */
    SqlArrayTypeFactory arrayTypes() {
        return new DeferredArrayTypes();
    }

    /**
     * The deferred factories registered in {@code config}, if any; for tests.
     *
     * @param config a Jdbi or handle configuration
     * @return the instance whose argument factory is registered there
     */
    static Optional<DeferredPostgresFactories> registeredIn(ConfigRegistry config) {
        for (QualifiedArgumentFactory factory : config.get(Arguments.class).getFactories()) {
            if (factory instanceof DeferredArguments deferred) {
                return Optional.of(deferred.owner());
            }
        }
        return Optional.empty();
    }

    /** Whether the plugin's factories have been made; for tests. */
    boolean isMade() {
        return made != null;
    }

    /**
     * The plugin's factories, made on first call.
     *
     * @return them
     */
    Made made() {
        Made m = made;
        if (m == null) {
            synchronized (this) {
                m = made;
                if (m == null) {
                    m = make();
                    made = m;
                }
            }
        }
        return m;
    }

    private static boolean plain(QualifiedType<?> type) {
        return type.getQualifiers().isEmpty() && PLAIN.contains(type.getType());
    }

    @SuppressWarnings("unchecked")
    private static Made make() {
        Jdbi jdbi = Jdbi.create(() -> {
            throw new SQLException("holds the PostgreSQL plugin's factories; never connects");
        });
        Arguments arguments = jdbi.getConfig(Arguments.class);
        ColumnMappers mappers = jdbi.getConfig(ColumnMappers.class);
        SqlArrayTypes arrays = jdbi.getConfig(SqlArrayTypes.class);
        int argumentsBefore = arguments.getFactories().size();
        int mappersBefore = ((List<QualifiedColumnMapperFactory>) MAPPER_FACTORIES.get(mappers)).size();
        int arraysBefore = ((List<SqlArrayTypeFactory>) ARRAY_FACTORIES.get(arrays)).size();
        jdbi.installPlugin(new PostgresPlugin());
        List<QualifiedArgumentFactory> allArguments = arguments.getFactories();
        List<QualifiedColumnMapperFactory> allMappers =
                (List<QualifiedColumnMapperFactory>) MAPPER_FACTORIES.get(mappers);
        List<SqlArrayTypeFactory> allArrays = (List<SqlArrayTypeFactory>) ARRAY_FACTORIES.get(arrays);
        // Jdbi puts each registration first: the plugin's entries are the leading ones, newest first.
        return new Made(List.copyOf(allArguments.subList(0, allArguments.size() - argumentsBefore)),
                List.copyOf(allMappers.subList(0, allMappers.size() - mappersBefore)),
                List.copyOf(allArrays.subList(0, allArrays.size() - arraysBefore)));
    }

    /** As Jdbi's {@code Arguments} runs its list, over the plugin's entries only. */
    private final class DeferredArguments implements QualifiedArgumentFactory.Preparable {
        DeferredPostgresFactories owner() {
            return DeferredPostgresFactories.this;
        }

        @Override
        public Optional<Argument> build(QualifiedType<?> type, Object value, ConfigRegistry config) {
            // The plugin's factories also look at the value's class: a plain declared type says nothing about a
            // value of another class (a raw generic, a mistyped bindByType).
            if (plain(type) && (value == null || PLAIN.contains(value.getClass()))) {
                return Optional.empty();
            }
            BUILT_BY.set(null);
            for (QualifiedArgumentFactory factory : made().arguments()) {
                Optional<Argument> argument = factory.build(type, value, config);
                if (argument.isPresent()) {
                    BUILT_BY.set(new Built(type, factory));
                    return argument;
                }
            }
            return Optional.empty();
        }

        @Override
        public Optional<Function<Object, Argument>> prepare(QualifiedType<?> type, ConfigRegistry config) {
            if (plain(type)) {
                return Optional.empty(); // none of the plugin's factories prepares a plain type
            }
            Built built = BUILT_BY.get();
            if (built != null) {
                BUILT_BY.set(null);
                if (built.type().equals(type)) {
                    // Jdbi's findFor, right after a build: it prepares with the factory that built, and only that.
                    return built.factory() instanceof QualifiedArgumentFactory.Preparable preparable
                            ? preparable.prepare(type, config) : Optional.empty();
                }
            }
            for (QualifiedArgumentFactory factory : made().arguments()) {
                if (factory instanceof QualifiedArgumentFactory.Preparable preparable) {
                    Optional<Function<Object, Argument>> prepared = preparable.prepare(type, config);
                    if (prepared.isPresent()) {
                        return prepared;
                    }
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "PostgresPlugin argument factories (made on first use)";
        }
    }

    /** As Jdbi's {@code ColumnMappers} runs its list, over the plugin's entries only. */
    private final class DeferredColumnMappers implements QualifiedColumnMapperFactory {
        @Override
        public Optional<ColumnMapper<?>> build(QualifiedType<?> type, ConfigRegistry config) {
            if (plain(type)) {
                return Optional.empty();
            }
            for (QualifiedColumnMapperFactory factory : made().columnMappers()) {
                Optional<ColumnMapper<?>> mapper = factory.build(type, config);
                if (mapper.isPresent()) {
                    return mapper;
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "PostgresPlugin column mappers (made on first use)";
        }
    }

    /** As Jdbi's {@code SqlArrayTypes} runs its list, over the plugin's entries only. */
    private final class DeferredArrayTypes implements SqlArrayTypeFactory {
        @Override
        public Optional<SqlArrayType<?>> build(Type elementType, ConfigRegistry config) {
            for (SqlArrayTypeFactory factory : made().arrayTypes()) {
                Optional<SqlArrayType<?>> arrayType = factory.build(elementType, config);
                if (arrayType.isPresent()) {
                    return arrayType;
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "PostgresPlugin array types (made on first use)";
        }
    }
}
