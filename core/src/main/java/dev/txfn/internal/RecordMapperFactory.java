package dev.txfn.internal;

import java.lang.reflect.Type;
import java.util.Optional;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.generic.GenericTypes;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.RowMapperFactory;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * Maps any record by its canonical constructor, so {@code mapTo(MyRecord.class)} works with no registration.
 * Thread-safe.
 *
 * <p>Records map with the semantics of Jdbi's {@link ConstructorMapper} (see {@link RecordRowMapper}) at a
 * fraction of its cost; a record that uses {@code @Nested}, {@code @PropagateNull} or {@code @JdbiConstructor}
 * maps through {@code ConstructorMapper} itself. The mapper of each record class is built once per factory:
 * Jdbi caches built row mappers in each handle's copy of the configuration, which is thrown away with the
 * handle, so without this every transaction would inspect the record by reflection again.
 */
public final class RecordMapperFactory implements RowMapperFactory {
    /** A ClassValue, not a map: it does not keep a record's class loader alive. */
    private final ClassValue<RowMapper<?>> mappers = new ClassValue<>() {
        @Override
        protected RowMapper<?> computeValue(Class<?> record) {
            return RecordRowMapper.forRecord(record, root);
        }
    };

    private final ConfigRegistry root;

    /**
     * Creates the factory for one Jdbi instance.
     *
     * @param root the configuration of the Jdbi instance this factory is registered with
     */
    public RecordMapperFactory(ConfigRegistry root) {
        this.root = root;
    }

    @Override
    public Optional<RowMapper<?>> build(Type type, ConfigRegistry config) {
        Class<?> raw = GenericTypes.getErasedType(type);
        if (!raw.isRecord()) {
            return Optional.empty();
        }
        // As ConstructorMapper.factory(raw).build(type, config): a record without a usable constructor fails even
        // when asked for as a parameterized type, and only the class itself, not a parameterized type, maps.
        RowMapper<?> mapper = mappers.get(raw);
        return type.equals(raw) ? Optional.of(mapper) : Optional.empty();
    }
}
