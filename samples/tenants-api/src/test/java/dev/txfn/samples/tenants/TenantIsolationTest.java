package dev.txfn.samples.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.Database;
import dev.txfn.lambda.LocalContext;
import dev.txfn.testing.SettleAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three tenants interleaved request by request on a pool of ONE connection (so consecutive transactions of
 * different tenants share one server session), over every route, in a bounded loop of a few thousand
 * requests: every answer is checked against a model of what that tenant wrote. No response ever holds another
 * tenant's note, and a tenant asking for, changing or deleting another tenant's note gets 404, exactly as for
 * a note that never existed (no 403: nothing says it exists). Then the same through PgBouncer in transaction
 * mode, where consecutive transactions of one client may also run on different server sessions.
 */
class TenantIsolationTest {
    static final List<String> TENANTS = List.of("acme", "globex", "initech");
    static final int ROUNDS = 700;

    TenantsDatabase db;

    @BeforeEach
    void createDatabase() {
        db = TenantsDatabase.createMigrated();
        assumeTrue(db.appRoleCanLogIn(), "the application role cannot log in through the pooler named by"
                + " TXFN_TEST_DATABASE_URL (a PgBouncer lets in only the users of its own auth file); the pass"
                + " without TXFN_POOLING covers PgBouncer with one of the test's own");
    }

    @AfterEach
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void tenantsInterleavedOnOneConnectionNeverSeeEachOthersNotes() {
        try (Database app = db.appDatabase("tenants-isolation", 1)) {
            interleave(new TenantsApi(TenantsDatabase.resources(app, new AtomicInteger())));
        }
        SettleAssertions.assertNoSessionIdleInTransaction("tenants-isolation");
    }

    @Test
    void tenantsInterleavedThroughPgBouncerInTransactionModeNeverSeeEachOthersNotes() throws Exception {
        assumeFalse(db.server().behindTransactionPooler(), "the test server is itself a transaction-mode pooler:"
                + " this very class ran through it in the other test");
        Optional<Path> pgbouncer = PgBouncerProcess.find();
        assumeTrue(pgbouncer.isPresent(), "no pgbouncer on the PATH or in /usr/sbin (apt-get install pgbouncer)");
        Path dir = Files.createTempDirectory("tenants-pgbouncer");
        try (PgBouncerProcess bouncer = PgBouncerProcess.start(pgbouncer.get(), dir, db.server().host(),
                db.server().port(), db.appRole(), db.appPassword(), 2, 20);
                Database app = db.appDatabase("127.0.0.1", bouncer.port(), true, "tenants-isolation-bouncer", 1)) {
            interleave(new TenantsApi(TenantsDatabase.resources(app, new AtomicInteger())));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** What one tenant has written: note id to title and body. */
    record Written(String title, String body) {
    }

    private void interleave(TenantsApi api) {
        Map<String, TreeMap<Long, Written>> model = new LinkedHashMap<>();
        TENANTS.forEach(t -> model.put(t, new TreeMap<>()));
        Random random = new Random(20261203L);
        int requests = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < TENANTS.size(); i++) {
                String tenant = TENANTS.get((round + i) % TENANTS.size());
                String other = TENANTS.get((round + i + 1 + random.nextInt(TENANTS.size() - 1)) % TENANTS.size());
                requests += step(api, tenant, model.get(tenant), model.get(other), random, round);
            }
        }
        for (String tenant : TENANTS) {
            requests += listAll(api, tenant, model.get(tenant));
            assertThat(db.adminLong("select count(*) from note where tenant_id = '" + tenant + "'"))
                    .as("rows of %s", tenant).isEqualTo(model.get(tenant).size());
        }
        assertThat(requests).isGreaterThan(2000);
    }

    private int step(TenantsApi api, String tenant, TreeMap<Long, Written> mine, TreeMap<Long, Written> theirs,
            Random random, int round) {
        int dice = random.nextInt(100);
        if (mine.isEmpty() || dice < 30) {
            String title = tenant + " note " + round;
            String body = "written by " + tenant;
            APIGatewayV2HTTPResponse created = call(api, tenant, "POST", "/notes",
                    "{\"title\":" + TenantEvents.quote(title) + ",\"body\":" + TenantEvents.quote(body) + "}");
            assertThat(created.getStatusCode()).isEqualTo(201);
            long id = ((Number) TenantEvents.json(created).get("id")).longValue();
            assertThat(created.getHeaders()).containsEntry("Location", "/notes/" + id);
            mine.put(id, new Written(title, body));
            return 1;
        }
        long own = pick(mine, random);
        Long foreign = theirs.isEmpty() ? null : pick(theirs, random);
        if (dice < 50) {
            assertNote(call(api, tenant, "GET", "/notes/" + own, null), 200, own, mine.get(own));
        } else if (dice < 60) {
            if (foreign != null) {
                assertNotFound(call(api, tenant, "GET", "/notes/" + foreign, null), foreign);
            }
        } else if (dice < 70) {
            return listAll(api, tenant, mine);
        } else if (dice < 80) {
            Written changed = new Written(mine.get(own).title(), "changed by " + tenant + " in round " + round);
            assertNote(call(api, tenant, "PATCH", "/notes/" + own, "{\"body\":" + TenantEvents.quote(changed.body())
                    + "}"), 200, own, changed);
            mine.put(own, changed);
        } else if (dice < 85) {
            if (foreign != null) {
                assertNotFound(call(api, tenant, "PATCH", "/notes/" + foreign, "{\"title\":\"taken over\"}"), foreign);
            }
        } else if (dice < 93) {
            assertThat(call(api, tenant, "DELETE", "/notes/" + own, null).getStatusCode()).isEqualTo(204);
            mine.remove(own);
        } else if (foreign != null) {
            assertNotFound(call(api, tenant, "DELETE", "/notes/" + foreign, null), foreign);
        }
        return 1;
    }

    /** Lists every page; the ids must be exactly the tenant's own, with their current contents. */
    @SuppressWarnings("unchecked")
    private int listAll(TenantsApi api, String tenant, TreeMap<Long, Written> mine) {
        List<Long> seen = new ArrayList<>();
        int requests = 0;
        Object after = 0;
        do {
            APIGatewayV2HTTPResponse page = call(api, tenant, "GET", "/notes?limit=100&after=" + after, null);
            requests++;
            assertThat(page.getStatusCode()).isEqualTo(200);
            Map<String, Object> body = TenantEvents.json(page);
            for (Map<String, Object> item : (List<Map<String, Object>>) body.get("items")) {
                long id = ((Number) item.get("id")).longValue();
                assertThat(mine).as("%s listed note %d", tenant, id).containsKey(id);
                assertThat(item).containsEntry("title", mine.get(id).title()).containsEntry("body", mine.get(id).body());
                seen.add(id);
            }
            after = body.get("next");
        } while (after != null);
        assertThat(seen).containsExactlyElementsOf(mine.keySet());
        return requests;
    }

    private static void assertNote(APIGatewayV2HTTPResponse response, int status, long id, Written expected) {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(TenantEvents.json(response)).containsEntry("title", expected.title())
                .containsEntry("body", expected.body()).extractingByKey("id").isEqualTo((int) id);
    }

    private static void assertNotFound(APIGatewayV2HTTPResponse response, long id) {
        assertThat(response.getStatusCode()).as("another tenant's note %d", id).isEqualTo(404);
        assertThat(TenantEvents.json(response)).containsEntry("detail", "note " + id + " not found");
    }

    private static long pick(TreeMap<Long, Written> notes, Random random) {
        int index = random.nextInt(notes.size());
        return notes.keySet().stream().skip(index).findFirst().orElseThrow();
    }

    private static APIGatewayV2HTTPResponse call(TenantsApi api, String tenant, String method, String path,
            String body) {
        return api.handleRequest(TenantEvents.as(tenant, method, path, body), LocalContext.create());
    }
}
