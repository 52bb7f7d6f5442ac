package dev.txfn.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.txfn.Database;
import dev.txfn.Tx;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One implementation writing rows for {@link FailoverMeasure}: each write is a transaction of its own inserting
 * one row of {@value #TABLE}, done the way that implementation is used in practice, on a pool of one connection
 * with the pool's defaults. Used from one thread at a time.
 */
interface FailoverWriter extends AutoCloseable {

    /** The table written to. */
    String TABLE = "txfn_bench_failover";

    /** The insert every implementation runs. */
    String INSERT = "insert into " + TABLE + "(id, implementation) values (?, ?)";

    /**
     * Inserts one row and commits.
     *
     * @param id the row's unique id
     * @throws Exception whatever the implementation throws when the write fails
     */
    void write(long id) throws Exception;

    /** Closes the pool. */
    @Override
    void close();

    /**
     * Opens {@code implementation} on {@code target}.
     *
     * @param implementation {@link Implementation#TXFN}, {@link Implementation#JDBI} or {@link Implementation#SPRING}
     * @param target where to connect
     * @param deadline each txfn write's deadline (the others have none to give)
     * @return the writer
     * @throws IllegalArgumentException for another implementation
     */
    static FailoverWriter open(Implementation implementation, DbTarget target, Duration deadline) {
        return switch (implementation) {
            case TXFN -> new TxfnWriter(target, deadline);
            case JDBI -> new JdbiWriter(target);
            case SPRING -> new SpringWriter(target);
            default -> throw new IllegalArgumentException("no failover writer for " + implementation);
        };
    }

    /** txfn: {@code tx.withDeadline(...).useTransaction(...)} on a {@code Database} of one connection. */
    final class TxfnWriter implements FailoverWriter {
        private final Database database;
        private final Tx tx;
        private final Duration deadline;

        TxfnWriter(DbTarget target, Duration deadline) {
            this.database = TxfnStyle.database(target, 1);
            this.tx = Tx.create(database);
            this.deadline = deadline;
        }

        @Override
        public void write(long id) {
            tx.withDeadline(Instant.now().plus(deadline)).useTransaction(h -> h.execute(INSERT, id, "txfn"));
        }

        @Override
        public void close() {
            database.close();
        }
    }

    /** Jdbi: {@code jdbi.useTransaction(...)} on HikariCP with its defaults. */
    final class JdbiWriter implements FailoverWriter {
        private final HikariDataSource pool;
        private final Jdbi jdbi;

        JdbiWriter(DbTarget target) {
            this.pool = JdbiStyle.defaultHikari(target, 1, "failover-jdbi");
            this.jdbi = Jdbi.create(pool);
        }

        @Override
        public void write(long id) {
            jdbi.useTransaction(h -> h.execute(INSERT, id, "jdbi"));
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    /** Spring: a {@code TransactionTemplate} and {@code JdbcTemplate} on HikariCP with its defaults. */
    final class SpringWriter implements FailoverWriter {
        private final HikariDataSource pool;
        private final TransactionTemplate transactions;
        private final JdbcTemplate jdbc;

        SpringWriter(DbTarget target) {
            this.pool = JdbiStyle.defaultHikari(target, 1, "failover-spring");
            this.transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
            this.jdbc = new JdbcTemplate(pool);
        }

        @Override
        public void write(long id) {
            transactions.executeWithoutResult(status -> jdbc.update(INSERT, id, "spring"));
        }

        @Override
        public void close() {
            pool.close();
        }
    }
}
