package dev.txfn.internal;

import java.sql.Connection;
import java.time.Duration;

/**
 * The trace of one transaction, all attempts included: its span is current on the transaction's thread from
 * {@link Tracing#begin} to {@link #end}, and each statement's span is its child. Names no OpenTelemetry class.
 * Confined to the thread running the transaction.
 */
public interface TransactionTrace {
    /** Records nothing, costs nothing. */
    TransactionTrace NONE = new TransactionTrace() {
    };

    /**
     * Whether spans are recorded; when not, statements are not wrapped at all.
     *
     * @return {@code true} for a recording span
     */
    default boolean recording() {
        return false;
    }

    /**
     * An attempt began.
     *
     * @param number 1 for the first attempt
     */
    default void attemptBegan(int number) {
    }

    /**
     * A failed attempt is about to be re-run.
     *
     * @param number the attempt that failed
     * @param cause why it failed
     * @param backoff the wait before the next attempt
     */
    default void retrying(int number, Throwable cause, Duration backoff) {
    }

    /** An attempt committed. */
    default void committed() {
    }

    /**
     * Starts the span of one statement execution, a child of the transaction's.
     *
     * @param sql the statement's text as the application wrote it (sanitized before it is recorded)
     * @param connection the pool's connection it runs on (the server's address is read from it, no round trip)
     * @param batchSize the number of statements in a batch, or 0 for a single execution
     * @return the statement's span
     */
    default StatementTrace statement(String sql, Connection connection, int batchSize) {
        return StatementTrace.NONE;
    }

    /**
     * Ends the transaction's span and makes the previous context current again.
     *
     * @param failure what the caller is thrown, or {@code null} when the transaction committed and returned
     */
    default void end(Throwable failure) {
    }

    /** The span of one statement execution. */
    interface StatementTrace {
        /** Records nothing. */
        StatementTrace NONE = new StatementTrace() {
        };

        /**
         * The statement failed; called before {@link #end()}.
         *
         * @param failure the failure (only its SQLSTATE or class is recorded, never its message)
         */
        default void failed(Throwable failure) {
        }

        /** The statement completed or failed. */
        default void end() {
        }
    }
}
