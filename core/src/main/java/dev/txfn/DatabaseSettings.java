package dev.txfn;

import java.util.List;

/**
 * What a built {@link Database} reports about itself; deliberately without the password.
 *
 * @param hosts the host names or IP addresses, in the order they are tried
 * @param ports the port of each host
 * @param database the database name
 * @param user the user name
 * @param applicationName the {@code application_name} connections announce
 * @param lambda whether Lambda tuning applies
 * @param transactionPooling whether a transaction-mode pooler sits in between
 * @param maximumPoolSize the most connections open at once
 * @param jdbcUrl the JDBC URL with driver properties, without credentials
 */
record DatabaseSettings(
        List<String> hosts,
        List<Integer> ports,
        String database,
        String user,
        String applicationName,
        boolean lambda,
        boolean transactionPooling,
        int maximumPoolSize,
        String jdbcUrl) {
}
