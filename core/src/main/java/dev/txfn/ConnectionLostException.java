package dev.txfn;

/**
 * The connection to the server broke while the transaction was running (SQLSTATE class {@code 08}, or
 * {@code 57P01}..{@code 57P03} when the server shut down or terminated the session). The server rolls back a
 * transaction whose connection is gone, so nothing was committed. The connection is evicted from the pool.
 *
 * <p>When the connection is found dead before any statement of the attempt completed (a socket that died
 * while a Lambda sandbox was frozen, a proxy's idle cut), txfn re-runs the attempt on a fresh connection by
 * itself and this exception is only raised once those re-runs are exhausted; {@link #isTransient()} is then
 * {@code true}.
 */
public final class ConnectionLostException extends TxException {
    private static final long serialVersionUID = 1L;

    private final boolean beforeFirstStatement;

    /**
     * Creates the failure.
     *
     * @param message what was lost
     * @param sqlState the SQLSTATE
     * @param beforeFirstStatement whether no statement of the attempt had completed
     * @param cause the driver's exception
     */
    public ConnectionLostException(String message, String sqlState, boolean beforeFirstStatement, Throwable cause) {
        super(message, sqlState, cause);
        this.beforeFirstStatement = beforeFirstStatement;
    }

    /**
     * Whether the connection was found dead before any statement of the attempt completed.
     *
     * @return {@code true} if no statement had completed
     */
    public boolean beforeFirstStatement() {
        return beforeFirstStatement;
    }

    @Override
    public boolean isTransient() {
        return beforeFirstStatement;
    }
}
