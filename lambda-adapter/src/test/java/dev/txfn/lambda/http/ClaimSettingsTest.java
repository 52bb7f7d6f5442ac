package dev.txfn.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.Database;
import dev.txfn.Isolation;
import dev.txfn.Tx;
import dev.txfn.TxEvent;
import dev.txfn.TxListener;
import dev.txfn.TxOptions;
import dev.txfn.lambda.ClaimSetting;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.HttpProblem;
import dev.txfn.lambda.HttpRequest;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;
import dev.txfn.lambda.InvocationSettings;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import dev.txfn.lambda.RestApiHandler;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.SettleAssertions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authorizer claims become transaction-local settings of every transaction of the invocation, through the HTTP
 * API and REST API handlers, against real PostgreSQL; a missing or invalid claim is a 401 with no database work.
 */
class ClaimSettingsTest {
    static final String APP = "txfn-claim-settings-test";
    static final AtomicInteger BEGINS = new AtomicInteger();
    static final AtomicInteger ROUTE_CALLS = new AtomicInteger();

    static Database db;
    static TenantApi api;
    static TenantRestApi restApi;

    record Echo(String text) {
    }

    static HttpRoutes routes() {
        return HttpRoutes.builder()
                .get("/whoami", (req, tx) -> {
                    ROUTE_CALLS.incrementAndGet();
                    Map<String, Object> seen = new LinkedHashMap<>();
                    seen.put("readOnly", tx.readOnly(ClaimSettingsTest::tenant));
                    seen.put("inTransaction", tx.inTransaction(ClaimSettingsTest::tenant));
                    // A route that passes options of its own, even one naming the setting, still gets the claim's.
                    seen.put("explicitOptions", tx.inTransaction(TxOptions.defaults()
                            .withIsolation(Isolation.SERIALIZABLE).withSetting("app.tenant_id", "mallory"),
                            ClaimSettingsTest::tenant));
                    seen.put("derived", tx.withOptions(TxOptions.defaults()).readOnly(ClaimSettingsTest::tenant));
                    seen.put("region", tx.readOnly(h -> h.createQuery("select coalesce(current_setting('app.region',"
                            + " true), '')").mapTo(String.class).one()));
                    seen.put("claim", req.claim("tenant_id").orElse(""));
                    return HttpResponse.ok(seen);
                })
                .post("/echo", Echo.class, (req, body, tx) -> {
                    ROUTE_CALLS.incrementAndGet();
                    return HttpResponse.ok(Map.of("text", body.text(), "tenant", tx.readOnly(ClaimSettingsTest::tenant)));
                })
                .claimSetting(ClaimSetting.required("tenant_id", "app.tenant_id").matching("[a-z0-9-]{1,64}"))
                .claimSetting(ClaimSetting.optional("region", "app.region"))
                .build();
    }

    static String tenant(Handle h) {
        return h.createQuery("select coalesce(current_setting('app.tenant_id', true), '')").mapTo(String.class).one();
    }

    static final class TenantApi extends HttpApiHandler {
        TenantApi(LambdaResources resources) {
            super(resources, routes());
        }
    }

    static final class TenantRestApi extends RestApiHandler {
        TenantRestApi(LambdaResources resources) {
            super(resources, routes());
        }
    }

    @BeforeAll
    static void startDatabase() {
        db = Database.builder().jdbcUrl(PostgresTestDatabase.shared().jdbcUrl()).maximumPoolSize(1)
                .applicationName(APP).build();
        Tx tx = Tx.builder(db).listener(new TxListener() {
            @Override
            public void onBegin(TxEvent event) {
                BEGINS.incrementAndGet();
            }
        }).build();
        LambdaResources resources = new LambdaResources(tx, InvocationSettings.defaults().withDatabase(db));
        api = new TenantApi(resources);
        restApi = new TenantRestApi(resources);
    }

    @AfterAll
    static void closeDatabase() {
        db.close();
    }

    @BeforeEach
    void resetCounters() {
        BEGINS.set(0);
        ROUTE_CALLS.set(0);
    }

    @AfterEach
    void noSessionIdleInTransaction() {
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    static APIGatewayV2HTTPEvent withJwtClaims(Map<String, String> claims) {
        APIGatewayV2HTTPEvent event = HttpEvents.v2Fixture("v2-jwt-claims.json");
        event.getRequestContext().getAuthorizer().getJwt().setClaims(new HashMap<>(claims));
        return event;
    }

    static APIGatewayV2HTTPEvent withLambdaContext(Map<String, Object> context) {
        APIGatewayV2HTTPEvent event = HttpEvents.v2Fixture("v2-jwt-claims.json");
        event.getRequestContext().getAuthorizer().setJwt(null);
        event.getRequestContext().getAuthorizer().setLambda(new HashMap<>(context));
        return event;
    }

    static APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return api.handleRequest(event, LocalContext.create());
    }

    /** Asserts a 401 problem that cost no database work and does not repeat {@code secret}. */
    static Map<String, Object> unauthorized(Supplier<APIGatewayV2HTTPResponse> request, String secret) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        APIGatewayV2HTTPResponse response;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            response = request.get();
        } finally {
            System.setErr(original);
        }
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json")
                .containsEntry("WWW-Authenticate", "Bearer");
        assertThat(BEGINS).hasValue(0);
        assertThat(ROUTE_CALLS).hasValue(0);
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(log).doesNotContain("Exception").doesNotContain("\tat ");
        if (secret != null) {
            assertThat(response.getBody()).doesNotContain(secret);
            assertThat(log).doesNotContain(secret);
        }
        return HttpEvents.json(response.getBody());
    }

    @Test
    void jwtClaimBecomesTheSettingOfEveryTransactionWhateverOptionsTheRoutePasses() {
        APIGatewayV2HTTPResponse response = call(HttpEvents.v2Fixture("v2-jwt-claims.json"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(HttpEvents.json(response.getBody()))
                .containsEntry("readOnly", "acme").containsEntry("inTransaction", "acme")
                .containsEntry("explicitOptions", "acme").containsEntry("derived", "acme")
                .containsEntry("region", "").containsEntry("claim", "acme");
    }

    @Test
    void settingEndsWithTheTransactionSoTheNextInvocationOnTheSameConnectionDoesNotSeeIt() {
        call(withJwtClaims(Map.of("sub", "u1", "tenant_id", "acme", "region", "eu")));
        APIGatewayV2HTTPResponse second = call(withJwtClaims(Map.of("sub", "u2", "tenant_id", "globex")));

        assertThat(HttpEvents.json(second.getBody())).containsEntry("readOnly", "globex").containsEntry("region", "");
        Tx plain = Tx.create(db);
        assertThat(plain.readOnly(ClaimSettingsTest::tenant)).isEmpty();
    }

    @Test
    void optionalClaimSetsItsSettingWhenPresent() {
        APIGatewayV2HTTPResponse response = call(withJwtClaims(Map.of("tenant_id", "acme", "region", "eu-west")));

        assertThat(HttpEvents.json(response.getBody())).containsEntry("region", "eu-west");
    }

    @Test
    void lambdaAuthorizerContextBecomesTheSetting() {
        APIGatewayV2HTTPResponse response = call(withLambdaContext(Map.of("tenant_id", "initech", "plan", 3)));

        assertThat(HttpEvents.json(response.getBody())).containsEntry("readOnly", "initech");
    }

    @Test
    void restApiLambdaAuthorizerContextAndCognitoClaimsBecomeTheSetting() {
        APIGatewayProxyRequestEvent lambda = HttpEvents.v1("GET", "/whoami");
        lambda.getRequestContext().setAuthorizer(new HashMap<>(Map.of("principalId", "u1", "tenant_id", "hooli")));
        APIGatewayProxyRequestEvent cognito = HttpEvents.v1("GET", "/whoami");
        cognito.getRequestContext().setAuthorizer(new HashMap<>(Map.of("claims",
                Map.of("sub", "u2", "tenant_id", "umbrella"))));

        APIGatewayProxyResponseEvent first = restApi.handleRequest(lambda, LocalContext.create());
        APIGatewayProxyResponseEvent second = restApi.handleRequest(cognito, LocalContext.create());

        assertThat(HttpEvents.json(first.getBody())).containsEntry("readOnly", "hooli");
        assertThat(HttpEvents.json(second.getBody())).containsEntry("readOnly", "umbrella");
    }

    @Test
    void requestWithoutTheRequiredClaimIs401WithNoDatabaseWork() {
        Map<String, Object> problem = unauthorized(() -> call(withJwtClaims(Map.of("sub", "u1"))), null);

        assertThat(problem).containsEntry("status", 401).containsEntry("title", "Unauthorized")
                .containsEntry("detail", "claim tenant_id is missing").containsEntry("instance", "/whoami");
    }

    @Test
    void requestWithoutAnyAuthorizerIs401() {
        APIGatewayV2HTTPEvent event = HttpEvents.v2Fixture("v2-jwt-claims.json");
        event.getRequestContext().setAuthorizer(null);

        assertThat(unauthorized(() -> call(event), null)).containsEntry("detail", "claim tenant_id is missing");
    }

    @Test
    void claimOfTheWrongTypeIs401() {
        assertThat(unauthorized(() -> call(withLambdaContext(Map.of("tenant_id", 42))), null))
                .containsEntry("detail", "claim tenant_id must be a string");
        assertThat(unauthorized(() -> call(withLambdaContext(Map.of("tenant_id", List.of("acme", "globex")))),
                "globex")).containsEntry("detail", "claim tenant_id must be a string");
        // An HTTP API hands a JWT's list claim over as "[a b]": the pattern refuses it.
        assertThat(unauthorized(() -> call(withJwtClaims(Map.of("tenant_id", "[acme globex]"))), "globex"))
                .containsEntry("detail", "claim tenant_id does not have the expected form");
    }

    @Test
    void emptyOrBlankTenantIdIs401() {
        assertThat(unauthorized(() -> call(withJwtClaims(Map.of("tenant_id", ""))), null))
                .containsEntry("detail", "claim tenant_id is empty");
        assertThat(unauthorized(() -> call(withJwtClaims(Map.of("tenant_id", "   "))), null))
                .containsEntry("detail", "claim tenant_id is empty");
    }

    @Test
    void invalidOptionalClaimIs401() {
        assertThat(unauthorized(() -> call(withJwtClaims(Map.of("tenant_id", "acme", "region", "eu\nwest"))),
                "eu\nwest")).containsEntry("detail", "claim region holds a control character");
    }

    @Test
    void unauthorizedComesBeforeTheBodyIsDecoded() {
        APIGatewayV2HTTPEvent event = withJwtClaims(Map.of("sub", "u1"));
        event.setRawPath("/echo");
        event.getRequestContext().getHttp().setMethod("POST");
        event.getRequestContext().getHttp().setPath("/echo");
        event.setHeaders(new HashMap<>(Map.of("content-type", "application/json")));
        event.setBody("{not json");

        assertThat(unauthorized(() -> call(event), null)).containsEntry("detail", "claim tenant_id is missing");
    }

    @Test
    void claimsAreOnTheRequestAsTheAuthorizerGaveThem() {
        HttpRequest[] seen = new HttpRequest[1];
        HttpRoutes routes = HttpRoutes.builder().get("/whoami", (req, tx) -> {
            seen[0] = req;
            return HttpResponse.noContent();
        }).build();
        new HttpApiHandler(LambdaResources.of(Tx.create(db)), routes) { }
                .handleRequest(withLambdaContext(Map.of("tenant_id", "acme", "plan", 3)), LocalContext.create());

        assertThat(seen[0].claims()).containsEntry("tenant_id", "acme").containsEntry("plan", 3);
        assertThat(seen[0].claim("tenant_id")).hasValue("acme");
        assertThat(seen[0].claim("plan")).isEmpty();
    }

    @Test
    void claimSettingRefusesABadSettingNameAndASecondSourceForOneSetting() {
        assertThatThrownBy(() -> ClaimSetting.required("tenant_id", "tenant"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix.name");
        assertThatThrownBy(() -> HttpRoutes.builder()
                .claimSetting(ClaimSetting.required("tenant_id", "app.tenant_id"))
                .claimSetting(ClaimSetting.optional("org", "app.tenant_id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already comes from claim tenant_id");
    }

    @Test
    void claimSettingValidatesARequestBuiltForAUnitTest() {
        ClaimSetting tenant = ClaimSetting.required("tenant_id", "app.tenant_id");

        assertThat(tenant.valueFor(HttpRequest.builder("GET", "/").claim("tenant_id", "acme").build()))
                .hasValue("acme");
        assertThatThrownBy(() -> tenant.valueFor(HttpRequest.builder("GET", "/").build()))
                .isInstanceOf(HttpProblem.class).extracting(p -> ((HttpProblem) p).status()).isEqualTo(401);
        assertThat(tenant.toString()).isEqualTo("ClaimSetting[tenant_id -> app.tenant_id, required]");
    }
}
