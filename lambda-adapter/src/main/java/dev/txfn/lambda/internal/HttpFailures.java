package dev.txfn.lambda.internal;

import dev.txfn.CheckViolationException;
import dev.txfn.CommitOutcomeUnknownException;
import dev.txfn.ConnectionLostException;
import dev.txfn.ConnectionUnavailableException;
import dev.txfn.ConstraintViolationException;
import dev.txfn.DeadlineExceededException;
import dev.txfn.ForeignKeyViolationException;
import dev.txfn.NotNullViolationException;
import dev.txfn.ReadOnlyServerException;
import dev.txfn.TxException;
import dev.txfn.UniqueViolationException;
import dev.txfn.lambda.HttpProblem;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps what a route threw to the problem the client sees. Details are fixed sentences: nothing from the
 * exception's message (which may hold SQL, key values or a server message) reaches the client, only the
 * constraint name the schema gave. Stateless.
 */
final class HttpFailures {
    static final String PROBLEM_JSON = "application/problem+json";
    /** The problem type of a write whose COMMIT may or may not have happened. */
    static final String COMMIT_OUTCOME_UNKNOWN = "https://txfn.dev/problems/commit-outcome-unknown";

    private HttpFailures() {
    }

    /** The problem for a failure that is not an {@link HttpProblem}. */
    static HttpProblem toProblem(Throwable failure, String requestId) {
        if (failure instanceof HttpProblem problem) {
            return problem;
        }
        if (failure instanceof UniqueViolationException e) {
            return withConstraint(HttpProblem.conflict("the request conflicts with an existing resource"), e);
        }
        if (failure instanceof ForeignKeyViolationException e) {
            return withConstraint(HttpProblem.unprocessable("the request refers to a resource that does not exist,"
                    + " or removes one that is still referred to"), e);
        }
        if (failure instanceof CheckViolationException e) {
            return withConstraint(HttpProblem.unprocessable("a value is outside what is allowed"), e);
        }
        if (failure instanceof NotNullViolationException e) {
            return withConstraint(HttpProblem.unprocessable("a required value is missing"), e);
        }
        if (failure instanceof DeadlineExceededException) {
            return HttpProblem.of(504, "Gateway Timeout", "the request did not complete in the time allowed");
        }
        if (failure instanceof CommitOutcomeUnknownException) {
            return HttpProblem.of(503, "Service Unavailable", "the connection to the database failed while the"
                    + " change was being committed, so it may or may not have been made; retry with the same "
                    + "Idempotency-Key to get the original result, or check before retrying without one")
                    .withType(COMMIT_OUTCOME_UNKNOWN).withHeader("Retry-After", "1");
        }
        if (failure instanceof ConnectionUnavailableException || failure instanceof ConnectionLostException
                || failure instanceof ReadOnlyServerException) {
            return HttpProblem.of(503, "Service Unavailable", "the database is unavailable; retry later")
                    .withHeader("Retry-After", "1");
        }
        if (failure instanceof TxException e && e.isTransient()) {
            return HttpProblem.of(503, "Service Unavailable",
                    "the request conflicted with concurrent work and could not complete; retry it")
                    .withHeader("Retry-After", "1");
        }
        return internalError(requestId);
    }

    /** The generic 500: nothing about the cause, only the id to quote. */
    static HttpProblem internalError(String requestId) {
        return HttpProblem.of(500, "Internal Server Error",
                "an internal error occurred; quote request id " + requestId + " when reporting it");
    }

    /** The problem document, in RFC 9457 member order, then requestId, then the extensions. */
    static Map<String, Object> body(HttpProblem problem, String instance, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.type());
        body.put("title", problem.title());
        body.put("status", problem.status());
        if (problem.detail() != null) {
            body.put("detail", problem.detail());
        }
        body.put("instance", instance);
        body.put("requestId", requestId);
        body.putAll(problem.extensions());
        return body;
    }

    private static HttpProblem withConstraint(HttpProblem problem, ConstraintViolationException e) {
        HttpProblem result = problem;
        if (e.constraint() != null) {
            result = result.withExtension("constraint", e.constraint());
        }
        if (e instanceof NotNullViolationException && e.column() != null) {
            result = result.withExtension("field", e.column());
        }
        return result;
    }
}
