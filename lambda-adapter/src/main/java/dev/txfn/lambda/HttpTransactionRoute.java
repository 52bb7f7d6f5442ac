package dev.txfn.lambda;

import org.jdbi.v3.core.Handle;

/**
 * A route whose whole work is one read-write transaction, which also produces the response: what
 * {@link HttpIdempotency} needs to store the response in the same transaction as the work.
 *
 * <pre>{@code
 * HttpRoute delete = HttpIdempotency.optional().route((req, h) -> {
 *     things.delete(h, req.pathLong("id"));
 *     return HttpResponse.noContent();
 * });
 * }</pre>
 *
 * <p>Throwing (an {@link HttpProblem} included) rolls the transaction back; the failure is answered as for
 * {@link HttpRoute}. Keep implementations stateless.
 */
@FunctionalInterface
public interface HttpTransactionRoute {

    /**
     * Handles one request inside its transaction.
     *
     * @param request the request
     * @param handle the transaction's handle
     * @return the response; its body is encoded before the transaction commits
     * @throws Exception anything; the transaction is rolled back
     */
    HttpResponse handle(HttpRequest request, Handle handle) throws Exception;
}
