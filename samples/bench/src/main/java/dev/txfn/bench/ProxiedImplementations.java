package dev.txfn.bench;

import dev.txfn.testing.RoundTripCounter;
import java.util.ArrayList;
import java.util.List;

/**
 * Implementations opened side by side, each behind its own {@link RoundTripCounter} so that each one's round
 * trips (and injected delay) are its own. Run them in turn, case by case, so that whatever the machine does
 * meanwhile falls on all of them alike. Not thread-safe.
 */
final class ProxiedImplementations implements AutoCloseable {

    /**
     * One implementation and its proxy.
     *
     * @param implementation which one
     * @param counter the proxy its connections go through
     * @param style the opened implementation
     */
    record Proxied(Implementation implementation, RoundTripCounter counter, TransactionStyle style) {
    }

    private final List<Proxied> opened = new ArrayList<>();

    /**
     * Opens every implementation in {@code implementations} through a proxy of its own.
     *
     * @param database the server
     * @param implementations which to open, in order
     */
    ProxiedImplementations(BenchDatabase database, List<Implementation> implementations) {
        try {
            for (Implementation implementation : implementations) {
                RoundTripCounter counter = database.startCounter();
                try {
                    opened.add(new Proxied(implementation, counter, implementation.open(database.through(counter))));
                } catch (RuntimeException e) {
                    counter.close();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    List<Proxied> all() {
        return opened;
    }

    /**
     * Runs every scenario once on every implementation, without idling: opens the connections and gets the
     * one-time work (class loading, statement preparation) out of the way.
     *
     * @param scenarios what to run
     * @param times how many rounds
     * @throws Exception if a transaction fails
     */
    void warmUp(List<Scenario> scenarios, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            for (Scenario scenario : scenarios) {
                for (Proxied p : opened) {
                    p.style().run(scenario);
                }
            }
        }
    }

    @Override
    public void close() {
        for (Proxied p : opened) {
            p.style().close();
            p.counter().close();
        }
        opened.clear();
    }
}
