package dev.txfn;

/**
 * Why a transaction was run again, as counted by {@link TxMetrics#retries(RetryCause)}. A fixed, small set, so
 * that metric names and tags built from it stay bounded.
 */
public enum RetryCause {
    /** SQLSTATE 40001: a serializable or repeatable-read transaction lost a conflict. */
    SERIALIZATION_FAILURE("serialization_failure"),
    /** SQLSTATE 40P01: the server broke a deadlock by aborting this transaction. */
    DEADLOCK("deadlock"),
    /** The connection was found dead before any statement completed (a stale pooled connection). */
    CONNECTION_LOST("connection_lost"),
    /** A write was refused with 25006 by a server that is read-only (a failover in progress). */
    READ_ONLY_SERVER("read_only_server"),
    /** Any other failure marked {@linkplain TxException#isTransient() transient}. */
    OTHER("other");

    /** How many links of a cause chain are looked at. */
    private static final int MAX_CAUSES = 32;

    private final String label;

    RetryCause(String label) {
        this.label = label;
    }

    /**
     * The cause as a metric tag value or name part: lower case with underscores, e.g.
     * {@code serialization_failure}.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * The cause of a retry after {@code failure}, the failure that ended the previous attempt.
     *
     * @param failure what ended the attempt, possibly the callback's own exception wrapping a database failure
     * @return the cause, {@link #OTHER} when none of the named ones
     */
    public static RetryCause of(Throwable failure) {
        int depth = 0; // bounded: a cause chain can be a cycle longer than one
        for (Throwable t = failure; t != null && depth++ < MAX_CAUSES; t = t.getCause()) {
            if (t instanceof SerializationFailureException) {
                return SERIALIZATION_FAILURE;
            }
            if (t instanceof DeadlockException) {
                return DEADLOCK;
            }
            if (t instanceof ConnectionLostException) {
                return CONNECTION_LOST;
            }
            if (t instanceof ReadOnlyServerException) {
                return READ_ONLY_SERVER;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return ofSqlState(sql.getSQLState());
            }
        }
        return OTHER;
    }

    private static RetryCause ofSqlState(String state) {
        switch (state) {
            case "40001":
                return SERIALIZATION_FAILURE;
            case "40P01":
                return DEADLOCK;
            case "25006":
                return READ_ONLY_SERVER;
            default:
                return state.startsWith("08") || state.startsWith("57P0") ? CONNECTION_LOST : OTHER;
        }
    }
}
