package dev.txfn.internal;

import dev.txfn.DeadlineExceededException;
import dev.txfn.TxOptions;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The state of one attempt of one transaction: which transaction-local commands still have to ride along with
 * the next statement, how many statements completed, and the first statement failure (which a later 25P02
 * "transaction is aborted" would otherwise hide). Confined to the thread running the attempt.
 */
final class Attempt implements SqlLogger {
    /** A statement may overrun the deadline by this much before its timeout is re-capped. */
    static final long DEADLINE_TOLERANCE_NANOS = 20_000_000L;
    /**
     * How long past the deadline the driver keeps waiting for the server. The server cancels a statement at the
     * deadline itself; this only bounds waiting on a server that cannot answer at all (a connection silently
     * dropped by a NAT or firewall while a Lambda sandbox was frozen, a blackholed host), which would otherwise
     * block for the TCP retransmission timeout, many minutes.
     */
    static final long NETWORK_TIMEOUT_SLACK_MILLIS = 500;

    private final int number;
    private final TxOptions options;
    private final Instant deadline;
    private final long deadlineNanos;
    private final boolean postgres;
    private final SqlLogger delegate;
    private final long startNanos;
    private final boolean oneFlight;
    private final TransactionTrace trace;

    private int completedStatements;
    private boolean committed;
    private boolean metReadOnlyServer;
    private SQLException firstFailure;
    private boolean beginCommandsDelivered;
    private boolean reserved;
    private long reservedTimeout;
    private boolean reservedFromDeadline;
    /** statement_timeout in force, in ms; 0 when none. */
    private long timeoutInForceMillis;
    private boolean timeoutFromDeadline;

    Attempt(int number, TxOptions options, Instant deadline, long deadlineNanos, boolean postgres, boolean oneFlight,
            SqlLogger delegate, TransactionTrace trace) {
        this.number = number;
        this.trace = trace;
        this.oneFlight = oneFlight;
        this.options = options;
        this.deadline = deadline;
        this.deadlineNanos = deadlineNanos;
        this.postgres = postgres;
        this.delegate = delegate;
        this.startNanos = System.nanoTime();
    }

    int number() {
        return number;
    }

    TxOptions options() {
        return options;
    }

    /** The trace of the transaction this attempt belongs to ({@link TransactionTrace#NONE} when not traced). */
    TransactionTrace trace() {
        return trace;
    }

    long startNanos() {
        return startNanos;
    }

    /** COMMIT succeeded (set from the first after-commit hook, before any of the callback's own). */
    void committedNow() {
        committed = true;
    }

    boolean committed() {
        return committed;
    }

    /** The server refused a write because it is read-only; the connection was dropped. */
    void metReadOnlyServerNow() {
        metReadOnlyServer = true;
    }

    boolean metReadOnlyServer() {
        return metReadOnlyServer;
    }

    int completedStatements() {
        return completedStatements;
    }

    SQLException firstFailure() {
        return firstFailure;
    }

    boolean timeoutFromDeadline() {
        return timeoutFromDeadline;
    }

    Instant deadline() {
        return deadline;
    }

    /**
     * Whether there is a deadline and it has passed, or is closer than {@link #DEADLINE_TOLERANCE_NANOS}: a wait
     * bounded by the deadline may end a clock tick early.
     */
    boolean deadlineReached() {
        return deadline != null && System.nanoTime() - deadlineNanos >= -DEADLINE_TOLERANCE_NANOS;
    }

    /**
     * Re-arms the driver's network timeout (a socket read timeout, no round trip) to the time left until the
     * deadline plus {@link #NETWORK_TIMEOUT_SLACK_MILLIS}. Does nothing without a deadline. The pool restores the
     * connection's default when it is returned.
     */
    void armNetworkTimeout(java.sql.Connection connection) throws SQLException {
        if (deadline == null) {
            return;
        }
        long left = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L);
        connection.setNetworkTimeout(Runnable::run,
                (int) Math.min(Integer.MAX_VALUE, left + NETWORK_TIMEOUT_SLACK_MILLIS));
    }

    /** Whole milliseconds left until the deadline, at least 1; only meaningful when there is one. */
    long millisUntilDeadline() {
        return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000L);
    }

    /**
     * Whether the attempt runs on PostgreSQL and needs a {@link TransactionConnection} to carry its commands,
     * keep the network timeout on the deadline, or trace its statements.
     */
    boolean needsTransactionConnection() {
        return postgres && (oneFlight || deadline != null || hasBeginCommands() || trace.recording());
    }

    /**
     * Whether the whole transaction is one query sent with its {@code BEGIN} and {@code COMMIT} in one flight, on
     * a connection left in auto-commit mode.
     */
    boolean oneFlight() {
        return oneFlight;
    }

    /** Whether the first statement, which carries the begin commands (in one flight, BEGIN and COMMIT), was sent. */
    boolean beganInFlight() {
        return beginCommandsDelivered;
    }

    private boolean hasBeginCommands() {
        return options.isolation() != null || options.readOnly() || options.deferrable()
                || options.statementTimeout() != null || options.lockTimeout() != null
                || options.idleInTransactionTimeout() != null || !options.settings().isEmpty();
    }

    /**
     * Fails when the deadline has passed: nothing may be sent after it.
     *
     * @throws DeadlineExceededException if it has passed
     */
    void checkDeadline(String what) {
        if (deadline != null && System.nanoTime() - deadlineNanos >= 0) {
            throw new DeadlineExceededException("deadline " + deadline + " passed before " + what, deadline, null,
                    null);
        }
    }

    /**
     * The commands that must run in the same flight as, and before, the next statement, or {@code null}. They
     * stay reserved for that statement until it reports {@link #delivered()} or {@link #released()}; while
     * reserved, other statements get none.
     */
    String[] commandsBefore() {
        checkDeadline("the next statement was sent");
        if (reserved) {
            return null;
        }
        if (oneFlight && beginCommandsDelivered) {
            throw new IllegalStateException("a TxFn.query program runs one query: its transaction was committed"
                    + " together with the first statement, so a second one cannot join it");
        }
        List<String> commands = null;
        long previousTimeout = timeoutInForceMillis;
        boolean previousFromDeadline = timeoutFromDeadline;
        if (!beginCommandsDelivered) {
            commands = beginCommands();
        } else if (deadline != null) {
            String recap = deadlineRecap();
            if (recap != null) {
                commands = List.of(recap);
            }
        }
        if (commands == null || commands.isEmpty()) {
            return null;
        }
        reserved = true;
        reservedTimeout = previousTimeout;
        reservedFromDeadline = previousFromDeadline;
        return commands.toArray(new String[0]);
    }

    /**
     * The begin commands, when no statement carried them yet, for running them on their own now (reserved
     * until {@link #delivered()} or {@link #released()}); {@code null} once they were delivered.
     *
     * @throws IllegalStateException if a statement made earlier holds them and has not run yet
     * @throws DeadlineExceededException if the deadline has passed
     */
    String[] beginCommandsNow() {
        checkDeadline("the transaction's first statement was sent");
        if (beginCommandsDelivered) {
            return null;
        }
        if (reserved) {
            throw new IllegalStateException("a statement made earlier in this transaction carries its options and"
                    + " has not run yet; run or close it before using the connection directly");
        }
        return commandsBefore();
    }

    /** The reserved commands reached the server with their statement. */
    void delivered() {
        reserved = false;
        beginCommandsDelivered = true;
    }

    /** The statement holding the reserved commands was closed unexecuted; the next statement carries them. */
    void released() {
        if (reserved) {
            reserved = false;
            timeoutInForceMillis = reservedTimeout;
            timeoutFromDeadline = reservedFromDeadline;
        }
    }

    private List<String> beginCommands() {
        List<String> commands = new ArrayList<>(4);
        if (oneFlight || options.isolation() != null || options.readOnly() || options.deferrable()) {
            // One flight: the connection is in auto-commit mode, so the transaction begins here, not in the driver.
            StringBuilder sb = new StringBuilder(oneFlight ? "BEGIN" : "SET TRANSACTION");
            if (options.isolation() != null) {
                sb.append(" ISOLATION LEVEL ").append(options.isolation().sql());
            }
            if (options.readOnly()) {
                sb.append(options.isolation() != null ? "," : "").append(" READ ONLY");
            }
            if (options.deferrable()) {
                sb.append(options.isolation() != null || options.readOnly() ? "," : "").append(" DEFERRABLE");
            }
            commands.add(sb.toString());
        }
        long timeout = effectiveStatementTimeoutMillis(System.nanoTime());
        if (timeout > 0) {
            commands.add("SET LOCAL statement_timeout = " + timeout);
        }
        if (options.lockTimeout() != null) {
            commands.add("SET LOCAL lock_timeout = " + options.lockTimeout().toMillis());
        }
        if (options.idleInTransactionTimeout() != null) {
            commands.add("SET LOCAL idle_in_transaction_session_timeout = "
                    + options.idleInTransactionTimeout().toMillis());
        }
        for (Map.Entry<String, String> setting : options.settings().entrySet()) {
            commands.add("SET LOCAL " + setting.getKey() + " = " + literal(setting.getValue()));
        }
        return commands;
    }

    /** Caps the statement timeout by the time left; records what is in force from now on. */
    private long effectiveStatementTimeoutMillis(long now) {
        long option = options.statementTimeout() == null ? 0 : options.statementTimeout().toMillis();
        long effective = option;
        timeoutFromDeadline = false;
        if (deadline != null) {
            long left = Math.max(1, (deadlineNanos - now) / 1_000_000L);
            if (option == 0 || left < option) {
                effective = left;
                timeoutFromDeadline = true;
            }
        }
        timeoutInForceMillis = effective;
        return effective;
    }

    /** A SET LOCAL re-capping the timeout when the one in force would let the next statement outrun the deadline. */
    private String deadlineRecap() {
        long now = System.nanoTime();
        long wouldEnd = timeoutInForceMillis == 0 ? Long.MAX_VALUE : now + timeoutInForceMillis * 1_000_000L;
        if (timeoutInForceMillis != 0 && wouldEnd - deadlineNanos <= DEADLINE_TOLERANCE_NANOS) {
            return null;
        }
        return "SET LOCAL statement_timeout = " + effectiveStatementTimeoutMillis(now);
    }

    /** An escape-string literal: the same meaning whatever {@code standard_conforming_strings} says. */
    static String literal(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 4).append("E'");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\'' || c == '\\') {
                sb.append(c);
            }
            sb.append(c);
        }
        return sb.append('\'').toString();
    }

    @Override
    public void logBeforeExecution(StatementContext context) {
        delegate.logBeforeExecution(context);
    }

    @Override
    public void logAfterExecution(StatementContext context) {
        completedStatements++;
        delegate.logAfterExecution(context);
    }

    @Override
    public void logException(StatementContext context, SQLException ex) {
        if (firstFailure == null) {
            firstFailure = ex;
        }
        delegate.logException(context, ex);
    }

}
