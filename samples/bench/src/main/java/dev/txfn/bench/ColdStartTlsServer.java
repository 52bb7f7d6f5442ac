package dev.txfn.bench;

import dev.txfn.testing.TestCertificates;
import dev.txfn.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * The cold-start measure's own PostgreSQL server on 127.0.0.1 with TLS on (a certificate made for the run), holding
 * the bench's tables, for the variants that connect with {@code sslmode=require} as RDS asks of its clients (its
 * parameter group's {@code rds.force_ssl} is on by default since PostgreSQL 15), and for the IAM token, which txfn
 * sends only over TLS. Trust authentication: the server never asks for the password, so the token is made (signed,
 * as on Lambda) and offered but not checked. {@link #close()} stops the server, also when the measure fails.
 */
final class ColdStartTlsServer implements AutoCloseable {
    private final TestServer server;
    private final String jdbcUrl;

    private ColdStartTlsServer(TestServer server) {
        this.server = server;
        this.jdbcUrl = server.jdbcUrl("127.0.0.1", "sslmode=require");
    }

    /**
     * Starts the server and creates the bench's tables on it.
     *
     * @return the running server
     * @throws SQLException if the tables cannot be created
     */
    static ColdStartTlsServer start() throws SQLException {
        TestServer server = TestServer.withTls(TestCertificates.authority("txfn bench CA")
                .issue(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl("127.0.0.1", "sslmode=require"))) {
            BenchSchema.ensure(connection);
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new ColdStartTlsServer(server);
    }

    /** The environment of a txfn child connecting with {@code sslmode=require} and no password. */
    Map<String, String> tlsEnvironment() {
        return Map.of(ColdStartProbe.URL_VARIABLE, jdbcUrl);
    }

    /**
     * The environment of a txfn child whose password is an RDS IAM token ({@code TXFN_IAM_AUTH=true}), signed
     * with credentials the parent makes up, as Lambda's execution role would hand them over.
     */
    Map<String, String> iamEnvironment() {
        Map<String, String> env = new HashMap<>(tlsEnvironment());
        env.put("TXFN_IAM_AUTH", "true");
        ColdStartSecretEndpoint.putMadeUpAwsCredentials(env);
        return env;
    }

    @Override
    public void close() {
        server.close();
    }
}
