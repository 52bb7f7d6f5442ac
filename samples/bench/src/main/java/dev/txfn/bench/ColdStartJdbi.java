package dev.txfn.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * Cold-start variant 2: a minimal handler written with Jdbi over HikariCP as the libraries' documentation shows
 * it, with a pool of one as a Lambda handler has: the constructor creates the pool (HikariCP opens its first
 * connection right there, its default {@code initializationFailTimeout}) and the {@code Jdbi}; the first request
 * runs one SELECT in {@code jdbi.inTransaction}. Run as a child process by {@link ColdStartMeasure}.
 */
public final class ColdStartJdbi {

    private final Jdbi jdbi;

    private ColdStartJdbi(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(1);
        this.jdbi = Jdbi.create(new HikariDataSource(config));
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
        long mainNanos = System.nanoTime();
        ColdStartJdbi handler = new ColdStartJdbi(ColdStartProbe.jdbcUrl());
        long setupNanos = System.nanoTime();
        String result = handler.handle(ColdStartProbe.THING_ID);
        long resultNanos = System.nanoTime();
        ColdStartProbe.report(mainNanos, setupNanos, resultNanos, System.currentTimeMillis(), result);
    }
}
