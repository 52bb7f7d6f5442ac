package dev.txfn;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test support: a listener that records "begin", "commit" and "rollback" in order. Thread-safe. */
final class EventNames implements TxListener {
    private final List<String> names = new CopyOnWriteArrayList<>();

    @Override
    public void onBegin(TxEvent event) {
        names.add("begin");
    }

    @Override
    public void onCommit(TxEvent event) {
        names.add("commit");
    }

    @Override
    public void onRollback(TxEvent event) {
        names.add("rollback");
    }

    /** What was recorded so far. */
    List<String> names() {
        return List.copyOf(names);
    }
}
