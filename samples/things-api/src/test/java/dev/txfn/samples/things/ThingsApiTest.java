package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txfn.lambda.LambdaEvents;
import dev.txfn.lambda.LocalContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ThingsApi} through the Lambda contract, against real PostgreSQL: the handler class Lambda loads, HTTP
 * API (payload 2.0) events decoded from fixtures exactly as the Lambda runtime decodes them, and a local
 * {@code Context}. After every test the application must be settled: no transaction open, no connection
 * checked out, no session idle in transaction.
 */
class ThingsApiTest extends MigratedDatabaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private ThingsApi api;

    @BeforeEach
    void emptyTables() {
        db.reset();
        api = new ThingsApi(db.resources());
    }

    @Test
    void createsReadsListsPatchesAndDeletesAThing() throws Exception {
        APIGatewayV2HTTPResponse created = call("create-thing.json");
        assertThat(created.getStatusCode()).isEqualTo(201);
        assertThat(created.getHeaders()).containsEntry("Location", "/things/1");
        JsonNode thing = body(created);
        assertThat(thing.get("id").asLong()).isEqualTo(1);
        assertThat(thing.get("name").asText()).isEqualTo("lamp");
        assertThat(thing.get("description").asText()).isEqualTo("a desk lamp");
        assertThat(thing.get("createdAt").asText()).isNotEmpty();

        APIGatewayV2HTTPResponse read = call("get-thing-1.json");
        assertThat(read.getStatusCode()).isEqualTo(200);
        assertThat(body(read)).isEqualTo(thing);

        assertThat(call("create-thing.json").getHeaders()).containsEntry("Location", "/things/2");
        JsonNode first = body(call("list-things-limit-1.json"));
        assertThat(first.get("items")).hasSize(1);
        assertThat(first.get("items").get(0)).isEqualTo(thing);
        assertThat(first.get("next").asLong()).isEqualTo(1);
        JsonNode second = body(call("list-things-limit-1-after-1.json"));
        assertThat(second.get("items").get(0).get("id").asLong()).isEqualTo(2);
        assertThat(second.get("next").isNull()).isTrue();

        APIGatewayV2HTTPResponse patched = call("patch-thing-1-clear-description.json");
        assertThat(patched.getStatusCode()).isEqualTo(200);
        assertThat(body(patched).get("name").asText()).isEqualTo("lamp");
        assertThat(body(patched).get("description").isNull()).isTrue();
        assertThat(db.queryLong("select count(*) from thing where id = 1 and description is null")).isEqualTo(1);

        APIGatewayV2HTTPResponse deleted = call("delete-thing-1.json");
        assertThat(deleted.getStatusCode()).isEqualTo(204);
        assertThat(deleted.getBody()).isNullOrEmpty();
        assertThat(db.queryLong("select count(*) from thing")).isEqualTo(1);
    }

    @Test
    void answers404AsAProblemForAThingThatDoesNotExist() throws Exception {
        APIGatewayV2HTTPResponse response = call("get-thing-1.json");

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(response.getHeaders().get("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = body(response);
        assertThat(problem.get("status").asInt()).isEqualTo(404);
        assertThat(problem.get("detail").asText()).isEqualTo("thing 1 not found");
        assertThat(problem.get("instance").asText()).isEqualTo("/things/1");
    }

    @Test
    void answers404ForPatchAndDeleteOfAThingThatDoesNotExist() {
        assertThat(call("patch-thing-1-clear-description.json").getStatusCode()).isEqualTo(404);
        assertThat(call("delete-thing-1.json").getStatusCode()).isEqualTo(404);
    }

    @Test
    void answers400NamingTheFieldAndWritesNothingForAnEmptyName() throws Exception {
        APIGatewayV2HTTPResponse response = call("create-thing-empty-name.json");

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).get("field").asText()).isEqualTo("name");
        assertThat(db.queryLong("select count(*) from thing")).isZero();
    }

    @Test
    void answers400NamingTheQueryParameterForALimitOutOfRange() throws Exception {
        APIGatewayV2HTTPResponse response = call("list-things-limit-0.json");

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).get("field").asText()).isEqualTo("limit");
    }

    @Test
    void answers400NamingAnUnknownMemberOfAPatch() throws Exception {
        call("create-thing.json");

        APIGatewayV2HTTPResponse response = call("patch-thing-1-unknown-member.json");

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).get("field").asText()).isEqualTo("colour");
    }

    @Test
    void answers413AndWritesNothingForABodyOver16KiB() throws Exception {
        APIGatewayV2HTTPResponse response = call("create-thing-oversized.json");

        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(body(response).get("status").asInt()).isEqualTo(413);
        assertThat(db.queryLong("select count(*) from thing")).isZero();
    }

    @Test
    void aCreateRetriedWithItsIdempotencyKeyHappensOnceAndAnswersTheSame() throws Exception {
        APIGatewayV2HTTPResponse first = call(withKey("create-thing.json", "order-7f3a"));
        APIGatewayV2HTTPResponse retried = call(withKey("create-thing.json", "order-7f3a"));

        assertThat(first.getStatusCode()).isEqualTo(201);
        assertThat(retried.getStatusCode()).isEqualTo(201);
        assertThat(retried.getBody()).isEqualTo(first.getBody());
        assertThat(retried.getHeaders()).containsEntry("Location", "/things/1")
                .containsEntry("Idempotent-Replayed", "true");
        assertThat(db.queryLong("select count(*) from thing")).isEqualTo(1);
    }

    @Test
    void anIdempotencyKeyReusedForAnotherPatchIs422() throws Exception {
        call("create-thing.json");
        call(withKey("patch-thing-1-clear-description.json", "patch-1"));

        APIGatewayV2HTTPEvent other = withKey("patch-thing-1-clear-description.json", "patch-1");
        other.setBody("{\"name\":\"renamed\"}");
        APIGatewayV2HTTPResponse response = api.handleRequest(other, LocalContext.create());

        assertThat(response.getStatusCode()).isEqualTo(422);
        assertThat(db.queryLong("select count(*) from thing where name = 'renamed'")).isZero();
    }

    private APIGatewayV2HTTPEvent withKey(String fixture, String key) {
        APIGatewayV2HTTPEvent event = LambdaEvents.fromResource("events/http/" + fixture, APIGatewayV2HTTPEvent.class);
        event.getHeaders().put("idempotency-key", key);
        return event;
    }

    private APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return api.handleRequest(event, LocalContext.create());
    }

    private APIGatewayV2HTTPResponse call(String fixture) {
        APIGatewayV2HTTPEvent event = LambdaEvents.fromResource("events/http/" + fixture, APIGatewayV2HTTPEvent.class);
        return api.handleRequest(event, LocalContext.create());
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) throws JsonProcessingException {
        assertThat(response.getIsBase64Encoded()).isFalse();
        return JSON.readTree(response.getBody());
    }
}
