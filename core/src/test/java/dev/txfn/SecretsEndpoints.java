package dev.txfn;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test support: a real HTTP server on 127.0.0.1 serving a secret both ways txfn reads it: as the AWS Parameters
 * and Secrets Lambda Extension ({@code GET /secretsmanager/get?secretId=...}, requiring the session token
 * header, with a cache of its own that can be made to lag) and as the Secrets Manager API the AWS SDK calls
 * ({@code POST /} with {@code X-Amz-Target: secretsmanager.GetSecretValue}). Thread-safe.
 */
final class SecretsEndpoints implements AutoCloseable {
    static final String SESSION_TOKEN = "test-session-token";
    static final String SECRET_ID = "txfn/test/db";

    static {
        // Headers and body go out in two writes; without TCP_NODELAY, Nagle and the client's delayed ACK add
        // 40 ms to every answer. Read once, when the JDK's server classes initialize.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final Object lock = new Object();
    private String secretString; // guarded by lock: the value Secrets Manager holds
    private String extensionCache; // guarded by lock: what the extension answers; null means "as Secrets Manager"
    private int extensionStatus = 200; // guarded by lock
    private boolean extensionSilent; // guarded by lock
    final AtomicInteger extensionReads = new AtomicInteger();
    final AtomicInteger apiReads = new AtomicInteger();

    private SecretsEndpoints() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "txfn-test-secrets-endpoints");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/secretsmanager/get", this::extension);
        server.createContext("/", this::api);
        server.start();
    }

    static SecretsEndpoints start(String secretString) {
        try {
            SecretsEndpoints endpoints = new SecretsEndpoints();
            endpoints.setSecret(secretString);
            return endpoints;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String rdsSecret(String user, String password) {
        return "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":5432,\"dbname\":\"postgres\","
                + "\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI apiEndpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Secrets Manager's value; the extension follows at once unless {@link #freezeExtensionCache()} was called. */
    void setSecret(String value) {
        synchronized (lock) {
            secretString = value;
        }
    }

    /** The extension keeps answering what it answers now, as its cache does until its TTL. */
    void freezeExtensionCache() {
        synchronized (lock) {
            extensionCache = secretString;
        }
    }

    void extensionAnswers(int status) {
        synchronized (lock) {
            extensionStatus = status;
        }
    }

    /** The extension accepts requests and never answers. */
    void silenceExtension() {
        synchronized (lock) {
            extensionSilent = true;
        }
    }

    /** Environment variables pointing both the extension path and the SDK at this server. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", Integer.toString(port()));
        env.put("AWS_SESSION_TOKEN", SESSION_TOKEN);
        env.put("AWS_ACCESS_KEY_ID", "AKIDTXFNTEST");
        env.put("AWS_SECRET_ACCESS_KEY", "txfn-test-secret-access-key");
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", apiEndpoint().toString());
        return env;
    }

    private void extension(HttpExchange exchange) throws IOException {
        extensionReads.incrementAndGet();
        String answer;
        int status;
        synchronized (lock) {
            if (extensionSilent) {
                return; // never answers; the exchange is left open
            }
            status = extensionStatus;
            answer = extensionCache != null ? extensionCache : secretString;
        }
        String query = exchange.getRequestURI().getRawQuery();
        String id = query != null && query.startsWith("secretId=")
                ? URLDecoder.decode(query.substring("secretId=".length()), StandardCharsets.UTF_8) : null;
        if (!SESSION_TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Aws-Parameters-Secrets-Token"))) {
            status = 401;
        } else if (!SECRET_ID.equals(id)) {
            status = 404;
        }
        respond(exchange, status, status == 200 ? valueJson(answer) : "{\"error\":\"status " + status + "\"}");
    }

    private void api(HttpExchange exchange) throws IOException {
        apiReads.incrementAndGet();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!"secretsmanager.GetSecretValue".equals(target)) {
            respond(exchange, 400, "{\"__type\":\"UnknownOperationException\"}");
        } else if (!body.contains("\"SecretId\":\"" + SECRET_ID + "\"")) {
            respond(exchange, 400, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't"
                    + " find the specified secret.\"}");
        } else {
            String value;
            synchronized (lock) {
                value = secretString;
            }
            respond(exchange, 200, valueJson(value));
        }
    }

    private static String valueJson(String secretString) {
        return "{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + SECRET_ID + "-AbCdEf\","
                + "\"Name\":\"" + SECRET_ID + "\",\"SecretString\":\"" + escape(secretString) + "\","
                + "\"VersionId\":\"v1\",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}";
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
