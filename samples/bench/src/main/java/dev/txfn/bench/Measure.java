package dev.txfn.bench;

import java.util.List;

/**
 * One measure of the benchmark suite (issue 5): runs its cases against the context's database and returns one
 * result per case, each with its figures and its ratios against a baseline measured in the same run.
 *
 * <p>Add a measure by implementing this interface and listing it in {@link BenchMain#measures()}; a measure
 * that is planned but not written yet is listed as a {@link PendingMeasure}, so the report says so.
 *
 * <p>Implementations are used from one thread; they may start threads of their own.
 */
public interface Measure {

    /**
     * A short stable identifier, used in the JSON and with {@code --only}.
     *
     * @return for example {@code round-trips}
     */
    String name();

    /**
     * The heading in the report.
     *
     * @return for example {@code 1. Round trips per transaction}
     */
    String title();

    /**
     * What is measured and how, in a sentence or three of Markdown, printed under the heading.
     *
     * @return the description
     */
    String description();

    /**
     * Whether {@link #run} measures anything yet.
     *
     * @return {@code false} only for a measure that is planned but not implemented
     */
    default boolean implemented() {
        return true;
    }

    /**
     * Runs every case of this measure.
     *
     * @param context the database and the run's settings
     * @param quick whether to run the reduced form (the whole suite in a few minutes)
     * @return one result per case, in the order to report them
     * @throws Exception if the measure cannot complete; the harness reports it and goes on with the next
     */
    List<CaseResult> run(BenchContext context, boolean quick) throws Exception;
}
