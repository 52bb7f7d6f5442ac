package dev.txfn.lambda.internal;

/**
 * Reads the outcome string an invocation ends with ({@code 200}, {@code 9/10 ok}, {@code ok},
 * {@code error: java.lang.IllegalStateException}, {@code unsettled}) for the invocation span. Stateless.
 */
final class InvocationOutcome {
    private InvocationOutcome() {
    }

    /**
     * The HTTP status an HTTP invocation answered: the outcome's number, or 500 when the invocation did not
     * settle (the dispatcher then answers 500 whatever the route returned).
     *
     * @param outcome the outcome
     * @param settled whether the invocation settled
     * @return the status, or {@code null} when no response was made
     */
    static Integer httpStatus(String outcome, boolean settled) {
        if (!settled) {
            return 500;
        }
        try {
            int status = Integer.parseInt(outcome);
            return status >= 100 && status <= 599 ? status : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The {@code error.type} of a failed outcome: the exception class after {@code "error: "}, else
     * {@code _OTHER} (the semantic conventions' value for an unknown type).
     *
     * @param outcome an outcome starting with {@code error}
     * @return the type
     */
    static String errorType(String outcome) {
        String prefix = "error: ";
        return outcome.startsWith(prefix) && outcome.length() > prefix.length()
                ? outcome.substring(prefix.length()) : "_OTHER";
    }
}
