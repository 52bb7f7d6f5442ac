package dev.txfn;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Tx#settle()} found: transactions still running and connections still checked out when none
 * should be (at the end of a Lambda invocation, say). Every leaked connection listed here has already been
 * repaired: aborted, so the server rolls back whatever it held open, and evicted from the pool.
 *
 * @param openTransactions transactions of the {@code Tx} still running on some thread
 * @param leaks connections that were still checked out, with where they came from
 */
public record SettleReport(int openTransactions, List<Leak> leaks) {

    /**
     * Creates a report.
     *
     * @param openTransactions transactions still running
     * @param leaks connections still checked out
     */
    public SettleReport {
        leaks = List.copyOf(leaks);
    }

    /**
     * Whether nothing was open: no transaction running, no connection checked out.
     *
     * @return {@code true} when settled
     */
    public boolean isSettled() {
        return openTransactions == 0 && leaks.isEmpty();
    }

    /**
     * A one-paragraph description for a log line; empty when settled.
     *
     * @return the description
     */
    public String describe() {
        if (isSettled()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("not settled: ").append(openTransactions)
                .append(" transaction(s) still running, ").append(leaks.size())
                .append(" connection(s) still checked out (aborted and evicted)");
        for (Leak leak : leaks) {
            sb.append("; ").append(leak);
        }
        return sb.toString();
    }

    /**
     * One connection that was still checked out.
     *
     * @param thread the name of the thread that took it
     * @param threadAlive whether that thread is still running
     * @param held how long it had been checked out
     * @param insideTransaction whether it was taken by a txfn transaction (still running) rather than by code
     *     that bypassed {@link Tx}, e.g. {@code handle.getJdbi().open()}
     * @param site where it was taken (outside a transaction) or where the taking thread is now (inside one)
     */
    public record Leak(String thread, boolean threadAlive, Duration held, boolean insideTransaction,
            List<StackTraceElement> site) {

        /**
         * Creates a leak entry.
         *
         * @param thread the thread name
         * @param threadAlive whether it still runs
         * @param held how long the connection was out
         * @param insideTransaction whether a transaction took it
         * @param site the stack frames
         */
        public Leak {
            site = List.copyOf(site);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("connection held ").append(held.toMillis()).append(" ms by thread '")
                    .append(thread).append(threadAlive ? "'" : "' (ended)")
                    .append(insideTransaction ? " inside a transaction still running" : " outside any transaction");
            int shown = 0;
            for (StackTraceElement frame : site) {
                sb.append(shown == 0 ? (insideTransaction ? ", now at " : ", taken at ") : " <- ").append(frame);
                if (++shown == 8) {
                    break;
                }
            }
            return sb.toString();
        }
    }
}
