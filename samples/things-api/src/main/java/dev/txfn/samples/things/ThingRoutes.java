package dev.txfn.samples.things;

import dev.txfn.lambda.HttpProblem;
import dev.txfn.lambda.HttpRequest;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;
import dev.txfn.Tx;

/**
 * The things API as a table of routes. Each route is a plain function of the request and a {@code Tx}, so it
 * can be unit-tested with an in-memory database; all database work goes through the {@code Tx}.
 */
public final class ThingRoutes {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private ThingRoutes() {
    }

    /** The routes. */
    public static HttpRoutes routes() {
        return HttpRoutes.builder()
                .post("/things", NewThing.class, (req, body, tx) -> create(body, tx))
                .get("/things/{id}", ThingRoutes::get)
                .get("/things", ThingRoutes::list)
                .patch("/things/{id}", ThingPatch.class, (req, body, tx) -> patch(req, body, tx))
                .delete("/things/{id}", ThingRoutes::delete)
                .maxBodyBytes(16 * 1024)
                .build();
    }

    static HttpResponse create(NewThing body, Tx tx) {
        Thing thing = tx.inTransaction(ThingStore.insert(body.validated()));
        return HttpResponse.created("/things/" + thing.id(), thing);
    }

    static HttpResponse get(HttpRequest req, Tx tx) {
        long id = req.pathLong("id");
        return HttpResponse.ok(tx.readOnly(ThingStore.find(id)).orElseThrow(() -> notFound(id)));
    }

    static HttpResponse list(HttpRequest req, Tx tx) {
        int limit = req.queryInt("limit", DEFAULT_LIMIT);
        long after = req.queryLong("after", 0);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw HttpProblem.badRequest("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        return HttpResponse.ok(tx.readOnly(ThingStore.page(after, limit)));
    }

    static HttpResponse patch(HttpRequest req, ThingPatch body, Tx tx) {
        long id = req.pathLong("id");
        ThingPatch patch = body.validated();
        return HttpResponse.ok(tx.inTransaction(ThingStore.update(id, patch)).orElseThrow(() -> notFound(id)));
    }

    static HttpResponse delete(HttpRequest req, Tx tx) {
        long id = req.pathLong("id");
        if (!tx.inTransaction(ThingStore.delete(id))) {
            throw notFound(id);
        }
        return HttpResponse.noContent();
    }

    private static HttpProblem notFound(long id) {
        return HttpProblem.notFound("thing " + id + " not found");
    }
}
