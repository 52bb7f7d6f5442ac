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
 * Columns match components case-insensitively, snake_case to camelCase. Thread-safe.
 *
 * <p>The constructor mapper of each record class is built once per factory. Jdbi caches built row mappers in
 * each handle's copy of the configuration, which starts from the Jdbi instance's copy and is thrown away with
 * the handle, so without this every transaction would look the constructor up by reflection again. The mapper
 * itself holds no configuration: matching columns to parameters happens per result set, with the statement's
 * configuration, as before.
 */
public final class RecordMapperFactory implements RowMapperFactory {
    /** A ClassValue, not a map: it does not keep a record's class loader alive. */
    private final ClassValue<RowMapper<?>> mappers = new ClassValue<>() {
        @Override
        protected RowMapper<?> computeValue(Class<?> record) {
            return ConstructorMapper.of(record);
        }
    };

    /** Creates the factory. */
    public RecordMapperFactory() {
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
