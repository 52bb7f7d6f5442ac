package dev.txfn.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.HttpResponse;
import dev.txfn.lambda.HttpRoutes;
import dev.txfn.lambda.InvocationSettings;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.LocalContext;
import dev.txfn.testing.PostgresTestDatabase;
import dev.txfn.testing.RoundTripCounter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An invocation that ends while the init-time warm-up still holds a connection is settled, not failed. */
class WarmUpInvocationTest {

    static final class Api extends HttpApiHandler {
        Api(LambdaResources resources) {
            super(resources, HttpRoutes.builder()
                    .get("/ping", (request, tx) -> HttpResponse.ok(Map.of("pong", true)))
                    .get("/one", (request, tx) -> HttpResponse.ok(Map.of("one",
                            tx.readOnly(h -> h.createQuery("select 1").mapTo(Integer.class).one()))))
                    .build());
        }
    }

    @Test
    void theWarmUpsConnectionIsNotTheInvocations() throws Exception {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        try (RoundTripCounter proxy = RoundTripCounter.start(server.host(), server.port());
                Database db = Database.builder().jdbcUrl(proxy.jdbcUrl(server.database(), server.user()))
                        .password(server.password().isEmpty() ? null : server.password())
                        .maximumPoolSize(2).applicationName("txfn-warm-up-invocation").build()) {
            proxy.setDelay(Duration.ofMillis(100)); // the warm-up takes several delayed round trips
            Tx tx = Tx.create(db);
            Api api = new Api(new LambdaResources(tx, InvocationSettings.defaults().withDatabase(db)));
            CompletableFuture<Void> warmUp = tx.warmUp();
            awaitCheckedOut(db);

            APIGatewayV2HTTPResponse ping = api.handleRequest(HttpEvents.v2("GET", "/ping"), LocalContext.create());

            assertThat(tx.isWarmingUp()).isTrue();
            assertThat(ping.getStatusCode()).as(ping.getBody()).isEqualTo(200);
            warmUp.get(30, TimeUnit.SECONDS);
            // Afterwards the pool's connection serves invocations as usual, and the check counts again.
            APIGatewayV2HTTPResponse one = api.handleRequest(HttpEvents.v2("GET", "/one"), LocalContext.create());
            assertThat(one.getStatusCode()).as(one.getBody()).isEqualTo(200);
            assertThat(db.activeConnections()).isZero();
        }
    }

    /** Until the warm-up holds its connection (connecting through the delayed proxy takes a while). */
    private static void awaitCheckedOut(Database db) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (db.activeConnections() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the warm-up never checked a connection out");
            }
            Thread.sleep(5);
        }
    }
}
