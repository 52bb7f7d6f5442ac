package dev.txfn.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Lambda Runtime API: what a function's runtime client talks to inside Lambda, on {@code 127.0.0.1}, for
 * running a handler through the real AWS Lambda runtime interface client
 * ({@code com.amazonaws.services.lambda.runtime.api.client.AWSLambda}, the main class of Lambda's Java runtimes
 * and container images) rather than calling it directly. Start it with the events to deliver, start the runtime
 * client with {@code AWS_LAMBDA_RUNTIME_API} set to {@link #address()}, and {@link #awaitInvocations(Duration)}
 * returns each event's response or error, in order.
 *
 * <p>It serves the paths of the Runtime API (version 2018-06-01) that a runtime client uses:
 * {@code GET /runtime/invocation/next} hands out the next event with the headers {@code Lambda-Runtime-Aws-Request-Id},
 * {@code Lambda-Runtime-Deadline-Ms}, {@code Lambda-Runtime-Invoked-Function-Arn} and
 * {@code Lambda-Runtime-Trace-Id}; {@code POST /runtime/invocation/{id}/response} and {@code .../{id}/error} record
 * the outcome (202, or 400 {@code InvalidRequestID} for an id that was not handed out or was answered already);
 * {@code POST /runtime/init/error} records a failed initialization. Once every event is handed out, {@code next}
 * waits, as a Lambda execution environment without traffic does, until {@link #close()}. Everything else is 404.
 *
 * <pre>{@code
 * try (LocalRuntimeApi api = LocalRuntimeApi.start("things-api", List.of(eventJson))) {
 *     ProcessBuilder client = new ProcessBuilder(java, "-cp", classPath,
 *             "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", "example.Handler::handleRequest");
 *     client.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
 *     Process process = client.inheritIO().start();
 *     try {
 *         List<LocalRuntimeApi.Invocation> done = api.awaitInvocations(process, Duration.ofSeconds(30));
 *     } finally {
 *         process.destroy(); // SIGTERM, as Lambda ends an idle execution environment
 *     }
 * }
 * }</pre>
 *
 * <p>Listens on the loopback address only. Thread-safe.
 */
public final class LocalRuntimeApi implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final Pattern INVOCATION_OUTCOME =
            Pattern.compile(PREFIX + "invocation/([^/]+)/(response|error)");
    /** The deadline each event is handed out with, as for a function with a 30-second timeout. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * One delivered event and what the function answered.
     *
     * @param requestId the request id the event was handed out with
     * @param event the event, as delivered
     * @param failed whether the function reported an error ({@code /error}) rather than a response
     * @param errorType with {@code failed}, the {@code Lambda-Runtime-Function-Error-Type} header, if sent
     * @param body the response, or with {@code failed} the error document
     */
    public record Invocation(String requestId, String event, boolean failed, String errorType, String body) {
    }

    private final String functionName;
    private final String functionArn;
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<String> events;
    /** Guarded by {@code this}. */
    private final List<String> handedOut = new ArrayList<>();
    /** Guarded by {@code this}; request id to outcome. */
    private final Map<String, Invocation> answered = new LinkedHashMap<>();
    /** Guarded by {@code this}. */
    private String initError;
    /** Guarded by {@code this}. */
    private boolean closed;

    private LocalRuntimeApi(String functionName, List<String> events, HttpServer server, ExecutorService executor) {
        this.functionName = functionName;
        this.functionArn = "arn:aws:lambda:us-east-1:123456789012:function:" + functionName;
        this.events = List.copyOf(events);
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving {@code events} to a runtime client on an ephemeral port of {@code 127.0.0.1}.
     *
     * @param functionName the function name in the invoked function ARN (letters, digits, {@code -} and {@code _})
     * @param events the events to hand out, in order, each a JSON document as Lambda delivers it
     * @return the running API
     * @throws IllegalArgumentException if the function name is not a valid Lambda function name
     * @throws UncheckedIOException if no port can be bound
     */
    public static LocalRuntimeApi start(String functionName, List<String> events) {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(events, "events");
        if (!functionName.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("function name must be 1 to 64 letters, digits, '-' or '_', was '"
                    + functionName + "'");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1 for the local Runtime API", e);
        }
        // Threads of their own: a waiting `next` must not hold up the response that a client posts meanwhile.
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "txfn-local-runtime-api");
            thread.setDaemon(true);
            return thread;
        });
        LocalRuntimeApi api = new LocalRuntimeApi(functionName, events, server, executor);
        server.createContext("/", api::serve);
        server.setExecutor(executor);
        server.start();
        return api;
    }

    /**
     * The value for the runtime client's {@code AWS_LAMBDA_RUNTIME_API} environment variable.
     *
     * @return {@code 127.0.0.1:<port>}
     */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The environment Lambda gives a function's runtime client, pointed at this API: {@code AWS_LAMBDA_RUNTIME_API},
     * {@code _HANDLER}, the function's name, version, memory, log group and stream, the initialization type, the
     * region ({@code us-east-1}, as in the invoked ARN) and {@code TZ}. Add the function's own variables to it.
     *
     * @param handler the handler setting, e.g. {@code com.example.Orders::handleRequest}
     * @param logStreamName the log stream name the runtime client sees
     * @return a new, modifiable map
     */
    public Map<String, String> runtimeEnvironment(String handler, String logStreamName) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_LAMBDA_RUNTIME_API", address());
        env.put("_HANDLER", Objects.requireNonNull(handler, "handler"));
        env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + functionName);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", Objects.requireNonNull(logStreamName, "logStreamName"));
        env.put("AWS_REGION", "us-east-1");
        env.put("TZ", ":UTC");
        return env;
    }

    /**
     * Waits until every event has been answered, and returns the outcomes in the order the events were given.
     *
     * @param timeout how long to wait at most
     * @return one invocation per event
     * @throws IllegalStateException if the runtime client reported a failed initialization
     * @throws TimeoutException if some event is still unanswered after {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public List<Invocation> awaitInvocations(Duration timeout) throws TimeoutException, InterruptedException {
        return await(null, timeout);
    }

    /**
     * Waits until every event has been answered by the runtime client running in {@code runtimeClient}, and returns
     * the outcomes in the order the events were given; fails at once when that process ends first.
     *
     * @param runtimeClient the process running the runtime client
     * @param timeout how long to wait at most
     * @return one invocation per event
     * @throws IllegalStateException if the runtime client reported a failed initialization, or its process ended
     *     before answering every event
     * @throws TimeoutException if some event is still unanswered after {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public List<Invocation> awaitInvocations(Process runtimeClient, Duration timeout)
            throws TimeoutException, InterruptedException {
        return await(Objects.requireNonNull(runtimeClient, "runtimeClient"), timeout);
    }

    private synchronized List<Invocation> await(Process runtimeClient, Duration timeout)
            throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (initError == null && answered.size() < events.size()) {
            if (runtimeClient != null && !runtimeClient.isAlive()) {
                throw new IllegalStateException("the runtime client exited with status " + runtimeClient.exitValue()
                        + " after answering " + answered.size() + " of " + events.size() + " events");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("the runtime client answered " + answered.size() + " of " + events.size()
                        + " events within " + timeout.toMillis() + " ms (" + handedOut.size()
                        + " were fetched from /next)");
            }
            // Woken by every answer; otherwise looks at the process again every 100 ms.
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
        if (initError != null) {
            throw new IllegalStateException("the function failed to initialize and posted /runtime/init/error: "
                    + initError);
        }
        List<Invocation> inOrder = new ArrayList<>();
        for (String requestId : handedOut) {
            inOrder.add(answered.get(requestId));
        }
        return inOrder;
    }

    /** Stops listening; a runtime client waiting on {@code next} sees its connection closed. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Matcher outcome = INVOCATION_OUTCOME.matcher(path);
            if (method.equals("GET") && path.equals(PREFIX + "invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && outcome.matches()) {
                recordOutcome(exchange, outcome.group(1), outcome.group(2).equals("error"));
            } else if (method.equals("POST") && path.equals(PREFIX + "init/error")) {
                initError(exchange);
            } else {
                reply(exchange, 404, "{\"errorMessage\":\"no such Runtime API path\",\"errorType\":\"NotFound\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        String requestId;
        String event;
        synchronized (this) {
            while (!closed && handedOut.size() == events.size()) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // stopping: the exchange is closed without an answer
                }
            }
            if (closed) {
                return;
            }
            event = events.get(handedOut.size());
            requestId = UUID.randomUUID().toString();
            handedOut.add(requestId);
        }
        exchange.getResponseHeaders().set("Lambda-Runtime-Aws-Request-Id", requestId);
        exchange.getResponseHeaders().set("Lambda-Runtime-Deadline-Ms",
                Long.toString(System.currentTimeMillis() + TIMEOUT.toMillis()));
        exchange.getResponseHeaders().set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        exchange.getResponseHeaders().set("Lambda-Runtime-Trace-Id", traceId());
        reply(exchange, 200, event);
    }

    private void recordOutcome(HttpExchange exchange, String requestId, boolean failed) throws IOException {
        String body = body(exchange);
        String errorType = failed ? exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type") : null;
        boolean known;
        synchronized (this) {
            int index = handedOut.indexOf(requestId);
            known = index >= 0 && !answered.containsKey(requestId);
            if (known) {
                answered.put(requestId, new Invocation(requestId, events.get(index), failed, errorType, body));
                notifyAll();
            }
        }
        if (known) {
            reply(exchange, 202, "{\"status\":\"OK\"}");
        } else {
            reply(exchange, 400, "{\"errorMessage\":\"request id not handed out by /next, or answered already\","
                    + "\"errorType\":\"InvalidRequestID\"}");
        }
    }

    private void initError(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
        String body = body(exchange);
        synchronized (this) {
            initError = (type == null ? "" : type + " ") + body;
            notifyAll();
        }
        reply(exchange, 202, "{\"status\":\"OK\"}");
    }

    private static String traceId() {
        String hex = UUID.randomUUID().toString().replace("-", "");
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + hex.substring(0, 24)
                + ";Parent=" + hex.substring(16, 32) + ";Sampled=0";
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
