package dev.txfn;

/**
 * A {@link CredentialsSource} could not give credentials: a secret that cannot be read (not found, access
 * denied, the Lambda extension answering with an error or not at all and no AWS SDK to fall back on), a secret
 * that is not the JSON expected or lacks the password key, an authentication token that cannot be made. The
 * message names the source and what is wrong, never a password or the secret's content. Reaches the caller
 * as the cause of a {@link ConnectionRejectedException} (when {@linkplain #isTransient() retrying cannot help})
 * or a {@link ConnectionUnavailableException}.
 */
public final class CredentialsUnavailableException extends TxException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /**
     * Creates the failure.
     *
     * @param message what could not be read and why; never a password or a secret's content
     * @param retryable whether reading again later may succeed (a timeout, a 5xx answer)
     * @param cause the underlying failure, or {@code null}; must not quote a secret either
     */
    public CredentialsUnavailableException(String message, boolean retryable, Throwable cause) {
        super(message, null, cause);
        this.retryable = retryable;
    }

    /**
     * Whether reading again later may succeed.
     *
     * @return {@code true} for a timeout or a server error, {@code false} for a missing or malformed secret
     */
    @Override
    public boolean isTransient() {
        return retryable;
    }
}
