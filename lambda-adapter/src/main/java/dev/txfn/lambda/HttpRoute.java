package dev.txfn.lambda;

import dev.txfn.Tx;

/**
 * A route without a request body: a plain function of the request and the invocation's {@link Tx}, so it can be
 * unit-tested with an in-memory {@code Tx} and a request from {@link HttpRequest#builder(String, String)}.
 *
 * <pre>{@code
 * HttpRoute find = (req, tx) -> HttpResponse.ok(tx.readOnly(h -> things.find(h, req.pathLong("id")))
 *         .orElseThrow(() -> HttpProblem.notFound("thing " + req.pathParam("id") + " not found")));
 * }</pre>
 *
 * <p>The {@code Tx} passed in is bounded by the invocation's deadline; do all database work through it, in
 * callbacks. Throw {@link HttpProblem} to answer a client error; database failures and any other exception are
 * mapped to problem responses by the handler. Implementations are called concurrently only if the handler is,
 * which Lambda never does; keep them stateless anyway.
 */
@FunctionalInterface
public interface HttpRoute {

    /**
     * Handles one request.
     *
     * @param request the request
     * @param tx the invocation's transaction runner
     * @return the response
     * @throws Exception anything; an {@link HttpProblem} becomes its status, a {@link dev.txfn.TxException} the
     *     status documented on {@link HttpRoutes}, anything else a 500
     */
    HttpResponse handle(HttpRequest request, Tx tx) throws Exception;
}
