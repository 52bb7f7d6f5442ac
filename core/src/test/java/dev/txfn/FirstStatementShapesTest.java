package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.postgres.PgLobApi;
import org.jdbi.v3.postgres.PostgresTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Whatever kind of statement comes first in a transaction (query, update, batch, script, generated keys,
 * stored procedure call, JDBC used directly on the handle's connection, pgjdbc's copy API, Jdbi's large-object
 * API, a savepoint, a metadata query), the transaction's options are in force for it and the caller sees only its own results.
 */
class FirstStatementShapesTest {
    private static final TxOptions OPTIONS = TxOptions.defaults()
            .withIsolation(Isolation.REPEATABLE_READ)
            .withStatementTimeout(Duration.ofMillis(4321))
            .withSetting("app.tenant_id", "t1");
    private static final String SETTINGS = "select current_setting('app.tenant_id') || ':'"
            + " || current_setting('transaction_isolation') || ':' || current_setting('transaction_read_only')"
            + " || ':' || current_setting('statement_timeout')";
    private static Database db;
    private static Tx tx;

    @BeforeAll
    static void setUp() {
        db = TestDb.database(1, "txfn-first-statement-test");
        tx = Tx.create(db).withOptions(OPTIONS);
        TestDb.execute("drop table if exists shape_row;"
                + "create table shape_row(id serial primary key, name text not null, tenant text not null"
                + " default current_setting('app.tenant_id'), iso text not null"
                + " default current_setting('transaction_isolation'), timeout text not null"
                + " default current_setting('statement_timeout'));"
                + "create or replace function shape_settings() returns text language sql as"
                + " $$ select current_setting('app.tenant_id') || '/' || current_setting('transaction_isolation') $$");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @BeforeEach
    void clean() {
        TestDb.execute("truncate shape_row");
    }

    private static List<String> rowsSeen() {
        return tx.inTransaction(TxOptions.defaults(), h -> h.createQuery(
                "select name || ':' || tenant || ':' || iso || ':' || timeout from shape_row order by id")
                .mapTo(String.class).list());
    }

    @Test
    void queryFirst() {
        String seen = tx.inTransaction(h -> h.createQuery(
                "select current_setting('app.tenant_id') || ':' || current_setting('transaction_isolation')")
                .mapTo(String.class).one());
        assertThat(seen).isEqualTo("t1:repeatable read");
    }

    @Test
    void updateFirstReportsItsOwnRowCount() {
        int inserted = tx.inTransaction(h -> h.createUpdate("insert into shape_row(name) values ('a'), ('b')")
                .execute());
        assertThat(inserted).isEqualTo(2);
        assertThat(rowsSeen()).containsExactly("a:t1:repeatable read:4321ms", "b:t1:repeatable read:4321ms");
    }

    @Test
    void generatedKeysFirst() {
        long id = tx.inTransaction(h -> h.createUpdate("insert into shape_row(name) values (:name)")
                .bind("name", "keys").executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        assertThat(id).isPositive();
        assertThat(rowsSeen()).containsExactly("keys:t1:repeatable read:4321ms");
    }

    @Test
    void preparedBatchFirstKeepsItsBoundParameters() {
        int[] counts = tx.inTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("insert into shape_row(name) values (:name)");
            batch.bind("name", "b1").add();
            batch.bind("name", "b2").add();
            batch.bind("name", "b3").add();
            return batch.execute();
        });
        assertThat(counts).containsExactly(1, 1, 1);
        assertThat(rowsSeen()).containsExactly("b1:t1:repeatable read:4321ms", "b2:t1:repeatable read:4321ms",
                "b3:t1:repeatable read:4321ms");
    }

    @Test
    void rawPreparedBatchFirstReplaysEveryKindOfParameterSetBeforeIt() throws Exception {
        int[] counts = tx.inTransaction(h -> {
            try (PreparedStatement ps = h.getConnection().prepareStatement(
                    "insert into shape_row(name) values (concat(?::text, '|', ?::int, '|', ?::bigint, '|', ?::text))")) {
                ps.setString(1, "stale");
                ps.clearParameters();
                ps.setQueryTimeout(5);
                ps.setString(1, "first");
                ps.setNull(2, Types.INTEGER);
                ps.setObject(3, 7, Types.BIGINT);
                ps.setCharacterStream(4, new StringReader("streamed"), 8);
                ps.addBatch();
                ps.setString(1, "second");
                ps.setInt(2, 2);
                ps.setObject(3, 8L);
                ps.setCharacterStream(4, new StringReader("read"));
                ps.addBatch();
                return ps.executeBatch();
            }
        });
        assertThat(counts).containsExactly(1, 1);
        assertThat(rowsSeen()).containsExactly("first||7|streamed:t1:repeatable read:4321ms",
                "second|2|8|read:t1:repeatable read:4321ms");
    }

    @Test
    void scriptFirstReportsOnlyItsOwnStatements() {
        int[] counts = tx.inTransaction(h -> h.createScript(
                "insert into shape_row(name) values ('s1'); insert into shape_row(name) values ('s2'), ('s3')")
                .execute());
        assertThat(counts).containsExactly(1, 2);
        assertThat(rowsSeen()).hasSize(3).allMatch(r -> r.endsWith(":t1:repeatable read:4321ms"));
    }

    @Test
    void callFirst() {
        String seen = tx.inTransaction(h -> h.createQuery("select shape_settings()").mapTo(String.class).one());
        assertThat(seen).isEqualTo("t1/repeatable read");
        String called = tx.inTransaction(h -> h.createCall("{ ? = call shape_settings() }")
                .registerOutParameter(0, java.sql.Types.VARCHAR)
                .invoke((java.util.function.Function<org.jdbi.v3.core.statement.OutParameters, String>) out -> out
                        .getString(0)));
        assertThat(called).isEqualTo("t1/repeatable read");
    }

    @Test
    void rawJdbcFirstRunsUnderEveryOption() throws Exception {
        TxOptions o = TxOptions.defaults().withIsolation(Isolation.SERIALIZABLE).withReadOnly(true)
                .withStatementTimeout(Duration.ofMillis(100)).withSetting("app.tenant_id", "42");

        String seen = tx.inTransaction(o, h -> {
            try (PreparedStatement ps = h.getConnection().prepareStatement(SETTINGS); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });

        assertThat(seen).isEqualTo("42:serializable:on:100ms");
    }

    @Test
    void rawPlainStatementFirst() throws Exception {
        String seen = tx.inTransaction(h -> {
            try (Statement s = h.getConnection().createStatement(); ResultSet rs = s.executeQuery(SETTINGS)) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(seen).isEqualTo("t1:repeatable read:off:4321ms");
    }

    @Test
    void rawStatementThenJdbiStatementShareTheTransaction() throws Exception {
        List<String> seen = tx.inTransaction(h -> {
            try (Statement s = h.getConnection().createStatement()) {
                s.executeUpdate("insert into shape_row(name) values ('raw')");
            }
            h.execute("insert into shape_row(name) values ('jdbi')");
            return h.createQuery(SETTINGS).mapTo(String.class).list();
        });
        assertThat(seen).containsExactly("t1:repeatable read:off:4321ms");
        assertThat(rowsSeen()).containsExactly("raw:t1:repeatable read:4321ms", "jdbi:t1:repeatable read:4321ms");
    }

    @Test
    void copyManagerFirstRunsInsideTheTransaction() throws Exception {
        String copied = tx.inTransaction(h -> {
            CopyManager copy = h.getConnection().unwrap(PGConnection.class).getCopyAPI();
            StringWriter out = new StringWriter();
            copy.copyOut("COPY (" + SETTINGS + ") TO STDOUT", out);
            return out.toString().trim();
        });
        assertThat(copied).isEqualTo("t1:repeatable read:off:4321ms");
    }

    @Test
    void savepointFirst() {
        String seen = tx.inTransaction(h -> {
            h.savepoint("first");
            return h.createQuery(SETTINGS).mapTo(String.class).one();
        });
        assertThat(seen).isEqualTo("t1:repeatable read:off:4321ms");
    }

    @Test
    void metadataFirst() throws Exception {
        String seen = tx.inTransaction(h -> {
            try (ResultSet tables = h.getConnection().getMetaData().getTables(null, null, "shape_row", null)) {
                assertThat(tables.next()).isTrue();
            }
            return h.createQuery(SETTINGS).mapTo(String.class).one();
        });
        assertThat(seen).isEqualTo("t1:repeatable read:off:4321ms");
    }

    @Test
    void largeObjectFirst() throws Exception {
        String seen = tx.inTransaction(h -> {
            PgLobApi lob = h.getConfig(PostgresTypes.class).getLobApi();
            long oid = lob.createLob();
            lob.writeLob(oid, new ByteArrayInputStream("written".getBytes(StandardCharsets.UTF_8)));
            String read;
            try (InputStream in = lob.readLob(oid)) {
                read = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            lob.deleteLob(oid);
            return read + "|" + h.createQuery(SETTINGS).mapTo(String.class).one();
        });
        assertThat(seen).isEqualTo("written|t1:repeatable read:off:4321ms");
    }

    @Test
    void rawHandleExecuteFirst() {
        tx.useTransaction((Handle h) -> h.execute("insert into shape_row(name) values (?)", "raw"));
        assertThat(rowsSeen()).containsExactly("raw:t1:repeatable read:4321ms");
    }
}
