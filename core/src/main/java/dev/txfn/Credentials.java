package dev.txfn;

import java.util.Objects;

/**
 * A user name and password to log in with, as a {@link CredentialsSource} gives them for one new connection.
 * {@link #toString()} shows the user and never the password.
 *
 * @param user the user name; never {@code null}
 * @param password the password or authentication token; {@code null} for none
 */
public record Credentials(String user, String password) {

    /**
     * Checks the user name.
     *
     * @throws NullPointerException if {@code user} is {@code null}
     */
    public Credentials {
        Objects.requireNonNull(user, "user");
    }

    /**
     * The user, with the password masked.
     *
     * @return {@code Credentials[user=app, password=***]}
     */
    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
