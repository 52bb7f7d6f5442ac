package dev.txfn.lambda.internal;

import com.amazonaws.services.lambda.runtime.Context;
import dev.txfn.Database;
import dev.txfn.SettleReport;
import dev.txfn.Tx;
import dev.txfn.TxEvent;
import dev.txfn.TxListener;
import dev.txfn.lambda.InvocationSettings;
import dev.txfn.lambda.SnapStart;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle every wrapper shares: derive the invocation's {@code Tx} (deadline from the remaining time less
 * the margin, a listener counting transactions and retries), run the work, verify the application settled,
 * repair and report if it did not, and write one structured log line (plus an EMF line when asked). While an
 * invocation runs, its request id and trace id are in the SLF4J MDC ({@link InvocationLogContext}). With
 * OpenTelemetry on the class path, the invocation is also one trace span ({@link InvocationTracing}), current from
 * {@link #start} to {@link Invocation#finish}.
 * Thread-safe; one instance per handler, shared by all invocations.
 */
public final class InvocationRunner {
    private static final Logger LOG = LoggerFactory.getLogger("dev.txfn.lambda.Invocation");

    private final Tx tx;
    private final InvocationSettings settings;
    private final String kind;
    private final PrintStream metricsOut;
    private final InvocationTracing tracing = InvocationTracing.forClassPath();

    /**
     * Creates the runner.
     *
     * @param tx the handler's transaction runner
     * @param settings margin, metrics, database
     * @param kind what the handler serves, for the log line: {@code http}, {@code sqs}, {@code event}
     */
    public InvocationRunner(Tx tx, InvocationSettings settings, String kind) {
        this(tx, settings, kind, System.out);
    }

    InvocationRunner(Tx tx, InvocationSettings settings, String kind, PrintStream metricsOut) {
        this.tx = Objects.requireNonNull(tx, "tx");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.metricsOut = metricsOut;
        // The settings promise that the named pool is emptied before a SnapStart checkpoint; idempotent.
        settings.database().ifPresent(SnapStart::register);
        // Handlers are built in the init phase, while Tx.warmUp() connects on its own thread: loading the JSON
        // codec now runs in parallel with that instead of after the first request's transaction.
        Json.warmUp();
    }

    /** The settings. */
    public InvocationSettings settings() {
        return settings;
    }

    /**
     * Starts an invocation: the returned {@link Invocation} carries the derived {@code Tx}; the caller runs its
     * work and then calls {@link Invocation#finish(String)} exactly once, in a {@code finally}.
     *
     * @param context the Lambda context
     * @param target the route or event type, for the log line
     * @return the invocation
     */
    public Invocation start(Context context, String target) {
        return start(context, target, InvocationTrigger.event(false));
    }

    /**
     * Starts an invocation as {@link #start(Context, String)} does, with what triggered it for its trace span
     * (started, and current on this thread until {@link Invocation#finish}, when OpenTelemetry is on the class
     * path).
     *
     * @param context the Lambda context
     * @param target the route or event type, for the log line
     * @param trigger what started the invocation
     * @return the invocation
     */
    public Invocation start(Context context, String target, InvocationTrigger trigger) {
        return new Invocation(context, target, trigger);
    }

    /** One invocation in progress. Confined to the invoking thread, apart from the counters. */
    public final class Invocation {
        private final Context context;
        private final String target;
        private final long startNanos = System.nanoTime();
        private final AtomicInteger transactions = new AtomicInteger();
        private final AtomicInteger retries = new AtomicInteger();
        private final AtomicInteger rollbacks = new AtomicInteger();
        private final Tx invocationTx;
        private final InvocationMetrics metrics; // metrics: the EMF line's figures
        private final Instant deadline;
        private final InvocationLogContext logContext;
        private boolean settled = true;
        private final InvocationTracing.ActiveSpan span;

        private Invocation(Context context, String target, InvocationTrigger trigger) {
            this.context = Objects.requireNonNull(context, "context");
            this.target = target;
            long remaining = Math.max(0, context.getRemainingTimeInMillis() - settings.deadlineMargin().toMillis());
            this.deadline = Instant.now().plusMillis(remaining);
            this.metrics = new InvocationMetrics(tx); // metrics
            this.invocationTx = tx.withDeadline(deadline).withListener(metrics).withListener(new TxListener() {
                @Override
                public void onCommit(TxEvent event) {
                    transactions.incrementAndGet();
                }

                @Override
                public void onRollback(TxEvent event) {
                    rollbacks.incrementAndGet();
                }

                @Override
                public void onRetry(TxEvent event, Duration backoff) {
                    retries.incrementAndGet();
                }
            });
            this.logContext = InvocationLogContext.open(context.getAwsRequestId()); // closed by finish
            this.span = tracing.begin(context, trigger); // last: nothing above may throw and leave it current
        }

        /** The {@code Tx} to use for this invocation's work: bounded by its deadline, counted. */
        public Tx tx() {
            return invocationTx;
        }

        /** The deadline derived from the remaining time. */
        public Instant deadline() {
            return deadline;
        }

        /** The Lambda request id. */
        public String requestId() {
            return context.getAwsRequestId();
        }

        /** The Lambda context. */
        public Context context() {
            return context;
        }

        /**
         * Verifies that nothing is open, repairing and logging at ERROR if something is. Cheap when settled (no
         * round trip); may be called after each unit of work (each SQS message) as well as at the end.
         *
         * @return {@code true} when settled
         */
        public boolean checkSettled() {
            // Read before the pool: once the warm-up is over, its connection is back in the pool.
            boolean warmingUp = tx.isWarmingUp();
            SettleReport report = tx.settle();
            Database database = settings.database().orElse(null);
            int poolActive = database == null ? 0 : database.activeConnections();
            if (warmingUp && poolActive > 0) {
                poolActive--; // the warm-up's own connection, not the invocation's
            }
            if (report.isSettled() && poolActive == 0) {
                return true;
            }
            settled = false;
            LOG.error("invocation {} ({} {}) did not settle: {}{}", requestId(), kind, target, report.describe(),
                    poolActive == 0 ? "" : "; pool still has " + poolActive + " connection(s) checked out");
            return false;
        }

        /**
         * Ends the invocation: a final settle check, the end of its trace span, the structured log line, the EMF
         * line and the {@linkplain InvocationSettings#telemetryFlush() telemetry flush}; then the MDC is restored
         * to what it was before {@link #start}.
         *
         * @param outcome what came of it, e.g. {@code 200} or {@code 9/10 ok}
         * @return whether the invocation ended settled (the last check and every earlier one)
         */
        public boolean finish(String outcome) {
            try (logContext) {
                return end(outcome);
            }
        }

        private boolean end(String outcome) {
            boolean ok = false;
            try {
                ok = checkSettled() && settled;
            } finally { // even if the check throws: a span left current would parent the next invocation's
                span.end(outcome, ok, transactions.get(), retries.get());
            }
            double millis = (System.nanoTime() - startNanos) / 1_000_000.0;
            logLine(outcome, ok, millis).write(LOG);
            if (settings.metrics()) {
                metricsOut.println(EmbeddedMetrics.line(settings.metricsNamespace(), kind, target, transactions.get(),
                        retries.get(), millis, ok, metrics.figures()));
            }
            TelemetryFlush.run(settings, requestId());
            return ok;
        }

        /** The structured log line {@link #finish} writes; separate so tests can read it. */
        InvocationLogLine logLine(String outcome, boolean ok, double millis) {
            return new InvocationLogLine(kind, target, outcome, transactions.get(), rollbacks.get(), retries.get(),
                    millis, ok);
        }
    }
}
