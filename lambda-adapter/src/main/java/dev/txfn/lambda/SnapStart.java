package dev.txfn.lambda;

import dev.txfn.Database;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a {@link Database} safe to snapshot with AWS Lambda SnapStart (or any CRaC checkpoint): before the
 * checkpoint every pooled connection is closed, so the snapshot holds no socket that would be dead, or shared
 * by every restored copy, after restore; after restore the pool opens new connections lazily, on the first
 * transaction.
 *
 * <pre>{@code
 * public final class Handler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
 *     private static final Database DB = Database.fromEnv();
 *     static {
 *         SnapStart.register(DB);
 *     }
 *     ...
 * }
 * }</pre>
 *
 * <p>Outside a CRaC-capable runtime {@link #register(Database)} is harmless and the hooks never run. Tests can
 * run them directly through {@link #resourceFor(Database)}.
 *
 * <p>Thread-safe.
 */
public final class SnapStart {
    private static final Logger LOG = LoggerFactory.getLogger(SnapStart.class);

    // CRaC holds registered resources weakly: this map keeps each one alive exactly as long as its Database
    // (Database keeps Object's identity equals). The resource refers to its Database weakly, or the entry would
    // never go. Guarded by SnapStart.class.
    private static final Map<Database, PoolResource> RESOURCES = new WeakHashMap<>();

    private SnapStart() {
    }

    /**
     * Registers {@code database} with the global CRaC context, so that its pooled connections are closed before
     * a checkpoint. Idempotent: registering the same {@code Database} again does nothing. Call it once, where
     * the {@code Database} is built (the handler's static initializer or constructor), so it happens before
     * SnapStart takes the snapshot.
     *
     * @param database the pool to empty before each checkpoint
     */
    public static void register(Database database) {
        register(database, Core.getGlobalContext());
    }

    /**
     * The CRaC resource that {@link #register(Database)} registers for {@code database}, whether or not it has
     * been registered yet: the same instance on every call. Useful to run the hooks directly in a test, or to
     * register them with a context of one's own.
     *
     * <p>{@link Resource#beforeCheckpoint} takes every idle connection out of the pool at once (HikariCP closes
     * their sockets on its own background thread, normally within milliseconds) and logs a warning if some are
     * still checked out (those close as soon as they are returned); {@link Resource#afterRestore} only logs: the
     * pool reconnects on demand. Neither throws. Both do nothing once the {@code Database} is unreachable.
     *
     * @param database the pool
     * @return its resource
     */
    public static Resource resourceFor(Database database) {
        Objects.requireNonNull(database, "database");
        synchronized (SnapStart.class) {
            return RESOURCES.computeIfAbsent(database, PoolResource::new);
        }
    }

    /** Registers {@code database}'s resource with {@code context} unless it was registered before. */
    static void register(Database database, Context<Resource> context) {
        Objects.requireNonNull(context, "context");
        synchronized (SnapStart.class) {
            PoolResource resource = (PoolResource) resourceFor(database);
            if (resource.registered) {
                return;
            }
            context.register(resource);
            resource.registered = true;
        }
        LOG.debug("registered {} for SnapStart: its connections close before each checkpoint", database);
    }

    /**
     * Makes the checkpoint of {@code database} wait (at most {@value #START_UP_WORK_WAIT_MILLIS} ms) for
     * {@code work} started at init, such as a {@link dev.txfn.Tx#warmUp() warm-up}, so that its connection is
     * back in the pool, and closed, before the snapshot rather than captured in it, and the snapshot holds what it
     * loaded. {@link LambdaResources#fromEnv()} does this for its own warm-up; call it for a {@code Tx} of your own:
     * {@code SnapStart.awaitBeforeCheckpoint(db, tx.warmUp())}. A later call replaces the work waited for.
     *
     * @param database a pool {@linkplain #register(Database) registered} for SnapStart
     * @param work what to wait for; its failure is not the checkpoint's
     */
    public static void awaitBeforeCheckpoint(Database database, CompletableFuture<?> work) {
        Objects.requireNonNull(work, "work");
        synchronized (SnapStart.class) {
            ((PoolResource) resourceFor(database)).startUpWork = work;
        }
    }

    /** How long a checkpoint waits for start-up work: the warm-up's own deadline and some. */
    public static final long START_UP_WORK_WAIT_MILLIS = 12_000;

    /** Empties one pool before a checkpoint. */
    private static final class PoolResource implements Resource {
        private final WeakReference<Database> databaseRef;
        boolean registered; // guarded by SnapStart.class
        CompletableFuture<?> startUpWork; // guarded by SnapStart.class

        private void awaitStartUpWork() {
            CompletableFuture<?> work;
            synchronized (SnapStart.class) {
                work = startUpWork;
            }
            if (work == null) {
                return;
            }
            try {
                work.exceptionally(e -> null).get(START_UP_WORK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("SnapStart checkpoint: start-up work still running after {} ms", START_UP_WORK_WAIT_MILLIS);
            }
        }

        PoolResource(Database database) {
            this.databaseRef = new WeakReference<>(database);
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
            Database database = databaseRef.get();
            if (database == null) {
                return;
            }
            awaitStartUpWork();
            int idle = database.idleConnections();
            database.evictIdleConnections();
            int active = database.activeConnections();
            if (active > 0) {
                // A connection still checked out at checkpoint time means some work is still running (or leaked):
                // it is closed when returned, but may be in the snapshot.
                LOG.warn("SnapStart checkpoint: {} connection(s) of {} still checked out; they close when returned"
                        + " and may be captured in the snapshot", active, database);
            }
            LOG.debug("SnapStart checkpoint: closed {} idle connection(s) of {}", idle, database);
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            Database database = databaseRef.get();
            if (database == null) {
                return;
            }
            // HikariCP needs nothing: with minimumIdle = 0 it opens a connection on the first borrow.
            LOG.debug("SnapStart restore: {} reconnects on the first transaction", database);
        }

        @Override
        public String toString() {
            return "SnapStart resource for " + databaseRef.get();
        }
    }
}
