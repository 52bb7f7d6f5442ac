/**
 * Lambda invocation wrappers over txfn's {@link dev.txfn.Tx} that verify every invocation ends settled.
 *
 * <p>A handler is a class Lambda can load, built once per container from small functions:
 *
 * <pre>{@code
 * public final class ThingsApi extends HttpApiHandler {
 *     public ThingsApi() {
 *         super(LambdaResources.fromEnv(), HttpRoutes.builder()
 *                 .get("/things/{id}", (req, tx) -> HttpResponse.ok(tx.readOnly(things.find(req.pathLong("id")))
 *                         .orElseThrow(() -> HttpProblem.notFound("no thing " + req.pathParam("id")))))
 *                 .post("/things", NewThing.class, (req, body, tx) -> {
 *                     Thing t = tx.inTransaction(things.insert(body));
 *                     return HttpResponse.created("/things/" + t.id(), t);
 *                 })
 *                 .build());
 *     }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.txfn.lambda.HttpApiHandler} (API Gateway HTTP API, v2) and
 *       {@link dev.txfn.lambda.RestApiHandler} (REST API, v1) serve one {@link dev.txfn.lambda.HttpRoutes}
 *       table, answering errors as RFC 9457 problems;
 *   <li>{@link dev.txfn.lambda.SqsHandler} runs each message in its own transaction, records its idempotency
 *       key in that same transaction and reports failures as a partial batch response;
 *   <li>{@link dev.txfn.lambda.EventHandler} gives any other event the same lifecycle.
 * </ul>
 *
 * <p>Every invocation: the {@code Tx} handed to the function has a deadline of the remaining time less a margin
 * ({@link dev.txfn.lambda.InvocationSettings#withDeadlineMargin}), so the server cancels a slow statement
 * before Lambda kills the function; afterwards {@link dev.txfn.Tx#settle()} verifies that no connection is
 * checked out and no transaction is open, repairing, logging and failing the invocation otherwise; one
 * structured log line (and optionally a CloudWatch EMF line) records it. With OpenTelemetry on the class path
 * (an optional dependency: nothing of it is loaded otherwise) the invocation is also one span with the FaaS
 * semantic conventions, continuing the trace Lambda hands over or the request's {@code traceparent}, current
 * while the function runs; {@link dev.txfn.lambda.InvocationSettings#withTelemetryFlush} exports it before the
 * handler returns. {@link dev.txfn.lambda.SnapStart} closes
 * pooled connections before a snapshot. For local runs and tests: {@link dev.txfn.lambda.LocalContext},
 * {@link dev.txfn.lambda.LambdaEvents}, {@link dev.txfn.lambda.LocalHttpServer}.
 */
package dev.txfn.lambda;
