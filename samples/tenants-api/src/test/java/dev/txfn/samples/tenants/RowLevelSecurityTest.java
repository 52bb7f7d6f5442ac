package dev.txfn.samples.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.txfn.Database;
import dev.txfn.TxException;
import dev.txfn.Tx;
import dev.txfn.TxOptions;
import dev.txfn.lambda.LocalContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Negative controls: the isolation comes from PostgreSQL, not from the routes. As the application role, the
 * same statements without {@code app.tenant_id} see and change no row, and nothing the role may run turns row-level
 * security off.
 */
class RowLevelSecurityTest {
    static TenantsDatabase db;
    static Database app;
    static Tx tx;

    @BeforeAll
    static void createDatabaseWithNotesOfTwoTenants() {
        db = TenantsDatabase.createMigrated();
        assumeTrue(db.appRoleCanLogIn(), "the application role cannot log in through the pooler named by"
                + " TXFN_TEST_DATABASE_URL (a PgBouncer lets in only the users of its own auth file)");
        app = db.appDatabase("tenants-rls", 1);
        TenantsApi api = new TenantsApi(TenantsDatabase.resources(app, new AtomicInteger()));
        for (String tenant : new String[] {"acme", "globex"}) {
            for (int i = 0; i < 3; i++) {
                assertThat(api.handleRequest(TenantEvents.as(tenant, "POST", "/notes", "{\"title\":\"n" + i + "\"}"),
                        LocalContext.create()).getStatusCode()).isEqualTo(201);
            }
        }
        tx = Tx.create(app);
    }

    @AfterAll
    static void dropDatabase() {
        if (app != null) {
            app.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static long count(Tx tx) {
        return tx.readOnly(h -> h.createQuery("select count(*) from note").mapTo(Long.class).one());
    }

    static boolean flag(String sql) {
        Boolean value = tx.readOnly(h -> h.createQuery(sql).mapTo(Boolean.class).one());
        return value;
    }

    @Test
    void withTheSettingTheApplicationRoleSeesItsTenantsRowsOnly() {
        assertThat(count(tx.withOptions(TxOptions.defaults().withSetting("app.tenant_id", "acme")))).isEqualTo(3);
        assertThat(db.adminLong("select count(*) from note")).isEqualTo(6);
    }

    @Test
    void withoutTheSettingTheSameQueriesSeeAndChangeNoRow() {
        assertThat(count(tx)).isZero();
        assertThat(tx.inTransaction(NoteStore.page(0, 100)).items()).isEmpty();
        long anId = db.adminLong("select min(id) from note");
        assertThat(tx.readOnly(NoteStore.find(anId))).isEmpty();
        assertThat(tx.inTransaction(NoteStore.update(anId, new NotePatch("taken", null)))).isEmpty();
        assertThat(tx.inTransaction(NoteStore.delete(anId))).isFalse();
        assertThat(db.adminLong("select count(*) from note where title = 'taken'")).isZero();
    }

    @Test
    void aNoteCannotBeWrittenForAnotherTenant() {
        Tx acme = tx.withOptions(TxOptions.defaults().withSetting("app.tenant_id", "acme"));

        assertThatThrownBy(() -> acme.useTransaction(h -> h.execute(
                "insert into note(tenant_id, title) values ('globex', 'planted')")))
                .isInstanceOf(TxException.class).hasMessageContaining("row-level security");
        assertThatThrownBy(() -> acme.useTransaction(h -> h.execute("update note set tenant_id = 'globex'")))
                .isInstanceOf(TxException.class).hasMessageContaining("row-level security");
    }

    @Test
    void applicationRoleIsNeitherOwnerNorSuperuserNorBypassesRowLevelSecurity() {
        assertThat(flag("select rolsuper or rolbypassrls from pg_roles where rolname = current_user")).isFalse();
        assertThat(flag("select pg_has_role(current_user, tableowner, 'MEMBER') from pg_tables"
                + " where tablename = 'note'")).isFalse();
        assertThat(flag("select relrowsecurity and relforcerowsecurity from pg_class where relname = 'note'"))
                .isTrue();
    }

    @Test
    void applicationRoleCannotTurnRowLevelSecurityOff() {
        for (String sql : new String[] {
                "alter table note disable row level security",
                "alter table note no force row level security",
                "drop policy note_by_tenant on note",
                "create policy everything on note using (true)",
                "alter table note owner to current_user"}) {
            assertThatThrownBy(() -> tx.useTransaction(h -> h.execute(sql))).as(sql)
                    .isInstanceOf(TxException.class)
                    .satisfies(e -> assertThat(((TxException) e).sqlState()).isEqualTo("42501"));
        }
        // row_security = off makes a query that the policy would filter fail, rather than return everything.
        assertThatThrownBy(() -> tx.readOnly(h -> {
            h.execute("set local row_security = off");
            return h.createQuery("select count(*) from note").mapTo(Long.class).one();
        })).isInstanceOf(TxException.class).hasMessageContaining("row-level security");
    }
}
