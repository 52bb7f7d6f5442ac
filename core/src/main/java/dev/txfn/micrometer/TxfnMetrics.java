package dev.txfn.micrometer;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.txfn.Database;
import dev.txfn.RetryCause;
import dev.txfn.Tx;
import dev.txfn.TxMetrics;
import dev.txfn.internal.PoolEvents;
import dev.txfn.internal.TransactionRunner;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Exposes {@link Tx#metrics()} to Micrometer, for services that run outside Lambda (on Lambda the adapter
 * writes the same figures per invocation as an EMF line). Every meter reads the {@code Tx}'s counts when the
 * registry is scraped; nothing is recorded on the transaction path.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code txfn.connection.wait}</td><td>function timer</td><td>borrows of a pooled connection and the
 *       time they took</td></tr>
 *   <tr><td>{@code txfn.connection.timeouts}</td><td>function counter</td><td>borrows that got no connection in
 *       time</td></tr>
 *   <tr><td>{@code txfn.connection.rejections}</td><td>function counter</td><td>borrows refused by the server
 *       (password, user, database)</td></tr>
 *   <tr><td>{@code txfn.connections.opened}</td><td>function counter</td><td>physical connections the
 *       {@link Database}'s pool opened</td></tr>
 *   <tr><td>{@code txfn.transactions}, tag {@code outcome}: {@code committed}, {@code rolled_back},
 *       {@code commit_unknown}</td><td>function counter</td><td>transaction attempts by outcome</td></tr>
 *   <tr><td>{@code txfn.retries}, tag {@code cause}: {@link RetryCause#label()}</td><td>function
 *       counter</td><td>transactions run again, by cause</td></tr>
 * </table>
 *
 * <pre>{@code
 * TxfnMetrics.of(tx).withHikariMetrics().bindTo(registry);
 * }</pre>
 *
 * <p>HikariCP's own meters ({@code hikaricp.connections.*}) come with {@link #withHikariMetrics()}: a
 * {@link Database}'s pool already has txfn's tracker factory (HikariCP takes one, set before the pool starts),
 * which then passes HikariCP's events on to HikariCP's {@code MicrometerMetricsTrackerFactory} for the same
 * registry.
 *
 * <p>Micrometer holds the {@code Tx} of function meters weakly: the meters report as long as the application
 * keeps its {@code Tx}, as it does to run transactions.
 *
 * <p>Immutable and thread-safe; {@code with...} methods return a new binder.
 */
public final class TxfnMetrics implements MeterBinder {
    private final Tx tx;
    private final Tags tags;
    private final boolean hikari;

    private TxfnMetrics(Tx tx, Tags tags, boolean hikari) {
        this.tx = tx;
        this.tags = tags;
        this.hikari = hikari;
    }

    /**
     * A binder for the figures of {@code tx} and every {@code Tx} derived from it.
     *
     * @param tx a {@code Tx} from {@link Tx#create} or a builder
     * @return the binder, without extra tags and without HikariCP's meters
     */
    public static TxfnMetrics of(Tx tx) {
        return new TxfnMetrics(Objects.requireNonNull(tx, "tx"), Tags.empty(), false);
    }

    /**
     * The same binder with {@code tags} on every meter, e.g. {@code Tags.of("db", "orders")} when a service has
     * several databases.
     *
     * @param extra the tags to add
     * @return a new binder
     */
    public TxfnMetrics withTags(Iterable<Tag> extra) {
        return new TxfnMetrics(tx, tags.and(Objects.requireNonNull(extra, "tags")), hikari);
    }

    /**
     * The same binder that also registers HikariCP's own meters ({@code hikaricp.connections},
     * {@code hikaricp.connections.acquire}, {@code hikaricp.connections.creation}, ..., tagged
     * {@code pool=txfn}) in the registry it is bound to. Bind it to one registry only: HikariCP's events go to the
     * registry bound last.
     *
     * @return a new binder
     */
    public TxfnMetrics withHikariMetrics() {
        return new TxfnMetrics(tx, tags, true);
    }

    /**
     * Registers the meters.
     *
     * @param registry the registry
     * @throws IllegalStateException if HikariCP's meters were asked for and {@code tx} is not over a
     *     {@link Database} (whose pool is the one that passes HikariCP's events on)
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        PoolEvents pool = hikari ? poolOf(tx) : null;
        FunctionTimer.builder("txfn.connection.wait", tx, t -> t.metrics().connectionWaits(),
                        t -> t.metrics().connectionWaitTime().toNanos(), TimeUnit.NANOSECONDS)
                .description("borrows of a pooled connection by transactions, and the time they took")
                .tags(tags).register(registry);
        counter(registry, "txfn.connection.timeouts", "borrows that ended without a connection in time",
                Tags.empty(), m -> m.connectionTimeouts());
        counter(registry, "txfn.connection.rejections", "borrows refused by the server (password, user, database)",
                Tags.empty(), m -> m.connectionRejections());
        counter(registry, "txfn.connections.opened", "physical connections the pool opened", Tags.empty(),
                m -> m.connectionsOpened());
        String transactions = "transaction attempts by outcome";
        counter(registry, "txfn.transactions", transactions, Tags.of("outcome", "committed"), m -> m.committed());
        counter(registry, "txfn.transactions", transactions, Tags.of("outcome", "rolled_back"), m -> m.rolledBack());
        counter(registry, "txfn.transactions", transactions, Tags.of("outcome", "commit_unknown"),
                m -> m.commitOutcomeUnknown());
        for (RetryCause cause : RetryCause.values()) {
            counter(registry, "txfn.retries", "transactions run again, by cause", Tags.of("cause", cause.label()),
                    m -> m.retries(cause));
        }
        if (pool != null) {
            pool.attach(new MicrometerMetricsTrackerFactory(registry));
        }
    }

    private void counter(MeterRegistry registry, String name, String description, Tags extra,
            ToDoubleFunction<TxMetrics> figure) {
        FunctionCounter.builder(name, tx, t -> figure.applyAsDouble(t.metrics()))
                .description(description).tags(tags.and(extra)).register(registry);
    }

    private static PoolEvents poolOf(Tx tx) {
        PoolEvents pool = tx instanceof TransactionRunner runner ? runner.counters().pool() : null;
        if (pool == null) {
            throw new IllegalStateException("HikariCP's meters need a Tx created over a txfn Database (its pool"
                    + " passes HikariCP's events on); this Tx runs over another data source: register HikariCP's"
                    + " MicrometerMetricsTrackerFactory on that pool instead");
        }
        return pool;
    }
}
