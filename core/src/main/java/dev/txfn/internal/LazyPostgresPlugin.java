package dev.txfn.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.LargeObjectException;
import org.jdbi.v3.postgres.PgLobApi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.postgres.PostgresTypes;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * Jdbi's {@link PostgresPlugin} with its factories and its large-object API made when first used. The factories
 * (argument factories, column mappers, array types) are Jdbi's own, made when a lookup first reaches a type they
 * may handle rather than on every cold start ({@link DeferredPostgresFactories}). Jdbi's large-object API builds
 * pgjdbc's {@code LargeObjectManager} for every handle, and pgjdbc looks the large-object functions up in
 * {@code pg_proc} the first time on each physical connection: one round trip per new connection (on Lambda, per
 * cold start and per reconnect) that almost no application needs. Made lazily, through the handle's connection,
 * it also carries the transaction's options when a large-object call is the transaction's first statement
 * ({@link TransactionConnection#unwrap}).
 *
 * <p>Jdbi keeps the two handle settings it needs ({@code PostgresTypes.setLobApi} and
 * {@code addTypesToConnection}) package-private; they are reached by a private lookup, which works wherever
 * Jdbi is on the class path or an automatic module. Where it does not, or when the pgvector integration is on
 * the class path (which Jdbi sets up in the same place), the plugin behaves exactly as Jdbi's. Thread-safe.
 */
public final class LazyPostgresPlugin extends PostgresPlugin {
    private static final MethodHandle SET_LOB_API;
    private static final MethodHandle ADD_TYPES;

    static {
        MethodHandle setLobApi = null;
        MethodHandle addTypes = null;
        if (!onClassPath("com.pgvector.PGvector")) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(PostgresTypes.class,
                        MethodHandles.lookup());
                setLobApi = lookup.findVirtual(PostgresTypes.class, "setLobApi",
                        MethodType.methodType(PostgresTypes.class, PgLobApi.class));
                addTypes = lookup.findVirtual(PostgresTypes.class, "addTypesToConnection",
                        MethodType.methodType(void.class, PGConnection.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                setLobApi = null;
                addTypes = null;
            }
        }
        SET_LOB_API = setLobApi;
        ADD_TYPES = addTypes;
    }

    @Override
    public void customizeJdbi(Jdbi jdbi) {
        if (!DeferredPostgresFactories.AVAILABLE) {
            super.customizeJdbi(jdbi);
            return;
        }
        DeferredPostgresFactories factories = new DeferredPostgresFactories();
        jdbi.registerArgument(factories.arguments());
        jdbi.registerArrayType(factories.arrayTypes());
        jdbi.registerColumnMapper(factories.columnMappers());
    }

    @Override
    public Handle customizeHandle(Handle handle) throws SQLException {
        if (SET_LOB_API == null) {
            return super.customizeHandle(handle);
        }
        PGConnection connection = TransactionConnection.pooled(handle.getConnection()).unwrap(PGConnection.class);
        return handle.configure(PostgresTypes.class, types -> {
            try {
                ADD_TYPES.invoke(types, connection);
                SET_LOB_API.invoke(types, new LazyLobApi(handle));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("configuring Jdbi's PostgreSQL types failed", e);
            }
        });
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, LazyPostgresPlugin.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Jdbi's large-object API, with the manager taken from the handle's connection when first needed. */
    private static final class LazyLobApi implements PgLobApi {
        private static final int BUFFER = 4096;
        private final Handle handle;

        LazyLobApi(Handle handle) {
            this.handle = handle;
        }

        private LargeObjectManager manager() throws SQLException {
            return handle.getConnection().unwrap(PGConnection.class).getLargeObjectAPI();
        }

        @Override
        public long createLob() {
            try {
                return manager().createLO();
            } catch (SQLException e) {
                throw new LargeObjectException(e);
            }
        }

        @Override
        public void writeLob(long oid, InputStream data) {
            try (LargeObject lob = manager().open(oid)) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = data.read(buffer, 0, buffer.length)) > 0; ) {
                    lob.write(buffer, 0, n);
                }
            } catch (SQLException | IOException e) {
                throw new LargeObjectException(e);
            }
        }

        @Override
        public InputStream readLob(long oid) {
            try {
                return manager().open(oid, LargeObjectManager.READ).getInputStream();
            } catch (SQLException e) {
                throw new LargeObjectException(e);
            }
        }

        @Override
        public void deleteLob(long oid) {
            try {
                manager().delete(oid);
            } catch (SQLException e) {
                throw new LargeObjectException(e);
            }
        }
    }
}
