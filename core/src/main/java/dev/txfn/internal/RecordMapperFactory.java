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
 * Columns match components case-insensitively, snake_case to camelCase. Jdbi caches the mapper per type.
 */
public final class RecordMapperFactory implements RowMapperFactory {
    /** Creates the factory; stateless. */
    public RecordMapperFactory() {
    }

    @Override
    public Optional<RowMapper<?>> build(Type type, ConfigRegistry config) {
        Class<?> raw = GenericTypes.getErasedType(type);
        if (!raw.isRecord()) {
            return Optional.empty();
        }
        return ConstructorMapper.factory(raw).build(type, config);
    }
}
