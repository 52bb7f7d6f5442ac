package dev.txfn.bench;

import java.util.List;

/**
 * A measure of issue 5 that is planned but not written yet: listed in the report as "not measured yet" rather
 * than left out. Immutable and thread-safe.
 *
 * @param name the identifier the measure will have
 * @param title the heading in the report
 * @param description what it will measure
 */
public record PendingMeasure(String name, String title, String description) implements Measure {

    @Override
    public boolean implemented() {
        return false;
    }

    /** Measures nothing. */
    @Override
    public List<CaseResult> run(BenchContext context, boolean quick) {
        return List.of();
    }
}
