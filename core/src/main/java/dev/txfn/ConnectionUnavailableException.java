package dev.txfn;

/**
 * No connection could be obtained to start the transaction: the pool timed out waiting for one, the server
 * refused it ({@code 53300} too many connections, authentication) or could not be reached, or the
 * {@link CredentialsSource} could not give credentials for a while (the Lambda extension answering 5xx, Secrets
 * Manager throttling); the message then begins with the source's reason. Nothing was executed.
 */
public final class ConnectionUnavailableException extends TxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message what failed
     * @param sqlState the SQLSTATE, or {@code null}
     * @param cause the underlying failure
     */
    public ConnectionUnavailableException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }
}
