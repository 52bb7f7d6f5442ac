package dev.txfn.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.txfn.Isolation;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Jdbi over HikariCP with its defaults (see {@link Implementation#JDBI}). Not thread-safe as used here.
 */
final class JdbiStyle implements TransactionStyle {
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    JdbiStyle(DbTarget target) {
        pool = defaultHikari(target, 1, "jdbi");
        jdbi = Jdbi.create(pool);
    }

    /** HikariCP with its defaults but for the URL, credentials, pool size and a name. */
    static HikariDataSource defaultHikari(DbTarget target, int poolSize, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(target.jdbcUrl());
        if (!target.password().isEmpty()) {
            config.setPassword(target.password());
        }
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("bench-" + name);
        return new HikariDataSource(config);
    }

    @Override
    public String run(Scenario scenario) {
        if (scenario.readOnly()) {
            return jdbi.withHandle(h -> h.setReadOnly(true).inTransaction(t -> work(t, scenario)));
        }
        if (scenario.isolation() != null) {
            return jdbi.inTransaction(level(scenario.isolation()), h -> work(h, scenario));
        }
        return jdbi.inTransaction(h -> work(h, scenario));
    }

    private static String work(Handle h, Scenario scenario) {
        if (scenario.statementTimeout() != null) {
            h.execute("set local statement_timeout = " + scenario.statementTimeout().toMillis());
        }
        if (scenario.tenant() != null) {
            h.createQuery("select set_config(:name, :value, true)").bind("name", Scenario.TENANT_SETTING)
                    .bind("value", scenario.tenant()).mapTo(String.class).one();
        }
        String name = null;
        for (int i = 0; i < scenario.statements(); i++) {
            name = h.createQuery(BenchSchema.SELECT_NAME).bind(0, 1L).mapTo(String.class).one();
        }
        return name;
    }

    static TransactionIsolationLevel level(Isolation isolation) {
        return switch (isolation) {
            case READ_COMMITTED -> TransactionIsolationLevel.READ_COMMITTED;
            case REPEATABLE_READ -> TransactionIsolationLevel.REPEATABLE_READ;
            case SERIALIZABLE -> TransactionIsolationLevel.SERIALIZABLE;
        };
    }

    @Override
    public void close() {
        pool.close();
    }
}
