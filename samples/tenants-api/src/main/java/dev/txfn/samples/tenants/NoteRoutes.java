package dev.txfn.samples.tenants;

import dev.txfn.Tx;
import dev.txfn.lambda.ClaimSetting;
import dev.txfn.lambda.HttpProblem;
import dev.txfn.lambda.HttpRequest;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;

/**
 * The notes API as a table of routes. The claim {@code tenant_id} of the caller's token becomes
 * {@code SET LOCAL app.tenant_id} of every transaction ({@link #TENANT}); a request without a valid one is
 * answered 401 before any database work. The routes never mention the tenant: a note of another tenant is
 * invisible to row-level security, so asking for it is a 404, exactly like a note that never existed.
 */
public final class NoteRoutes {
    /** The claim, the setting the RLS policy reads, and the shape of a tenant id. */
    public static final ClaimSetting TENANT =
            ClaimSetting.required("tenant_id", "app.tenant_id").matching("[a-z0-9][a-z0-9-]{0,62}");
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private NoteRoutes() {
    }

    /**
     * The routes.
     *
     * @return the routes, with the tenant claim setting
     */
    public static HttpRoutes routes() {
        return HttpRoutes.builder()
                .claimSetting(TENANT)
                .post("/notes", NewNote.class, (req, body, tx) -> create(body, tx))
                .get("/notes/{id}", NoteRoutes::get)
                .get("/notes", NoteRoutes::list)
                .patch("/notes/{id}", NotePatch.class, NoteRoutes::patch)
                .delete("/notes/{id}", NoteRoutes::delete)
                .maxBodyBytes(32 * 1024)
                .build();
    }

    static HttpResponse create(NewNote body, Tx tx) {
        Note note = tx.inTransaction(NoteStore.insert(body.validated()));
        return HttpResponse.created("/notes/" + note.id(), note);
    }

    static HttpResponse get(HttpRequest req, Tx tx) {
        long id = req.pathLong("id");
        return HttpResponse.ok(tx.readOnly(NoteStore.find(id)).orElseThrow(() -> notFound(id)));
    }

    static HttpResponse list(HttpRequest req, Tx tx) {
        int limit = req.queryInt("limit", DEFAULT_LIMIT);
        long after = req.queryLong("after", 0);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw HttpProblem.badRequest("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        return HttpResponse.ok(tx.readOnly(NoteStore.page(after, limit)));
    }

    static HttpResponse patch(HttpRequest req, NotePatch body, Tx tx) {
        long id = req.pathLong("id");
        NotePatch patch = body.validated();
        return HttpResponse.ok(tx.inTransaction(NoteStore.update(id, patch)).orElseThrow(() -> notFound(id)));
    }

    static HttpResponse delete(HttpRequest req, Tx tx) {
        long id = req.pathLong("id");
        if (!tx.inTransaction(NoteStore.delete(id))) {
            throw notFound(id);
        }
        return HttpResponse.noContent();
    }

    private static HttpProblem notFound(long id) {
        return HttpProblem.notFound("note " + id + " not found");
    }
}
