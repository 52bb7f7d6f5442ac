package dev.txfn;

/**
 * A connection could not be opened for a reason that waiting or retrying will not change: the password or
 * role was rejected ({@code 28P01}, {@code 28000}, which includes a missing {@code pg_hba.conf} entry), the
 * database does not exist ({@code 3D000}), connecting is not permitted ({@code 42501}), the server refused TLS
 * ({@code 08004}), TLS verification failed (an unknown CA, a host name the certificate does not name, a root
 * certificate file that cannot be read), or the host name does not resolve. Raised as soon as the pool's first
 * attempt to connect has failed, not after the whole connection timeout; the message begins with the
 * server's or the driver's reason and never contains the password. Nothing was executed.
 *
 * <p>Transient failures (refused while the server restarts, {@code 57P03} starting up, {@code 53300} too many
 * connections) are not this: they are waited out until the connection timeout or the deadline, then
 * surface as {@link ConnectionUnavailableException}.
 *
 * <p>With a {@link CredentialsSource} whose password rotates (a Secrets Manager secret), a refused password
 * ({@code 28P01}, or {@code 28000}) is not final at once: the source reads afresh, bypassing its caches, and
 * connecting is retried until the connection timeout or the deadline; only a password still refused then is
 * this exception, its message saying how often the credentials were read afresh. A credentials source that
 * cannot give credentials for good (a secret that is missing or malformed) is this exception too, its message
 * beginning with the source's reason, the {@link CredentialsUnavailableException} its cause.
 */
public final class ConnectionRejectedException extends TxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param message the reason first, then what could not be done
     * @param sqlState the SQLSTATE of the rejection, or {@code null}
     * @param cause the underlying failure
     */
    public ConnectionRejectedException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, cause);
    }
}
