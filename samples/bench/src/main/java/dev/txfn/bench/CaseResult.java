package dev.txfn.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one case of one measure, and their ratios to the baseline measured in the same run. Figures
 * and ratios are keyed by implementation ({@code raw-jdbc}, {@code jdbi}, {@code spring}, {@code txfn}, ...)
 * and by {@code implementation/baseline} respectively; {@link Implementation#label(String)} turns a key into a
 * column heading. Immutable and thread-safe.
 *
 * @param measure the measure's {@link Measure#name() name}
 * @param name the case, for example {@code serializable}
 * @param description the case in words
 * @param unit the unit of every figure, for example {@code round trips} or {@code ms/tx (median)}
 * @param figures the value per implementation, in column order
 * @param ratios figure divided by the baseline's figure, keyed {@code implementation/baseline}
 * @param notes anything a reader of the numbers must know, e.g. a count that was not the same every time
 */
public record CaseResult(String measure, String name, String description, String unit, Map<String, Number> figures,
        Map<String, Double> ratios, List<String> notes) {

    /** Copies the collections, keeping their order. */
    public CaseResult {
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        ratios = Collections.unmodifiableMap(new LinkedHashMap<>(ratios));
        notes = List.copyOf(notes);
    }

    /**
     * The ratio of one figure to another, or {@code NaN} when either is missing or the divisor is zero.
     *
     * @param figures the figures of a case
     * @param numerator the key of the dividend
     * @param denominator the key of the divisor
     * @return the ratio
     */
    static double ratio(Map<String, ? extends Number> figures, String numerator, String denominator) {
        Number top = figures.get(numerator);
        Number bottom = figures.get(denominator);
        if (top == null || bottom == null || bottom.doubleValue() == 0) {
            return Double.NaN;
        }
        return top.doubleValue() / bottom.doubleValue();
    }
}
