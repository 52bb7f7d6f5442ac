package dev.txfn.internal;

import dev.txfn.CredentialsSource;
import java.sql.SQLTransientConnectionException;

/**
 * The server kept refusing the password although the credentials source read it afresh, bypassing its caches,
 * after each refusal. Its message is the note {@code TransactionRunner} adds after the server's reason.
 */
final class RejectedAfterRereadException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    RejectedAfterRereadException(CredentialsSource source, int rereads, long budgetMillis,
            SQLTransientConnectionException cause) {
        super("still refused after the credentials were read afresh from " + source + ", bypassing its caches, "
                + rereads + (rereads == 1 ? " time" : " times") + " within " + budgetMillis + " ms",
                cause.getSQLState(), cause);
    }
}
