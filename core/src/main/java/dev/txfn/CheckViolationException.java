package dev.txfn;

/**
 * A statement violated a check constraint (SQLSTATE {@code 23514}). The transaction was rolled back.
 */
public final class CheckViolationException extends ConstraintViolationException {
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
    public CheckViolationException(String message, String constraint, String table, String column, Throwable cause) {
        super(message, "23514", constraint, table, column, cause);
    }
}
