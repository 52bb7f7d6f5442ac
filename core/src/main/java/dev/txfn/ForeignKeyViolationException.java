package dev.txfn;

/**
 * A statement violated a foreign-key constraint (SQLSTATE {@code 23503}): a referenced row is missing, or a referencing row still exists. The transaction was rolled back.
 */
public final class ForeignKeyViolationException extends ConstraintViolationException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message the server's message
     * @param constraint the constraint name, or {@code null}
     * @param table the table name, or {@code null}
     * @param column the column name, or {@code null}
     * @param cause the driver's exception
     */
    public ForeignKeyViolationException(String message, String constraint, String table, String column, Throwable cause) {
        super(message, "23503", constraint, table, column, cause);
    }
}
