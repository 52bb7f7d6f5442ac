package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txfn.testing.RoundTripCounter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A connection lost right as COMMIT is sent leaves the outcome unknown: typed, and never retried blindly. */
class CommitOutcomeTest {

    @Test
    void connectionCutAsCommitIsSentIsReportedAsUnknownAndNotRetried() {
        TestDb.execute("drop table if exists commit_outcome; create table commit_outcome(id serial primary key)");
        try (RoundTripCounter proxy = TestDb.proxy();
                Database db = TestDb.through(proxy, 1, "txfn-commit-outcome-test")) {
            Tx tx = Tx.create(db);
            AtomicInteger runs = new AtomicInteger();

            assertThatThrownBy(() -> tx.useTransaction(h -> {
                runs.incrementAndGet();
                h.execute("insert into commit_outcome default values");
                proxy.cutOnNextClientSend(); // the next thing the driver sends is COMMIT
            })).isInstanceOfSatisfying(CommitOutcomeUnknownException.class,
                    e -> assertThat(e.isTransient()).isFalse());

            assertThat(runs).hasValue(1);
            assertThat(db.activeConnections()).isZero();
        }
    }
}
