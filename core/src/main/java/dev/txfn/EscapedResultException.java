package dev.txfn;

import java.util.Objects;

/**
 * The callback's result holds, somewhere inside it, a value txfn must not let out of the transaction: one
 * still bound to the transaction or lazily evaluated (a {@code Handle}, {@code Connection}, {@code ResultSet},
 * JDBC {@code Blob}, {@code Clob} or {@code Array}, a Jdbi {@code ResultIterable}, a {@code Stream}, an
 * {@code Iterator}, a non-collection {@code Iterable} or any {@code AutoCloseable}), or a collection, map or map
 * entry that txfn cannot look into without running its code (one from outside the JDK, such as a Guava view or
 * an {@code AbstractList} of your own, or a JDK wrapper of one, such as {@code Collections.unmodifiableList}).
 * Using a lazy value after the transaction ended would fail or silently open a new transaction, so txfn rolls
 * back and raises this instead; {@link #reason()} says which case it is. Materialize the value inside the
 * callback ({@code .list()}, {@code .one()}, {@code blob.getBytes(...)}) or copy it into a JDK collection
 * ({@code List.copyOf}, {@code Map.copyOf}).
 *
 * <p>Instances are immutable once thrown and safe to share between threads.
 */
public final class EscapedResultException extends TxException {
    private static final long serialVersionUID = 1L;
    /** Paths longer than this are shortened in the message (never in {@link #path()}). */
    private static final int MESSAGE_PATH_LIMIT = 200;

    /** Why a value was not let out of the transaction. */
    public enum Reason {
        /** The value is bound to the transaction's handle or connection, or evaluated lazily. */
        LAZY_OR_HANDLE_BOUND,
        /**
         * The value is a {@code Collection}, {@code Map} or {@code Map.Entry} that is not one of the JDK's own
         * implementations holding its elements itself; it may be a lazy view, and was refused without running
         * any of its code.
         */
        UNCHECKABLE_CONTAINER
    }

    private final String path;
    private final String valueType;
    private final Reason reason;

    /**
     * Creates the failure for a lazy or handle-bound value.
     *
     * @param path where the value was found, e.g. {@code result.items[3].owner}
     * @param valueType the offending value's class name
     */
    public EscapedResultException(String path, String valueType) {
        this(path, valueType, Reason.LAZY_OR_HANDLE_BOUND);
    }

    /**
     * Creates the failure.
     *
     * @param path where the value was found, e.g. {@code result.items[3].owner}
     * @param valueType the offending value's class name
     * @param reason why the value was refused
     * @throws NullPointerException if {@code reason} is null
     */
    public EscapedResultException(String path, String valueType, Reason reason) {
        super(message(path, valueType, reason), null, null);
        this.path = path;
        this.valueType = valueType;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    private static String message(String path, String valueType, Reason reason) {
        String at = shortened(path);
        if (reason == Reason.UNCHECKABLE_CONTAINER) {
            return "the transaction's result holds a " + valueType + " at " + at + ", a collection txfn cannot check"
                    + " without running its code (it may be a lazy view); copy it into a JDK collection inside the"
                    + " callback (List.copyOf, Set.copyOf, Map.copyOf, Map.entry) before returning";
        }
        return "the transaction's result holds a lazy or handle-bound " + valueType + " at " + at
                + "; materialize it inside the callback (list(), one(), List.copyOf) before returning";
    }

    /** A path nested thousands deep would make a message of megabytes: keep its two ends. */
    private static String shortened(String path) {
        if (path.length() <= MESSAGE_PATH_LIMIT) {
            return path;
        }
        int half = MESSAGE_PATH_LIMIT / 2;
        return path.substring(0, half) + "..." + path.substring(path.length() - half)
                + " (" + path.length() + " characters)";
    }

    /**
     * Where the offending value sits in the result, e.g. {@code result.items[3].owner}; never shortened.
     *
     * @return the path
     */
    public String path() {
        return path;
    }

    /**
     * The offending value's class name.
     *
     * @return the class name
     */
    public String valueType() {
        return valueType;
    }

    /**
     * Why the value was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
