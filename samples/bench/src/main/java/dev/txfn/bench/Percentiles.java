package dev.txfn.bench;

import java.util.Arrays;

/**
 * Nearest-rank percentiles and medians of samples, for the measures that report distributions. Stateless and
 * thread-safe.
 */
final class Percentiles {

    private Percentiles() {
    }

    /**
     * The median: the middle value, or the mean of the two middle values.
     *
     * @param values the samples, not modified
     * @return the median, {@code NaN} if there are none
     */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    /**
     * The nearest-rank percentile: the smallest sample with at least {@code p} percent of the samples at or
     * below it (so the p99 of fewer than 100 samples is their maximum).
     *
     * @param sorted the samples, sorted ascending
     * @param p the percentile, 0 to 100
     * @return the percentile, {@code NaN} if there are no samples
     */
    static double nearestRank(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * The nearest-rank percentile of nanosecond samples, in milliseconds.
     *
     * @param sorted the samples in nanoseconds, sorted ascending
     * @param count how many of them are valid, from the start
     * @param p the percentile, 0 to 100
     * @return the percentile in milliseconds, {@code NaN} if there are no samples
     */
    static double nearestRankMillis(long[] sorted, int count, double p) {
        if (count == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1_000_000.0;
    }
}
