package dev.txfn.internal;

import dev.txfn.TxEvent;
import dev.txfn.TxListener;
import java.time.Duration;

/** Two listeners told in order; the second is told even when the first throws. */
final class CompositeTxListener implements TxListener {
    private final TxListener first;
    private final TxListener second;

    private CompositeTxListener(TxListener first, TxListener second) {
        this.first = first;
        this.second = second;
    }

    static TxListener of(TxListener first, TxListener second) {
        if (first == LoggingTxListener.NOOP) {
            return second;
        }
        return new CompositeTxListener(first, second);
    }

    @Override
    public void onBegin(TxEvent event) {
        try {
            first.onBegin(event);
        } finally {
            second.onBegin(event);
        }
    }

    @Override
    public void onCommit(TxEvent event) {
        try {
            first.onCommit(event);
        } finally {
            second.onCommit(event);
        }
    }

    @Override
    public void onRollback(TxEvent event) {
        try {
            first.onRollback(event);
        } finally {
            second.onRollback(event);
        }
    }

    @Override
    public void onRetry(TxEvent event, Duration backoff) {
        try {
            first.onRetry(event, backoff);
        } finally {
            second.onRetry(event, backoff);
        }
    }
}
