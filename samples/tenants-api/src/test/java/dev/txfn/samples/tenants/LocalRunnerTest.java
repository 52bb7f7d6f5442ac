package dev.txfn.samples.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txfn.Database;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalHttpServer;
import dev.txfn.lambda.LocalJwtVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's local session: {@code token <tenant>} signs tokens the local server accepts, and two tenants
 * working through real HTTP see only their own notes; {@code serve} without a key refuses to start.
 */
class LocalRunnerTest {
    static final Map<String, String> ENV = Map.of(LocalJwtVerifier.SECRET_VARIABLE,
            "0123456789abcdef0123456789abcdef0123456789abcdef");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    static String run(Map<String, String> env, PrintStream err, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), err);
        assertThat(status).isZero();
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void tokenCommandSignsATokenTheLocalVerifierAccepts() {
        String token = run(ENV, System.err, "token", "acme");

        assertThat(LocalJwtVerifier.fromEnv(ENV).orElseThrow().verify(token))
                .containsEntry("tenant_id", "acme").containsEntry("sub", "user-of-acme").containsKey("exp");
    }

    @Test
    void serveWithoutAKeyRefusesToStartInOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = Main.run(new String[] {"serve"}, Map.of(), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("tenants-api: TXFN_LOCAL_JWT_SECRET: is not set")
                .hasLineCount(1);
    }

    @Test
    void twoTenantsWithTheirOwnTokensSeeOnlyTheirOwnNotesThroughTheLocalServer() throws Exception {
        try (TenantsDatabase db = TenantsDatabase.createMigrated()) {
            assumeTrue(db.appRoleCanLogIn(), "the application role cannot log in through the pooler named by"
                    + " TXFN_TEST_DATABASE_URL (a PgBouncer lets in only the users of its own auth file)");
            try (Database app = db.appDatabase("tenants-local-runner", 2);
                    LocalHttpServer server = LocalHttpServer.start(new TenantsApi(LambdaResources.of(app)), 0,
                            LocalJwtVerifier.fromEnv(ENV).orElseThrow())) {
                String base = "http://127.0.0.1:" + server.port();
                String acme = run(ENV, System.err, "token", "acme");
                String globex = run(ENV, System.err, "token", "globex");

                HttpResponse<String> created = send(base, "POST", "/notes", acme, "{\"title\":\"acme plans\"}");
                assertThat(created.statusCode()).isEqualTo(201);
                Object acmeNote = json(created).get("id");
                assertThat(send(base, "POST", "/notes", globex, "{\"title\":\"globex plans\"}").statusCode())
                        .isEqualTo(201);

                assertThat(titles(send(base, "GET", "/notes", acme, null))).containsExactly("acme plans");
                assertThat(titles(send(base, "GET", "/notes", globex, null))).containsExactly("globex plans");
                assertThat(send(base, "GET", "/notes/" + acmeNote, globex, null).statusCode()).isEqualTo(404);
                assertThat(send(base, "DELETE", "/notes/" + acmeNote, globex, null).statusCode()).isEqualTo(404);
                assertThat(send(base, "GET", "/notes/" + acmeNote, acme, null).statusCode()).isEqualTo(200);
                assertThat(send(base, "GET", "/notes", null, null).statusCode()).isEqualTo(401);
                String forged = acme.substring(0, acme.lastIndexOf('.') + 1) + "AAAA";
                assertThat(send(base, "GET", "/notes", forged, null).statusCode()).isEqualTo(401);
            }
        }
    }

    static HttpResponse<String> send(String base, String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, Object> json(HttpResponse<String> response) throws Exception {
        return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
    }

    @SuppressWarnings("unchecked")
    static List<String> titles(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        return ((List<Map<String, Object>>) json(response).get("items")).stream()
                .map(item -> (String) item.get("title")).toList();
    }
}
