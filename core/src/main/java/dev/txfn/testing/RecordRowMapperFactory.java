package dev.txfn.testing;

import java.lang.reflect.Type;
import java.util.Optional;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.generic.GenericTypes;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.RowMapperFactory;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * Maps any record by its canonical constructor, as a {@link dev.txfn.Tx} does, for the handles of
 * {@link PostgresTransactionExtension}. Stateless and thread-safe.
 */
final class RecordRowMapperFactory implements RowMapperFactory {
    @Override
    public Optional<RowMapper<?>> build(Type type, ConfigRegistry config) {
        Class<?> raw = GenericTypes.getErasedType(type);
        return raw.isRecord() ? ConstructorMapper.factory(raw).build(type, config) : Optional.empty();
    }
}
