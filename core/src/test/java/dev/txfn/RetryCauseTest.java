package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link RetryCause#of}: the SQLSTATE classes behind each cause, found through the callback's own wrapping
 * exceptions. (The typed failures are met for real in {@code TxMetricsTest}.)
 */
class RetryCauseTest {

    @Test
    void sqlStatesMapToTheirCause() {
        assertThat(RetryCause.of(new SQLException("conflict", "40001"))).isEqualTo(RetryCause.SERIALIZATION_FAILURE);
        assertThat(RetryCause.of(new SQLException("deadlock", "40P01"))).isEqualTo(RetryCause.DEADLOCK);
        assertThat(RetryCause.of(new SQLException("read-only", "25006"))).isEqualTo(RetryCause.READ_ONLY_SERVER);
        assertThat(RetryCause.of(new SQLException("reset", "08006"))).isEqualTo(RetryCause.CONNECTION_LOST);
        assertThat(RetryCause.of(new SQLException("admin shutdown", "57P01"))).isEqualTo(RetryCause.CONNECTION_LOST);
        assertThat(RetryCause.of(new SQLException("lock timeout", "55P03"))).isEqualTo(RetryCause.OTHER);
    }

    @Test
    void causeIsFoundThroughTheCallbacksOwnException() {
        RuntimeException wrapped = new IllegalStateException("saving the order failed",
                new SQLException("deadlock", "40P01"));

        assertThat(RetryCause.of(wrapped)).isEqualTo(RetryCause.DEADLOCK);
    }

    @Test
    void failureWithoutADatabaseCauseIsOther() {
        assertThat(RetryCause.of(new IllegalStateException("no SQLSTATE anywhere"))).isEqualTo(RetryCause.OTHER);
        assertThat(RetryCause.of(null)).isEqualTo(RetryCause.OTHER);
    }

    @Test
    void causeChainThatLoopsEndsAsOther() {
        // Two exceptions that are each other's cause: a cycle no JDK check refuses (initCause only refuses self).
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second", first);
        first.initCause(second);

        assertThat(RetryCause.of(first)).isEqualTo(RetryCause.OTHER);
    }

    @Test
    void labelsAreLowerCaseWithUnderscores() {
        assertThat(Arrays.stream(RetryCause.values()).map(RetryCause::label)).containsExactly(
                "serialization_failure", "deadlock", "connection_lost", "read_only_server", "other");
    }
}
