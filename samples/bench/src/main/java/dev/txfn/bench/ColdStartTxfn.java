package dev.txfn.bench;

import dev.txfn.Database;
import dev.txfn.Tx;

/**
 * Cold-start variant 3: a minimal handler written with txfn's core alone: the constructor builds
 * {@code Database.fromEnv()} (which connects lazily) and a {@code Tx}; the first request runs one SELECT in
 * {@code tx.readOnly}. Run as a child process by {@link ColdStartMeasure}.
 */
public final class ColdStartTxfn {

    private final Tx tx;

    private ColdStartTxfn() {
        this.tx = Tx.create(Database.fromEnv());
    }

    private String handle(long id) {
        return tx.readOnly(h -> h.createQuery(BenchSchema.SELECT_NAME).bind(0, id).mapTo(String.class).one());
    }

    /**
     * Starts, serves one request, prints the timings and exits.
     *
     * @param args none
     */
    public static void main(String[] args) {
        long mainNanos = System.nanoTime();
        ColdStartTxfn handler = new ColdStartTxfn();
        long setupNanos = System.nanoTime();
        String result = handler.handle(ColdStartProbe.THING_ID);
        long resultNanos = System.nanoTime();
        ColdStartProbe.report(mainNanos, setupNanos, resultNanos, System.currentTimeMillis(), result);
    }
}
