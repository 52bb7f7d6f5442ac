package dev.txfn;

/**
 * The callback returned a value that is still bound to the transaction or lazily evaluated (a
 * {@code Handle}, {@code Connection}, {@code ResultSet}, Jdbi {@code ResultIterable}, a {@code Stream},
 * an {@code Iterator}, any non-collection {@code Iterable} or {@code AutoCloseable}) somewhere inside its
 * result. Using it after the transaction ended would fail or silently open a new transaction, so txfn rolls
 * back and raises this instead. Materialize the value inside the callback ({@code .list()}, {@code .one()},
 * {@code List.copyOf}).
 */
public final class EscapedResultException extends TxException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String valueType;

    /**
     * Creates the failure.
     *
     * @param path where the value was found, e.g. {@code result.items[3].owner}
     * @param valueType the offending value's class name
     */
    public EscapedResultException(String path, String valueType) {
        super("the transaction's result holds a lazy or handle-bound " + valueType + " at " + path
                + "; materialize it inside the callback (list(), one(), List.copyOf) before returning", null, null);
        this.path = path;
        this.valueType = valueType;
    }

    /**
     * Where the offending value sits in the result, e.g. {@code result.items[3].owner}.
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
}
