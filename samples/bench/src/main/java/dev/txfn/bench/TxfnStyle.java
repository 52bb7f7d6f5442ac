package dev.txfn.bench;

import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.TxFn;
import dev.txfn.TxOptions;
import org.jdbi.v3.core.Handle;

/**
 * txfn: {@code Tx.create(Database)} with a pool of one (see {@link Implementation#TXFN}). Thread-safe, used
 * from one thread here.
 */
final class TxfnStyle implements TransactionStyle {
    private final Database database;
    private final Tx tx;

    TxfnStyle(DbTarget target) {
        database = database(target, 1);
        tx = Tx.create(database);
    }

    /** A txfn pool on {@code target}. */
    static Database database(DbTarget target, int poolSize) {
        Database.Builder builder = Database.builder().jdbcUrl(target.jdbcUrl()).maximumPoolSize(poolSize)
                .applicationName("txfn-bench");
        if (!target.password().isEmpty()) {
            builder.password(target.password());
        }
        return builder.build();
    }

    @Override
    public String run(Scenario scenario) {
        if (scenario.oneQuery()) {
            return tx.inTransaction(options(scenario).withReadOnly(true), TxFn.query(BenchSchema.SELECT_NAME,
                    q -> q.bind(0, 1L).mapTo(String.class).one()));
        }
        if (scenario.readOnly() && options(scenario).equals(TxOptions.defaults())) {
            return tx.readOnly(h -> work(h, scenario));
        }
        return tx.inTransaction(options(scenario).withReadOnly(scenario.readOnly()), h -> work(h, scenario));
    }

    static TxOptions options(Scenario scenario) {
        TxOptions options = TxOptions.defaults().withIsolation(scenario.isolation());
        if (scenario.statementTimeout() != null) {
            options = options.withStatementTimeout(scenario.statementTimeout());
        }
        if (scenario.tenant() != null) {
            options = options.withSetting(Scenario.TENANT_SETTING, scenario.tenant());
        }
        return options;
    }

    private static String work(Handle h, Scenario scenario) {
        String name = null;
        for (int i = 0; i < scenario.statements(); i++) {
            name = h.createQuery(BenchSchema.SELECT_NAME).bind(0, 1L).mapTo(String.class).one();
        }
        return name;
    }

    @Override
    public void close() {
        database.close();
    }
}
