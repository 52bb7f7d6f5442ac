package dev.txfn.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresTransactionExtensionTest {

    @RegisterExtension
    static final PostgresTransactionExtension DB = PostgresTransactionExtension.withSchema(
            "drop table if exists ext_thing;"
                    + "create table ext_thing (id bigserial primary key, name text not null unique)");

    record Thing(long id, String name) {
    }

    private static long committedRows() throws SQLException {
        try (Connection c = PostgresTestDatabase.shared().openAdminConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from ext_thing")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(1)
    void firstInsertOfAUniqueKeySucceeds(Handle h) throws SQLException {
        h.execute("insert into ext_thing (name) values ('unique')");

        Thing thing = h.createQuery("select id, name from ext_thing").mapTo(Thing.class).one();

        assertThat(thing.name()).isEqualTo("unique");
        assertThat(h.isInTransaction()).isTrue();
        assertThat(committedRows()).as("uncommitted, invisible to other sessions").isZero();
    }

    @Test
    @Order(2)
    void secondInsertOfTheSameKeySucceedsBecauseTheFirstWasRolledBack(Handle h) throws SQLException {
        assertThat(committedRows()).isZero();

        h.execute("insert into ext_thing (name) values ('unique')");

        assertThat(h.createQuery("select count(*) from ext_thing").mapTo(Long.class).one()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void eachTestGetsItsOwnSession(Handle h) {
        int pid = h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one();
        String app = h.createQuery("select current_setting('application_name')").mapTo(String.class).one();

        assertThat(pid).isPositive();
        assertThat(app).isEqualTo(PostgresTransactionExtension.APPLICATION_NAME);
    }

    @AfterAll
    static void nothingWasCommittedAndNothingIsLeftOpen() throws SQLException {
        assertThat(committedRows()).isZero();
        SettleAssertions.assertNoSessionIdleInTransaction(PostgresTransactionExtension.APPLICATION_NAME);
    }
}
