package dev.txfn.samples.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.Database;
import dev.txfn.lambda.LocalContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Lambda handler behind a JWT authorizer: a tenant's request works; a request without a usable tenant is
 * a 401 problem that costs no database work and logs nothing but the reason.
 */
class TenantsApiTest {
    static final AtomicInteger BEGINS = new AtomicInteger();
    static TenantsDatabase db;
    static Database app;
    static TenantsApi api;

    @BeforeAll
    static void createDatabase() {
        db = TenantsDatabase.createMigrated();
        assumeTrue(db.appRoleCanLogIn(), "the application role cannot log in through the pooler named by"
                + " TXFN_TEST_DATABASE_URL (a PgBouncer lets in only the users of its own auth file)");
        app = db.appDatabase("tenants-api-test", 1);
        api = new TenantsApi(TenantsDatabase.resources(app, BEGINS));
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

    @BeforeEach
    void resetCount() {
        BEGINS.set(0);
    }

    static APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return api.handleRequest(event, LocalContext.create());
    }

    /**
     * Calls with standard output captured (where the logs go; log4j2-test.xml's console follows System.out):
     * asserts a 401 problem, no transaction begun, no value logged.
     */
    static Map<String, Object> unauthorized(APIGatewayV2HTTPEvent event, String value) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.out;
        APIGatewayV2HTTPResponse response;
        System.setOut(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            response = call(event);
        } finally {
            System.setOut(original);
        }
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json")
                .containsEntry("WWW-Authenticate", "Bearer");
        assertThat(BEGINS).as("transactions begun").hasValue(0);
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(log).doesNotContain("Exception").doesNotContain("\tat ");
        if (value != null) {
            assertThat(log).doesNotContain(value);
            assertThat(response.getBody()).doesNotContain(value);
        }
        return TenantEvents.json(response);
    }

    @Test
    void aTenantCreatesAndReadsItsNote() {
        APIGatewayV2HTTPResponse created = call(TenantEvents.as("acme", "POST", "/notes", "{\"title\":\"hello\"}"));
        assertThat(created.getStatusCode()).isEqualTo(201);
        Object id = TenantEvents.json(created).get("id");

        APIGatewayV2HTTPResponse read = call(TenantEvents.as("acme", "GET", "/notes/" + id, null));

        assertThat(read.getStatusCode()).isEqualTo(200);
        assertThat(TenantEvents.json(read)).containsEntry("title", "hello").containsEntry("body", "")
                .doesNotContainKey("tenantId");
        assertThat(db.adminLong("select count(*) from note where tenant_id = 'acme' and id = " + id)).isOne();
    }

    @Test
    void missingTenantClaimIs401() {
        assertThat(unauthorized(TenantEvents.request("GET", "/notes", Map.of("sub", "u1"), null), null))
                .containsEntry("detail", "claim tenant_id is missing");
        assertThat(unauthorized(TenantEvents.request("POST", "/notes", null, "{\"title\":\"x\"}"), null))
                .containsEntry("detail", "claim tenant_id is missing");
    }

    @Test
    void emptyTenantIdIs401() {
        assertThat(unauthorized(TenantEvents.request("GET", "/notes", Map.of("tenant_id", ""), null), null))
                .containsEntry("detail", "claim tenant_id is empty");
    }

    @Test
    void tenantClaimOfTheWrongTypeIs401() {
        // A Lambda authorizer's context keeps JSON types: a number is not a tenant id.
        APIGatewayV2HTTPEvent number = TenantEvents.request("GET", "/notes", null, null);
        number.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withLambda(new HashMap<>(Map.of("tenant_id", 42))).build());
        assertThat(unauthorized(number, null)).containsEntry("detail", "claim tenant_id must be a string");
        // A JWT authorizer renders a list claim as "[a b]": not the form of a tenant id.
        assertThat(unauthorized(TenantEvents.request("GET", "/notes", Map.of("tenant_id", "[acme globex]"), null),
                "globex")).containsEntry("detail", "claim tenant_id does not have the expected form");
    }

    @Test
    void tenantIdThatCouldBeMistakenForAnotherIs401() {
        assertThat(unauthorized(TenantEvents.request("GET", "/notes", Map.of("tenant_id", "acme' or 'x'='x"), null),
                "'x'='x")).containsEntry("detail", "claim tenant_id does not have the expected form");
    }
}
