package dev.txfn.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.txfn.Database;
import dev.txfn.InvalidConfigurationException;
import dev.txfn.Tx;
import dev.txfn.TxEvent;
import dev.txfn.TxListener;
import dev.txfn.lambda.ClaimSetting;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;
import dev.txfn.lambda.InvocationSettings;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalHttpServer;
import dev.txfn.lambda.LocalJwtVerifier;
import dev.txfn.testing.PostgresTestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalHttpServer} with a {@link LocalJwtVerifier}: real HTTP with real signed tokens in, the claims handed
 * to the routes as an HTTP API's JWT authorizer hands them; forged, expired and malformed tokens are a 401 problem
 * without calling the handler, logged with the reason and never the token.
 */
class LocalBearerTokenTest {
    static final String APP = "txfn-local-bearer-test";
    static final String SECRET = "a-local-secret-of-at-least-32-bytes-0123";
    static final AtomicInteger BEGINS = new AtomicInteger();
    static final AtomicInteger ROUTE_CALLS = new AtomicInteger();
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    static Database db;
    static LocalHttpServer server;

    static final class TenantApi extends HttpApiHandler {
        TenantApi(LambdaResources resources) {
            super(resources, HttpRoutes.builder()
                    .claimSetting(ClaimSetting.required("tenant_id", "app.tenant_id"))
                    .get("/whoami", (req, tx) -> {
                        ROUTE_CALLS.incrementAndGet();
                        Map<String, Object> seen = new LinkedHashMap<>(req.claims());
                        seen.put("setting", tx.readOnly(h -> h.createQuery("select current_setting('app.tenant_id')")
                                .mapTo(String.class).one()));
                        return HttpResponse.ok(seen);
                    })
                    .build());
        }
    }

    @BeforeAll
    static void start() {
        db = Database.builder().jdbcUrl(PostgresTestDatabase.shared().jdbcUrl()).maximumPoolSize(1)
                .applicationName(APP).build();
        Tx tx = Tx.builder(db).listener(new TxListener() {
            @Override
            public void onBegin(TxEvent event) {
                BEGINS.incrementAndGet();
            }
        }).build();
        LocalJwtVerifier verifier = LocalJwtVerifier.fromEnv(Map.of(LocalJwtVerifier.SECRET_VARIABLE, SECRET))
                .orElseThrow();
        server = LocalHttpServer.start(new TenantApi(new LambdaResources(tx,
                InvocationSettings.defaults().withDatabase(db))), 0, verifier);
    }

    @AfterAll
    static void stop() {
        server.close();
        db.close();
    }

    @BeforeEach
    void resetCounters() {
        BEGINS.set(0);
        ROUTE_CALLS.set(0);
    }

    static JWTClaimsSet.Builder claims(String tenant, Instant expires) {
        return new JWTClaimsSet.Builder().subject("user-1").claim("tenant_id", tenant)
                .expirationTime(Date.from(expires)).issueTime(new Date());
    }

    static String hs256(JWTClaimsSet claims, String secret) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    static java.net.http.HttpResponse<String> get(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/whoami"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return CLIENT.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Sends, capturing standard error; asserts a 401 problem, the handler not called, the token not logged. */
    static Map<String, Object> refused(String authorization) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        java.net.http.HttpResponse<String> response;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            response = get(authorization);
        } finally {
            System.setErr(original);
        }
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
        assertThat(response.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> v.startsWith("Bearer"));
        assertThat(ROUTE_CALLS).hasValue(0);
        assertThat(BEGINS).hasValue(0);
        String log = err.toString(StandardCharsets.UTF_8);
        String token = authorization.substring(authorization.indexOf(' ') + 1);
        assertThat(log).contains("refused").doesNotContain(token).doesNotContain("Exception");
        assertThat(response.body()).doesNotContain(token);
        return HttpEvents.json(response.body());
    }

    @Test
    void verifiedTokenClaimsReachTheRouteAsApiGatewayRendersThemAndBecomeTheSetting() throws Exception {
        Instant exp = Instant.now().plusSeconds(600);
        String token = hs256(claims("acme", exp).claim("groups", List.of("admin", "staff")).claim("level", 42)
                .claim("beta", true).claim("scope", "notes:read notes:write").build(), SECRET);

        java.net.http.HttpResponse<String> response = get("Bearer " + token);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(HttpEvents.json(response.body())).containsEntry("tenant_id", "acme").containsEntry("sub", "user-1")
                .containsEntry("groups", "[admin staff]").containsEntry("level", "42").containsEntry("beta", "true")
                .containsEntry("exp", Long.toString(exp.getEpochSecond())).containsEntry("setting", "acme");
    }

    @Test
    void tokenSignedWithAnotherSecretIs401() throws Exception {
        String forged = hs256(claims("acme", Instant.now().plusSeconds(600)).build(),
                "another-secret-of-at-least-32-bytes-xyz");

        assertThat(refused("Bearer " + forged)).containsEntry("detail", "the bearer token's signature is not valid");
    }

    @Test
    void tokenWithAlteredClaimsIs401() throws Exception {
        String[] parts = hs256(claims("acme", Instant.now().plusSeconds(600)).build(), SECRET).split("\\.");
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims("globex", Instant.now().plusSeconds(600)).build().toString().getBytes(StandardCharsets.UTF_8));

        assertThat(refused("Bearer " + parts[0] + "." + payload + "." + parts[2]))
                .containsEntry("detail", "the bearer token's signature is not valid");
    }

    @Test
    void expiredTokenIs401() throws Exception {
        String expired = hs256(claims("acme", Instant.now().minusSeconds(5)).build(), SECRET);

        assertThat(refused("Bearer " + expired)).containsEntry("detail", "the bearer token has expired");
    }

    @Test
    void unsignedTokenIs401() throws Exception {
        String none = new PlainJWT(claims("acme", Instant.now().plusSeconds(600)).build()).serialize();

        assertThat(refused("Bearer " + none)).containsEntry("detail", "the bearer token is not a signed JWT");
    }

    @Test
    void tokenWithoutExpiryIs401() throws Exception {
        String forever = hs256(new JWTClaimsSet.Builder().claim("tenant_id", "acme").build(), SECRET);

        assertThat(refused("Bearer " + forever)).containsEntry("detail", "the bearer token has no exp claim");
    }

    @Test
    void authorizationThatIsNotABearerTokenIs401() throws Exception {
        assertThat(refused("Basic dXNlcjpwYXNzd29yZA==")).containsEntry("detail",
                "the Authorization header is not a bearer token");
        assertThat(refused("Bearer not-a-jwt")).containsEntry("detail", "the bearer token is not a signed JWT");
    }

    @Test
    void requestWithoutATokenReachesTheHandlerWithoutClaimsAndIsRefusedByTheClaimSetting() throws Exception {
        java.net.http.HttpResponse<String> response = get(null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(HttpEvents.json(response.body())).containsEntry("detail", "claim tenant_id is missing");
        assertThat(BEGINS).hasValue(0);
    }

    @Test
    void publicKeyFromTheEnvironmentVerifiesRsaTokensAndRefusesHs256Ones() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        LocalJwtVerifier verifier = LocalJwtVerifier.fromEnv(Map.of(LocalJwtVerifier.PUBLIC_KEY_VARIABLE, pem,
                LocalJwtVerifier.ISSUER_VARIABLE, "https://issuer.example.com/")).orElseThrow();
        JWTClaimsSet good = claims("acme", Instant.now().plusSeconds(600)).issuer("https://issuer.example.com/")
                .build();
        SignedJWT rsa = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), good);
        rsa.sign(new RSASSASigner((RSAPrivateKey) pair.getPrivate()));

        assertThat(verifier.verify(rsa.serialize())).containsEntry("tenant_id", "acme");
        // The public key used as an HMAC secret must not verify anything (algorithm confusion).
        assertThatThrownBy(() -> verifier.verify(hs256(good, new String(pair.getPublic().getEncoded(),
                StandardCharsets.ISO_8859_1))))
                .isInstanceOf(LocalJwtVerifier.InvalidTokenException.class)
                .hasMessage("the bearer token's algorithm is not accepted");
        SignedJWT otherIssuer = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256),
                claims("acme", Instant.now().plusSeconds(600)).issuer("https://elsewhere.example.com/").build());
        otherIssuer.sign(new RSASSASigner((RSAPrivateKey) pair.getPrivate()));
        assertThatThrownBy(() -> verifier.verify(otherIssuer.serialize()))
                .hasMessage("the bearer token's issuer is not accepted");
    }

    @Test
    void environmentWithoutAKeyGivesNoVerifierAndABadKeyIsNamedNotShown() {
        assertThat(LocalJwtVerifier.fromEnv(Map.of())).isEmpty();
        assertThatThrownBy(() -> LocalJwtVerifier.fromEnv(Map.of(LocalJwtVerifier.SECRET_VARIABLE, "short-secret")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(LocalJwtVerifier.SECRET_VARIABLE).hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> LocalJwtVerifier.fromEnv(Map.of(LocalJwtVerifier.PUBLIC_KEY_VARIABLE,
                "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(LocalJwtVerifier.PUBLIC_KEY_VARIABLE);
    }
}
