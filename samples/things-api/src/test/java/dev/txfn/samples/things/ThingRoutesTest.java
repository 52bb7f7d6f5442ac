package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txfn.Tx;
import dev.txfn.lambda.HttpProblem;
import dev.txfn.lambda.HttpRequest;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.testing.InMemoryDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The route functions, called directly with requests built in the test and a {@code Tx} over H2. */
class ThingRoutesTest {
    private InMemoryDatabase db;
    private Tx tx;

    @BeforeEach
    void createDatabase() {
        db = InMemoryDatabase.create("/h2/thing.sql");
        tx = db.tx();
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void createAnswers201WithLocationAndTheStoredThing() {
        HttpResponse response = ThingRoutes.create(new NewThing("lamp", "a desk lamp"), tx);

        assertThat(response.status()).isEqualTo(201);
        Thing thing = (Thing) response.body();
        assertThat(response.headers()).containsEntry("Location", "/things/" + thing.id());
        assertThat(thing.name()).isEqualTo("lamp");
        assertThat(thing.description()).isEqualTo("a desk lamp");
        assertThat(thing.createdAt()).isNotNull();
        assertThat(stored(thing.id())).isEqualTo(thing);
    }

    @Test
    void createWithoutDescriptionStoresNull() {
        Thing thing = (Thing) ThingRoutes.create(new NewThing("lamp", null), tx).body();

        assertThat(stored(thing.id()).description()).isNull();
    }

    @Test
    void createRejectsAnEmptyNameNamingTheField() {
        assertBadRequest(() -> ThingRoutes.create(new NewThing("", null), tx), "name");
        assertThat(count()).isZero();
    }

    @Test
    void createRejectsAMissingNameNamingTheField() {
        assertBadRequest(() -> ThingRoutes.create(new NewThing(null, "no name"), tx), "name");
        assertThat(count()).isZero();
    }

    @Test
    void createAcceptsA128CharacterNameAndRejects129() {
        ThingRoutes.create(new NewThing("n".repeat(128), null), tx);

        assertBadRequest(() -> ThingRoutes.create(new NewThing("n".repeat(129), null), tx), "name");
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void createAcceptsA2000CharacterDescriptionAndRejects2001() {
        ThingRoutes.create(new NewThing("lamp", "d".repeat(2000)), tx);

        assertBadRequest(() -> ThingRoutes.create(new NewThing("lamp", "d".repeat(2001)), tx), "description");
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void getAnswersTheThing() {
        Thing created = create("lamp");

        HttpResponse response = ThingRoutes.get(byId("GET", created.id()), tx);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(created);
    }

    @Test
    void getAnswers404ForAnUnknownId() {
        assertThatThrownBy(() -> ThingRoutes.get(byId("GET", 42), tx))
                .isInstanceOfSatisfying(HttpProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(404);
                    assertThat(p.detail()).isEqualTo("thing 42 not found");
                });
    }

    @Test
    void getRejectsAnIdThatIsNotANumberNamingIt() {
        HttpRequest request = HttpRequest.builder("GET", "/things/lamp").route("/things/{id}")
                .pathParam("id", "lamp").build();

        assertBadRequest(() -> ThingRoutes.get(request, tx), "id");
    }

    @Test
    void listPagesByAscendingIdWithTheNextCursor() {
        List<Long> ids = List.of(create("a").id(), create("b").id(), create("c").id(), create("d").id(),
                create("e").id());

        Page first = page(list("2", null));
        Page second = page(list("2", first.next().toString()));
        Page last = page(list("2", second.next().toString()));

        assertThat(first.items()).extracting(Thing::id).containsExactly(ids.get(0), ids.get(1));
        assertThat(first.next()).isEqualTo(ids.get(1));
        assertThat(second.items()).extracting(Thing::id).containsExactly(ids.get(2), ids.get(3));
        assertThat(second.next()).isEqualTo(ids.get(3));
        assertThat(last.items()).extracting(Thing::id).containsExactly(ids.get(4));
        assertThat(last.next()).isNull();
    }

    @Test
    void listOfExactlyOnePageHasNoNextCursor() {
        create("a");
        create("b");

        Page page = page(list("2", null));

        assertThat(page.items()).hasSize(2);
        assertThat(page.next()).isNull();
    }

    @Test
    void listAnswersAnEmptyPageWhenThereIsNothing() {
        Page page = page(list(null, null));

        assertThat(page.items()).isEmpty();
        assertThat(page.next()).isNull();
    }

    @Test
    void listDefaultsTo20Items() {
        for (int i = 0; i < 21; i++) {
            create("thing " + i);
        }

        Page page = page(list(null, null));

        assertThat(page.items()).hasSize(ThingRoutes.DEFAULT_LIMIT);
        assertThat(page.next()).isEqualTo(page.items().get(19).id());
    }

    @Test
    void listAcceptsLimitsFrom1To100() {
        create("a");

        assertThat(page(list("1", null)).items()).hasSize(1);
        assertThat(page(list("100", null)).items()).hasSize(1);
    }

    @Test
    void listRejectsALimitOutOfRangeNamingIt() {
        assertBadRequest(() -> ThingRoutes.list(list("0", null), tx), "limit");
        assertBadRequest(() -> ThingRoutes.list(list("101", null), tx), "limit");
        assertBadRequest(() -> ThingRoutes.list(list("-1", null), tx), "limit");
    }

    @Test
    void listRejectsParametersThatAreNotNumbersNamingThem() {
        assertBadRequest(() -> ThingRoutes.list(list("ten", null), tx), "limit");
        assertBadRequest(() -> ThingRoutes.list(list(null, "x"), tx), "after");
    }

    @Test
    void patchWithoutDescriptionLeavesItAsItIs() {
        Thing created = create("lamp", "a desk lamp");

        Thing patched = patched(created.id(), members("name", "big lamp"));

        assertThat(patched.name()).isEqualTo("big lamp");
        assertThat(patched.description()).isEqualTo("a desk lamp");
        assertThat(patched.createdAt()).isEqualTo(created.createdAt());
        assertThat(stored(created.id())).isEqualTo(patched);
    }

    @Test
    void patchWithNullDescriptionClearsIt() {
        Thing created = create("lamp", "a desk lamp");

        Thing patched = patched(created.id(), members("description", null));

        assertThat(patched.name()).isEqualTo("lamp");
        assertThat(patched.description()).isNull();
        assertThat(stored(created.id()).description()).isNull();
    }

    @Test
    void patchWithDescriptionReplacesItAndKeepsTheName() {
        Thing created = create("lamp", "a desk lamp");

        Thing patched = patched(created.id(), members("description", "a floor lamp"));

        assertThat(patched.name()).isEqualTo("lamp");
        assertThat(patched.description()).isEqualTo("a floor lamp");
    }

    @Test
    void patchWithNoMembersChangesNothing() {
        Thing created = create("lamp", "a desk lamp");

        assertThat(patched(created.id(), members())).isEqualTo(created);
    }

    @Test
    void patchRejectsAnEmptyOrNullNameNamingItAndChangesNothing() {
        Thing created = create("lamp", "a desk lamp");

        assertBadRequest(() -> patch(created.id(), members("name", "")), "name");
        assertBadRequest(() -> patch(created.id(), members("name", null)), "name");
        assertBadRequest(() -> patch(created.id(), members("name", "n".repeat(129))), "name");
        assertThat(stored(created.id())).isEqualTo(created);
    }

    @Test
    void patchRejectsADescriptionOver2000CharactersNamingIt() {
        Thing created = create("lamp", "a desk lamp");

        assertBadRequest(() -> patch(created.id(), members("description", "d".repeat(2001))), "description");
        assertThat(stored(created.id())).isEqualTo(created);
    }

    @Test
    void patchRejectsAnUnknownMemberNamingIt() {
        assertBadRequest(() -> ThingPatch.fromJson(members("colour", "red")), "colour");
    }

    @Test
    void patchAnswers404ForAnUnknownId() {
        assertThatThrownBy(() -> patch(42, members("name", "x")))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.status()).isEqualTo(404));
    }

    @Test
    void deleteAnswers204AndTheThingIsGone() {
        Thing created = create("lamp");

        HttpResponse response = ThingRoutes.delete(byId("DELETE", created.id()), tx);

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.body()).isNull();
        assertThat(count()).isZero();
        assertThatThrownBy(() -> ThingRoutes.get(byId("GET", created.id()), tx))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.status()).isEqualTo(404));
    }

    @Test
    void deleteAnswers404ForAnUnknownId() {
        create("lamp");

        assertThatThrownBy(() -> ThingRoutes.delete(byId("DELETE", 42), tx))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.status()).isEqualTo(404));
        assertThat(count()).isEqualTo(1);
    }

    private Thing create(String name) {
        return create(name, null);
    }

    private Thing create(String name, String description) {
        return (Thing) ThingRoutes.create(new NewThing(name, description), tx).body();
    }

    private HttpResponse patch(long id, Map<String, Object> members) {
        return ThingRoutes.patch(byId("PATCH", id), ThingPatch.fromJson(members), tx);
    }

    private Thing patched(long id, Map<String, Object> members) {
        HttpResponse response = patch(id, members);
        assertThat(response.status()).isEqualTo(200);
        return (Thing) response.body();
    }

    private Thing stored(long id) {
        return tx.readOnly(ThingStore.find(id)).orElseThrow();
    }

    private long count() {
        return tx.readOnly(h -> h.createQuery("select count(*) from thing").mapTo(Long.class).one());
    }

    private static HttpRequest byId(String method, long id) {
        return HttpRequest.builder(method, "/things/" + id).route("/things/{id}").pathParam("id", Long.toString(id))
                .build();
    }

    private static HttpRequest list(String limit, String after) {
        HttpRequest.Builder request = HttpRequest.builder("GET", "/things").route("/things");
        if (limit != null) {
            request.query("limit", limit);
        }
        if (after != null) {
            request.query("after", after);
        }
        return request.build();
    }

    private Page page(HttpRequest request) {
        HttpResponse response = ThingRoutes.list(request, tx);
        assertThat(response.status()).isEqualTo(200);
        return (Page) response.body();
    }

    /** A JSON object's members as the body decoder hands them to {@link ThingPatch#fromJson}; values may be null. */
    private static Map<String, Object> members(Object... namesAndValues) {
        Map<String, Object> members = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            members.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return members;
    }

    private static void assertBadRequest(Executable call, String field) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(HttpProblem.class, p -> {
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.extensions()).containsEntry("field", field);
            assertThat(p.detail()).contains(field);
        });
    }
}
