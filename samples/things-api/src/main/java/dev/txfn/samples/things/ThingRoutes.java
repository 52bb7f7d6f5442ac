package dev.txfn.samples.things;

import dev.txfn.lambda.HttpIdempotency;
import dev.txfn.lambda.HttpProblem;
import dev.txfn.lambda.HttpRequest;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;
import dev.txfn.Tx;
import org.jdbi.v3.core.Handle;

/**
 * The things API as a table of routes. Each route is a plain function of the request and a {@code Tx} (or, for
 * the writes, of the request and the handle of the one transaction they run in), so it can be unit-tested with
 * an in-memory database; all database work goes through the {@code Tx}. {@code POST} and {@code PATCH} accept an
 * {@code Idempotency-Key}: a client that retries with the same key gets the original response, and the write
 * happens once.
 */
public final class ThingRoutes {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final HttpIdempotency IDEMPOTENT = HttpIdempotency.optional();

    private ThingRoutes() {
    }

    /** The routes. */
    public static HttpRoutes routes() {
        return HttpRoutes.builder()
                .post("/things", NewThing.class, IDEMPOTENT.route((req, body, h) -> create(body, h)))
                .get("/things/{id}", ThingRoutes::get)
                .get("/things", ThingRoutes::list)
                .patch("/things/{id}", ThingPatch.class, IDEMPOTENT.route((req, body, h) -> patch(req, body, h)))
                .delete("/things/{id}", ThingRoutes::delete)
                .maxBodyBytes(16 * 1024)
                .build();
    }

    static HttpResponse create(NewThing body, Tx tx) {
        return tx.inTransaction(h -> create(body, h));
    }

    static HttpResponse create(NewThing body, Handle h) {
        Thing thing = ThingStore.insert(body.validated()).withHandle(h);
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
        return tx.inTransaction(h -> patch(req, body, h));
    }

    static HttpResponse patch(HttpRequest req, ThingPatch body, Handle h) {
        long id = req.pathLong("id");
        ThingPatch patch = body.validated();
        return HttpResponse.ok(ThingStore.update(id, patch).withHandle(h).orElseThrow(() -> notFound(id)));
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
