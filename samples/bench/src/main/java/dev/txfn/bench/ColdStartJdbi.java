package dev.txfn.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Cold-start variant 2: a minimal handler written with Jdbi over HikariCP as the libraries' documentation shows
 * it, with a pool of one as a Lambda handler has: the constructor creates the pool (HikariCP opens its first
 * connection right there, its default {@code initializationFailTimeout}) and the {@code Jdbi}; the first request
 * runs one SELECT in {@code jdbi.inTransaction}. Run as a child process by {@link ColdStartMeasure}.
 */
public final class ColdStartJdbi {

    private final Jdbi jdbi;

    private ColdStartJdbi(String jdbcUrl, boolean postgresPlugin) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(1);
        this.jdbi = Jdbi.create(new HikariDataSource(config));
        if (postgresPlugin) {
            jdbi.installPlugin(new PostgresPlugin());
        }
    }

    private String handle(long id) {
        return jdbi.inTransaction(h -> h.createQuery(BenchSchema.SELECT_NAME).bind(0, id).mapTo(String.class).one());
    }

    /**
     * Starts, serves one request, prints the timings and exits.
     *
     * @param args none
     */
    public static void main(String[] args) {
        run(false);
    }

    private static void run(boolean postgresPlugin) {
        long mainNanos = System.nanoTime();
        ColdStartJdbi handler = new ColdStartJdbi(ColdStartProbe.jdbcUrl(), postgresPlugin);
        long setupNanos = System.nanoTime();
        String result = handler.handle(ColdStartProbe.THING_ID);
        long resultNanos = System.nanoTime();
        ColdStartProbe.report(mainNanos, setupNanos, resultNanos, System.currentTimeMillis(), result);
    }

    /**
     * The same handler with Jdbi's {@code PostgresPlugin} installed, as Jdbi's documentation shows it for
     * PostgreSQL: what installing jdbi3-postgres costs a hand-written handler. txfn offers the same factories but
     * makes them when a lookup first needs them, and makes the large-object API when first used.
     */
    public static final class WithPostgresPlugin {
        private WithPostgresPlugin() {
        }

        /**
         * Starts, serves one request, prints the timings and exits.
         *
         * @param args none
         */
        public static void main(String[] args) {
            run(true);
        }
    }
}
