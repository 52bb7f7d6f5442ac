package dev.txfn.lambda;

import org.jdbi.v3.core.Handle;

/**
 * A route with a JSON body whose whole work is one read-write transaction, which also produces the response:
 * what {@link HttpIdempotency} needs to store the response in the same transaction as the work.
 *
 * <pre>{@code
 * HttpBodyRoute<NewThing> create = HttpIdempotency.optional().route((req, body, h) -> {
 *     Thing t = things.insert(h, body);
 *     return HttpResponse.created("/things/" + t.id(), t);
 * });
 * }</pre>
 *
 * <p>Throwing (an {@link HttpProblem} included) rolls the transaction back; the failure is answered as for
 * {@link HttpRoute}. Keep implementations stateless.
 *
 * @param <B> the body type
 */
@FunctionalInterface
public interface HttpTransactionBodyRoute<B> {

    /**
     * Handles one request inside its transaction.
     *
     * @param request the request
     * @param body the decoded body, never {@code null}
     * @param handle the transaction's handle
     * @return the response; its body is encoded before the transaction commits
     * @throws Exception anything; the transaction is rolled back
     */
    HttpResponse handle(HttpRequest request, B body, Handle handle) throws Exception;
}
