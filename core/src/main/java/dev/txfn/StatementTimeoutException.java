package dev.txfn;

/**
 * A statement ran longer than the transaction's statement timeout and the server cancelled it (SQLSTATE
 * {@code 57014}). The transaction was rolled back. When the timeout came from the {@linkplain Tx#withDeadline
 * deadline} rather than from {@link TxOptions#withStatementTimeout}, a {@link DeadlineExceededException} is
 * raised instead.
 */
public final class StatementTimeoutException extends TxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message the server's message
     * @param cause the driver's exception
     */
    public StatementTimeoutException(String message, Throwable cause) {
        super(message, "57014", cause);
    }
}
