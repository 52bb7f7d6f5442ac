package dev.txfn.bench;

import java.util.List;

/**
 * What became of one measure in a run. Immutable and thread-safe.
 *
 * @param name the measure's identifier
 * @param title its heading
 * @param description what it measures
 * @param status {@value #MEASURED}, {@value #NOT_MEASURED_YET}, {@value #SKIPPED} (optionally followed by
 *     {@code ": "} and the reason, see {@link MeasureSkippedException}) or {@value #FAILED}
 * @param error why it failed, or {@code null}
 * @param seconds how long it ran
 * @param cases its results, empty unless measured
 * @param note what a reader must know besides the results, e.g. how to run a skipped measure, or {@code null}
 */
public record MeasureOutcome(String name, String title, String description, String status, String error,
        double seconds, List<CaseResult> cases, String note) {

    /** The measure ran. */
    public static final String MEASURED = "measured";

    /** The measure is planned but not implemented. */
    public static final String NOT_MEASURED_YET = "not measured yet";

    /** The measure was left out with {@code --only}, or could not run here (then followed by the reason). */
    public static final String SKIPPED = "skipped";

    /** The measure threw. */
    public static final String FAILED = "failed";

    /** Copies the cases. */
    public MeasureOutcome {
        cases = List.copyOf(cases);
    }

    /**
     * Whether the measure was skipped, for whatever reason.
     *
     * @return {@code true} if {@link #status()} is {@value #SKIPPED}, with or without a reason
     */
    public boolean skipped() {
        return status.equals(SKIPPED) || status.startsWith(SKIPPED + ":");
    }
}
