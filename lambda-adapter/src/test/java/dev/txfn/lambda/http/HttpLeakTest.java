package dev.txfn.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.SettleAssertions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A route that leaks a connection fails its invocation with a 500, and the leaked session is gone afterwards. */
class HttpLeakTest {
    static final String APP = "txfn-http-leak-test";

    static final class ThingsApi extends HttpApiHandler {
        ThingsApi(LambdaResources resources) {
            super(resources, ThingsRoutes.routes());
        }
    }

    @AfterEach
    void noSessionIdleInTransaction() {
        SettleAssertions.assertNoSessionIdleInTransaction(APP);
    }

    @Test
    void leakedConnectionAnswers500AndIsRepaired() throws Exception {
        // Two connections: the leak takes the second while the transaction holds the first.
        try (Database db = Database.builder().jdbcUrl(PostgresTestDatabase.shared().jdbcUrl()).maximumPoolSize(2)
                .applicationName(APP).build()) {
            ThingsApi api = new ThingsApi(LambdaResources.of(db));
            LocalContext context = LocalContext.create().withRequestId("req-leak");

            APIGatewayV2HTTPResponse response = api.handleRequest(HttpEvents.v2("GET", "/leak"), context);

            assertThat(response.getStatusCode()).isEqualTo(500);
            Map<String, Object> body = HttpEvents.json(response.getBody());
            assertThat(body).containsEntry("requestId", "req-leak");
            assertThat(db.activeConnections()).isZero();
            awaitNoSessionInTransaction();
            int one = Tx.create(db).readOnly(h -> h.createQuery("select 1").mapTo(Integer.class).one());
            assertThat(one).isEqualTo(1);
        }
    }

    private static void awaitNoSessionInTransaction() throws SQLException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (sessionsInTransaction() == 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("a session of " + APP + " is still in a transaction");
    }

    private static int sessionsInTransaction() throws SQLException {
        try (Connection c = PostgresTestDatabase.shared().openAdminConnection();
                PreparedStatement s = c.prepareStatement("select count(*) from pg_stat_activity"
                        + " where application_name = ? and state like 'idle in transaction%'")) {
            s.setString(1, APP);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
