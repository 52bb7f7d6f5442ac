package dev.txfn.bench;

/**
 * Thrown by {@link Measure#run} when the measure cannot run on this machine, for example because a program it
 * needs is not installed: the harness reports the measure as {@code skipped: <reason>} with the message (what to
 * do about it) rather than as failed, and goes on.
 */
public final class MeasureSkippedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * A skip.
     *
     * @param reason a few words, e.g. {@code pgbouncer not installed}
     * @param howToRun what to do so that the measure runs, in Markdown
     */
    public MeasureSkippedException(String reason, String howToRun) {
        super(howToRun);
        this.reason = reason;
    }

    /**
     * Why the measure was skipped.
     *
     * @return a few words
     */
    public String reason() {
        return reason;
    }
}
