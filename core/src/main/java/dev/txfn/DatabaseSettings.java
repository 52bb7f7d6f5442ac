package dev.txfn;

/**
 * What a built {@link Database} reports about itself; deliberately without the password.
 *
 * @param host the host name or IP address
 * @param port the port
 * @param database the database name
 * @param user the user name
 * @param applicationName the {@code application_name} connections announce
 * @param lambda whether Lambda tuning applies
 * @param transactionPooling whether a transaction-mode pooler sits in between
 * @param maximumPoolSize the most connections open at once
 * @param jdbcUrl the JDBC URL with driver properties, without credentials
 */
record DatabaseSettings(
        String host,
        int port,
        String database,
        String user,
        String applicationName,
        boolean lambda,
        boolean transactionPooling,
        int maximumPoolSize,
        String jdbcUrl) {
}
