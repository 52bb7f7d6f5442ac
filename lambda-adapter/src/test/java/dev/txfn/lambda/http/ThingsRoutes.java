package dev.txfn.lambda.http;

import dev.txfn.ConnectionUnavailableException;
import dev.txfn.ReadOnlyServerException;
import dev.txfn.SerializationFailureException;
import dev.txfn.lambda.HttpProblem;
import dev.txfn.lambda.HttpRequest;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The things API used by the HTTP tests: a table of routes over a small schema. */
final class ThingsRoutes {
    static final int MAX_BODY_BYTES = 256;

    static final String SCHEMA = """
            create table if not exists http_owner (id bigint primary key, name text not null);
            create table if not exists http_thing (
                id bigserial primary key,
                name text not null constraint http_thing_name_key unique,
                owner_id bigint constraint http_thing_owner_fk references http_owner (id),
                qty int not null default 0 constraint http_thing_qty_check check (qty >= 0));
            """;

    static final String RESET = "truncate http_thing, http_owner restart identity;\n";

    static final String SEED = """
            insert into http_owner (id, name) values (1, 'ann');
            insert into http_thing (name, owner_id, qty) values ('first', 1, 5);
            """;

    record Thing(long id, String name, Long ownerId, int qty) {
    }

    record NewThing(String name, Long ownerId, int qty) {
    }

    record Echo(String method, String path, String route, Map<String, String> params,
            Map<String, List<String>> query, String custom, String contentType, String cookie,
            Map<String, String> cookies, String body) {
    }

    private ThingsRoutes() {
    }

    static HttpRoutes routes() {
        return HttpRoutes.builder()
                .get("/things", (req, tx) -> HttpResponse.ok(tx.readOnly(h -> list(h, req.queryInt("limit", 10)))))
                .get("/things/count", (req, tx) -> HttpResponse.ok(Map.of("count",
                        tx.readOnly(h -> h.createQuery("select count(*) from http_thing").mapTo(Long.class).one()))))
                .get("/things/{id}", (req, tx) -> HttpResponse.ok(tx.readOnly(h -> find(h, req.pathLong("id")))
                        .orElseThrow(() -> HttpProblem.notFound("thing " + req.pathParam("id") + " not found"))))
                .post("/things", NewThing.class, (req, body, tx) -> {
                    Thing t = tx.inTransaction(h -> insert(h, body));
                    return HttpResponse.created("/things/" + t.id(), t);
                })
                .put("/things/{id}", NewThing.class, (req, body, tx) -> HttpResponse.ok(tx.inTransaction(h -> {
                    h.createUpdate("update http_thing set name = :name, owner_id = :owner, qty = :qty where id = :id")
                            .bind("name", body.name()).bind("owner", body.ownerId()).bind("qty", body.qty())
                            .bind("id", req.pathLong("id")).execute();
                    return find(h, req.pathLong("id"));
                }).orElseThrow(() -> HttpProblem.notFound("thing " + req.pathParam("id") + " not found"))))
                .delete("/things/{id}", (req, tx) -> {
                    int deleted = tx.inTransaction(h -> h.createUpdate("delete from http_thing where id = :id")
                            .bind("id", req.pathLong("id")).execute());
                    if (deleted == 0) {
                        throw HttpProblem.notFound("thing " + req.pathParam("id") + " not found");
                    }
                    return HttpResponse.noContent();
                })
                .delete("/owners/{id}", (req, tx) -> {
                    tx.useTransaction(h -> h.execute("delete from http_owner where id = ?", req.pathLong("id")));
                    return HttpResponse.noContent();
                })
                .get("/echo/{word}", ThingsRoutes::echo)
                .get("/cookies", (req, tx) -> HttpResponse.noContent()
                        .withCookie("session=abc; Path=/; HttpOnly").withCookie("theme=dark"))
                .post("/echo/{word}", ThingsRoutes::echo)
                .get("/slow", (req, tx) -> {
                    tx.useTransaction(h -> h.execute("select pg_sleep(10)"));
                    return HttpResponse.noContent();
                })
                .get("/broken", (req, tx) -> HttpResponse.ok(tx.readOnly(h -> h.createQuery(
                        "select secret from no_such_table where password = 'hunter2'").mapTo(String.class).one())))
                .get("/contended", (req, tx) -> {
                    throw new SerializationFailureException("could not serialize access (simulated)", null);
                })
                .get("/read-only-server", (req, tx) -> {
                    throw new ReadOnlyServerException("the server is read-only (simulated)", 3, null);
                })
                .get("/unavailable", (req, tx) -> {
                    throw new ConnectionUnavailableException("pool exhausted (simulated)", null, null);
                })
                .get("/leak", (req, tx) -> {
                    tx.useTransaction(h -> {
                        Handle leaked = h.getJdbi().open(); // bypasses Tx: never closed
                        leaked.begin();
                        leaked.execute("select 1");
                    });
                    return HttpResponse.ok(Map.of("leaked", true));
                })
                .maxBodyBytes(MAX_BODY_BYTES)
                .build();
    }

    static HttpResponse echo(HttpRequest req, dev.txfn.Tx tx) {
        return HttpResponse.ok(new Echo(req.method(), req.path(), req.route(), req.pathParams(), req.queryParams(),
                req.header("X-Custom").orElse(null), req.contentType().orElse(null), req.header("Cookie").orElse(null),
                req.cookies(), req.body()))
                .withHeader("X-Echo", req.pathParam("word"));
    }

    static List<Thing> list(Handle h, int limit) {
        return h.createQuery("select id, name, owner_id, qty from http_thing order by id limit :limit")
                .bind("limit", limit).mapTo(Thing.class).list();
    }

    static Optional<Thing> find(Handle h, long id) {
        return h.createQuery("select id, name, owner_id, qty from http_thing where id = :id")
                .bind("id", id).mapTo(Thing.class).findOne();
    }

    static Thing insert(Handle h, NewThing body) {
        long id = h.createUpdate("insert into http_thing (name, owner_id, qty) values (:name, :owner, :qty)")
                .bind("name", body.name()).bind("owner", body.ownerId()).bind("qty", body.qty())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        return find(h, id).orElseThrow();
    }
}
