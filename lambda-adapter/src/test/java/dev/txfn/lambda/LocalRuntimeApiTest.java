package dev.txfn.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The local Runtime API, spoken to over HTTP as a runtime client speaks to it. */
class LocalRuntimeApiTest {
    private static final String EVENT_1 = "{\"n\":1}";
    private static final String EVENT_2 = "{\"n\":2}";

    private final HttpClient http = HttpClient.newHttpClient();
    private LocalRuntimeApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void runtimeEnvironmentPointsTheRuntimeClientAtThisApi() {
        api = LocalRuntimeApi.start("things-api", List.of(EVENT_1));

        assertThat(api.runtimeEnvironment("com.example.Things::handleRequest", "stream-1"))
                .containsEntry("AWS_LAMBDA_RUNTIME_API", api.address())
                .containsEntry("_HANDLER", "com.example.Things::handleRequest")
                .containsEntry("AWS_LAMBDA_FUNCTION_NAME", "things-api")
                .containsEntry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/things-api")
                .containsEntry("AWS_LAMBDA_LOG_STREAM_NAME", "stream-1")
                .containsEntry("AWS_REGION", "us-east-1");
    }

    @Test
    void nextHandsOutTheEventsInOrderWithTheRuntimeHeaders() throws Exception {
        api = LocalRuntimeApi.start("things-api", List.of(EVENT_1, EVENT_2));

        long before = System.currentTimeMillis();
        HttpResponse<String> first = get("/2018-06-01/runtime/invocation/next");
        HttpResponse<String> second = get("/2018-06-01/runtime/invocation/next");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(EVENT_1);
        assertThat(second.body()).isEqualTo(EVENT_2);
        assertThat(first.headers().firstValue("Lambda-Runtime-Aws-Request-Id")).isPresent()
                .isNotEqualTo(second.headers().firstValue("Lambda-Runtime-Aws-Request-Id"));
        assertThat(Long.parseLong(first.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow()))
                .isGreaterThan(before + 29_000);
        assertThat(first.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn")).hasValue(
                "arn:aws:lambda:us-east-1:123456789012:function:things-api");
        assertThat(first.headers().firstValue("Lambda-Runtime-Trace-Id").orElseThrow())
                .matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0");
    }

    @Test
    void responsesAndErrorsAreReturnedInEventOrder() throws Exception {
        api = LocalRuntimeApi.start("things-api", List.of(EVENT_1, EVENT_2));
        String first = requestId(get("/2018-06-01/runtime/invocation/next"));
        String second = requestId(get("/2018-06-01/runtime/invocation/next"));

        HttpResponse<String> error = post("/2018-06-01/runtime/invocation/" + second + "/error",
                "{\"errorMessage\":\"boom\"}", "Runtime.UserException");
        HttpResponse<String> response = post("/2018-06-01/runtime/invocation/" + first + "/response", "42", null);

        assertThat(error.statusCode()).isEqualTo(202);
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(api.awaitInvocations(Duration.ofSeconds(5))).containsExactly(
                new LocalRuntimeApi.Invocation(first, EVENT_1, false, null, "42"),
                new LocalRuntimeApi.Invocation(second, EVENT_2, true, "Runtime.UserException",
                        "{\"errorMessage\":\"boom\"}"));
    }

    @Test
    void anIdNotHandedOutOrAnsweredAlreadyIsRefused() throws Exception {
        api = LocalRuntimeApi.start("things-api", List.of(EVENT_1));
        String id = requestId(get("/2018-06-01/runtime/invocation/next"));
        post("/2018-06-01/runtime/invocation/" + id + "/response", "1", null);

        HttpResponse<String> again = post("/2018-06-01/runtime/invocation/" + id + "/response", "2", null);
        HttpResponse<String> unknown = post("/2018-06-01/runtime/invocation/not-an-id/error", "{}", null);

        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("InvalidRequestID");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(api.awaitInvocations(Duration.ofSeconds(5))).extracting(LocalRuntimeApi.Invocation::body)
                .containsExactly("1");
    }

    @Test
    void anUnknownPathIsNotFound() throws Exception {
        api = LocalRuntimeApi.start("things-api", List.of(EVENT_1));

        assertThat(get("/2018-06-01/runtime/invocation/previous").statusCode()).isEqualTo(404);
    }

    @Test
    void anInitErrorEndsTheWaitWithItsType() throws Exception {
        api = LocalRuntimeApi.start("things-api", List.of(EVENT_1));

        post("/2018-06-01/runtime/init/error", "{\"errorMessage\":\"no handler\"}", "Runtime.ClassNotFound");

        assertThatThrownBy(() -> api.awaitInvocations(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the function failed to initialize")
                .hasMessageContaining("Runtime.ClassNotFound");
    }

    @Test
    void nextWaitsAfterTheLastEventUntilClosed() throws Exception {
        api = LocalRuntimeApi.start("things-api", List.of(EVENT_1));
        get("/2018-06-01/runtime/invocation/next");

        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(request("/2018-06-01/runtime/invocation/next")
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThatThrownBy(() -> waiting.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        api.close();
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void waitingEndsWhenTheRuntimeClientsProcessExits() throws Exception {
        api = LocalRuntimeApi.start("things-api", List.of(EVENT_1));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process exited = new ProcessBuilder(java, "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        exited.waitFor();

        assertThatThrownBy(() -> api.awaitInvocations(exited, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the runtime client exited with status 0 after answering 0 of 1 events");
    }

    @Test
    void waitingTimesOutWithWhatWasAnswered() {
        api = LocalRuntimeApi.start("things-api", List.of(EVENT_1));

        assertThatThrownBy(() -> api.awaitInvocations(Duration.ofMillis(200)))
                .isInstanceOf(TimeoutException.class)
                .hasMessageStartingWith("the runtime client answered 0 of 1 events within 200 ms");
    }

    @Test
    void aFunctionNameLambdaWouldRefuseIsRefused() {
        assertThatThrownBy(() -> LocalRuntimeApi.start("things api", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'things api'");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://" + api.address() + path)).timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String errorType)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (errorType != null) {
            builder.header("Lambda-Runtime-Function-Error-Type", errorType);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String requestId(HttpResponse<String> next) {
        return next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
    }
}
