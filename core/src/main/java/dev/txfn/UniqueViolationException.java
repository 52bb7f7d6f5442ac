package dev.txfn;

/**
 * A statement violated a unique or primary-key constraint (SQLSTATE {@code 23505}): the row already exists. The transaction was rolled back.
 */
public final class UniqueViolationException extends ConstraintViolationException {
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
    public UniqueViolationException(String message, String constraint, String table, String column, Throwable cause) {
        super(message, "23505", constraint, table, column, cause);
    }
}
