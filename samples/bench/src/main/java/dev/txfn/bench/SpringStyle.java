package dev.txfn.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring's {@code TransactionTemplate} + {@code JdbcTemplate} over a {@code DataSourceTransactionManager} on
 * HikariCP with its defaults (see {@link Implementation#SPRING}). One template per scenario, made once, as an
 * application would. Not thread-safe as used here.
 */
final class SpringStyle implements TransactionStyle {
    private final HikariDataSource pool;
    private final DataSourceTransactionManager transactionManager;
    private final JdbcTemplate jdbc;
    private final Map<Scenario, TransactionTemplate> templates = new HashMap<>();

    SpringStyle(DbTarget target) {
        pool = JdbiStyle.defaultHikari(target, 1, "spring");
        transactionManager = new DataSourceTransactionManager(pool);
        jdbc = new JdbcTemplate(pool);
    }

    @Override
    public String run(Scenario scenario) {
        return templates.computeIfAbsent(scenario, this::template).execute(status -> {
            if (scenario.tenant() != null) {
                jdbc.queryForObject("select set_config(?, ?, true)", String.class, Scenario.TENANT_SETTING,
                        scenario.tenant());
            }
            String name = null;
            for (int i = 0; i < scenario.statements(); i++) {
                name = jdbc.queryForObject(BenchSchema.SELECT_NAME, String.class, 1L);
            }
            return name;
        });
    }

    private TransactionTemplate template(Scenario scenario) {
        TransactionTemplate template = new TransactionTemplate(transactionManager);
        if (scenario.isolation() != null) {
            template.setIsolationLevel(switch (scenario.isolation()) {
                case READ_COMMITTED -> TransactionDefinition.ISOLATION_READ_COMMITTED;
                case REPEATABLE_READ -> TransactionDefinition.ISOLATION_REPEATABLE_READ;
                case SERIALIZABLE -> TransactionDefinition.ISOLATION_SERIALIZABLE;
            });
        }
        template.setReadOnly(scenario.readOnly());
        if (scenario.statementTimeout() != null) {
            template.setTimeout((int) Math.max(1, scenario.statementTimeout().toSeconds()));
        }
        return template;
    }

    @Override
    public void close() {
        pool.close();
    }
}
