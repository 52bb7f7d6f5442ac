package dev.txfn.lambda;

import dev.txfn.Tx;

/**
 * A route that takes a JSON request body decoded to {@code B} (typically a record) before the route runs: a
 * malformed, wrong-typed, oversize or non-JSON body, or body bytes not valid in their declared charset, is
 * answered 400, 413 or 415 without calling the route, so without any database work.
 *
 * <pre>{@code
 * HttpBodyRoute<NewThing> create = (req, body, tx) -> {
 *     Thing t = tx.inTransaction(h -> things.insert(h, body));
 *     return HttpResponse.created("/things/" + t.id(), t);
 * };
 * }</pre>
 *
 * <p>See {@link HttpRoute} for the {@code Tx} and error handling. Keep implementations stateless.
 *
 * @param <B> the body type
 */
@FunctionalInterface
public interface HttpBodyRoute<B> {

    /**
     * Handles one request.
     *
     * @param request the request, whose raw body is still available
     * @param body the decoded body, never {@code null}
     * @param tx the invocation's transaction runner
     * @return the response
     * @throws Exception anything; mapped as for {@link HttpRoute#handle(HttpRequest, Tx)}
     */
    HttpResponse handle(HttpRequest request, B body, Tx tx) throws Exception;
}
