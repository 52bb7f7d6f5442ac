package dev.txfn;

/**
 * A setting is missing, malformed or out of range. Raised when the configuration is built, before any
 * connection is attempted; the message names the setting and never contains a password.
 */
public final class InvalidConfigurationException extends TxException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    /**
     * Creates the failure.
     *
     * @param setting the name of the offending setting, e.g. {@code maximumPoolSize} or {@code DATABASE_URL}
     * @param problem what is wrong with it
     */
    public InvalidConfigurationException(String setting, String problem) {
        super(setting + ": " + problem, null, null);
        this.setting = setting;
    }

    /**
     * The name of the offending setting.
     *
     * @return the setting name
     */
    public String setting() {
        return setting;
    }
}
