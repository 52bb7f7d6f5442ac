package dev.txfn;

/**
 * A statement violated a not-null constraint (SQLSTATE {@code 23502}); {@link #column()} names the column. The transaction was rolled back.
 */
public final class NotNullViolationException extends ConstraintViolationException {
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
    public NotNullViolationException(String message, String constraint, String table, String column, Throwable cause) {
        super(message, "23502", constraint, table, column, cause);
    }
}
