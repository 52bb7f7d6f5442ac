package dev.txfn;

/**
 * A statement violated an integrity constraint (SQLSTATE class {@code 23}). The transaction was rolled back.
 * Subclasses name the kind of constraint; all carry the constraint, table and column names the server
 * reported, so a handler can map them to a precise client error without parsing messages.
 */
public class ConstraintViolationException extends TxException {
    private static final long serialVersionUID = 1L;

    private final String constraint;
    private final String table;
    private final String column;

    /**
     * Creates the failure.
     *
     * @param message the server's message
     * @param sqlState the SQLSTATE
     * @param constraint the constraint name, or {@code null} if the server did not report one
     * @param table the table name, or {@code null}
     * @param column the column name, or {@code null}
     * @param cause the driver's exception
     */
    public ConstraintViolationException(
            String message, String sqlState, String constraint, String table, String column, Throwable cause) {
        super(message, sqlState, cause);
        this.constraint = constraint;
        this.table = table;
        this.column = column;
    }

    /**
     * The violated constraint's name as the server reported it.
     *
     * @return the name, or {@code null} if unknown
     */
    public String constraint() {
        return constraint;
    }

    /**
     * The table the constraint belongs to.
     *
     * @return the table name, or {@code null} if unknown
     */
    public String table() {
        return table;
    }

    /**
     * The column involved (reported for not-null violations).
     *
     * @return the column name, or {@code null} if unknown
     */
    public String column() {
        return column;
    }
}
