package dev.txfn.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A secret served the two ways txfn reads one, for the cold-start children of {@link ColdStartTxfnSecret}: as the
 * AWS Parameters and Secrets Lambda Extension ({@code GET /secretsmanager/get}) and as the Secrets Manager API the
 * AWS SDK calls ({@code POST /}), both answering at once from memory (a real extension answers from its cache; the
 * first read of a real Secrets Manager adds a network round trip not counted here). Holds the bench database's
 * user and password. Thread-safe.
 */
final class ColdStartSecretEndpoint implements AutoCloseable {
    static final String SECRET_ID = "txfn/bench/db";
    private static final String TOKEN = "txfn-bench-session-token";

    static {
        // Without TCP_NODELAY, Nagle and the client's delayed ACK add 40 ms to each answer of the JDK's server.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final byte[] answer;

    private ColdStartSecretEndpoint(HttpServer server, String user, String password) {
        this.server = server;
        String secret = "{\"username\":\"" + json(user) + "\",\"password\":\"" + json(password) + "\"}";
        this.answer = ("{\"Name\":\"" + SECRET_ID + "\",\"SecretString\":\"" + json(secret) + "\",\"VersionId\":\"v1\"}")
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/", this::serve);
        server.start();
    }

    /**
     * Serves the credentials of {@code jdbcUrl} (its {@code user} and {@code password} parameters).
     *
     * @param jdbcUrl the bench database's URL
     * @return the running endpoint
     * @throws IOException if no port can be had
     */
    static ColdStartSecretEndpoint start(String jdbcUrl) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        return new ColdStartSecretEndpoint(server, parameter(jdbcUrl, "user", "postgres"),
                parameter(jdbcUrl, "password", ""));
    }

    /** What a child reading the secret through the extension gets: the URL without its password, the secret. */
    Map<String, String> extensionEnvironment(String jdbcUrl) {
        Map<String, String> env = new HashMap<>();
        env.put(ColdStartProbe.URL_VARIABLE, withoutPassword(jdbcUrl));
        env.put("TXFN_PASSWORD_SECRET", SECRET_ID);
        env.put("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(server.getAddress().getPort()));
        env.put("AWS_SESSION_TOKEN", TOKEN);
        return env;
    }

    /** What a child reading the secret with the AWS SDK gets: no extension answers, the SDK pointed here. */
    Map<String, String> sdkEnvironment(String jdbcUrl) throws IOException {
        Map<String, String> env = extensionEnvironment(jdbcUrl);
        try (ServerSocket unused = new ServerSocket(0)) {
            env.put("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(unused.getLocalPort()));
        }
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:" + server.getAddress().getPort());
        putMadeUpAwsCredentials(env);
        return env;
    }

    /**
     * Adds a region and made-up credentials, as Lambda's execution role hands them over: enough for a client to
     * sign requests that nothing here checks.
     *
     * @param env a child's environment
     */
    static void putMadeUpAwsCredentials(Map<String, String> env) {
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_ACCESS_KEY_ID", "AKIDTXFNBENCH");
        env.put("AWS_SECRET_ACCESS_KEY", "txfn-bench-not-a-secret");
        env.put("AWS_SESSION_TOKEN", TOKEN);
    }

    private void serve(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static String parameter(String url, String name, String fallback) {
        Matcher m = Pattern.compile("[?&]" + name + "=([^&]*)").matcher(url);
        return m.find() ? java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : fallback;
    }

    private static String withoutPassword(String url) {
        return url.replaceAll("([?&])password=[^&]*&?", "$1").replaceAll("[?&]$", "");
    }

    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
