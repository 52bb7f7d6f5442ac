package dev.txfn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's results as {@code bench-results.json} (one object per measure, each with one object per case holding
 * its figures and ratios) and as Markdown tables. Immutable and thread-safe.
 *
 * @param generatedAt when the run ended, ISO-8601
 * @param mode {@code quick} or {@code full}
 * @param seconds how long the run took
 * @param machine where it ran
 * @param implementations the key and column heading of every implementation
 * @param measures every measure, including those not measured yet
 */
public record BenchReport(String generatedAt, String mode, double seconds, MachineInfo machine,
        Map<String, String> implementations, List<MeasureOutcome> measures) {

    /** Copies the collections. */
    public BenchReport {
        implementations = Collections.unmodifiableMap(new LinkedHashMap<>(implementations));
        measures = List.copyOf(measures);
    }

    /**
     * Writes the JSON.
     *
     * @param file where
     * @throws IOException if it cannot be written
     */
    public void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    /**
     * Renders the Markdown: the machine, then one section per measure with a table of its cases.
     *
     * @return the Markdown
     */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder("# txfn benchmark results\n\n");
        md.append(String.format(Locale.ROOT, "Mode: %s · %s · %.0f s in all. Every ratio divides figures"
                + " measured in this same run.%n%n", mode, generatedAt, seconds));
        md.append("| machine | |\n| --- | --- |\n");
        row(md, "cores", String.valueOf(machine.cores()));
        row(md, "CPU", machine.cpu());
        row(md, "memory", machine.memory());
        row(md, "JVM", machine.jvm());
        row(md, "OS", machine.os());
        row(md, "database", machine.postgres());
        machine.libraries().forEach((library, version) -> row(md, library, version));
        md.append('\n');
        for (MeasureOutcome measure : measures) {
            appendMeasure(md, measure);
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }

    private static void appendMeasure(StringBuilder md, MeasureOutcome measure) {
        md.append("## ").append(measure.title());
        if (!measure.status().equals(MeasureOutcome.MEASURED)) {
            md.append(" — ").append(measure.status());
        }
        md.append("\n\n").append(measure.description()).append("\n\n");
        if (measure.error() != null) {
            md.append("**Failed:** ").append(measure.error()).append("\n\n");
        }
        if (measure.note() != null) {
            md.append(measure.note().strip()).append("\n\n");
        }
        if (measure.cases().isEmpty()) {
            return;
        }
        List<String> figureKeys = new ArrayList<>();
        List<String> ratioKeys = new ArrayList<>();
        for (CaseResult c : measure.cases()) {
            c.figures().keySet().stream().filter(k -> !figureKeys.contains(k)).forEach(figureKeys::add);
            c.ratios().keySet().stream().filter(k -> !ratioKeys.contains(k)).forEach(ratioKeys::add);
        }
        md.append("| case | unit |");
        figureKeys.forEach(k -> md.append(' ').append(Implementation.label(k)).append(" |"));
        ratioKeys.forEach(k -> md.append(' ').append(Implementation.label(k)).append(" |"));
        md.append("\n| --- | --- |");
        md.append(" ---: |".repeat(figureKeys.size() + ratioKeys.size())).append('\n');
        List<String> notes = new ArrayList<>();
        for (CaseResult c : measure.cases()) {
            md.append("| ").append(c.description()).append(" | ").append(c.unit()).append(" |");
            figureKeys.forEach(k -> md.append(' ').append(figure(c.figures().get(k))).append(" |"));
            ratioKeys.forEach(k -> md.append(' ').append(ratio(c.ratios().get(k))).append(" |"));
            md.append('\n');
            c.notes().forEach(note -> notes.add(c.name() + ": " + note));
        }
        md.append('\n');
        if (!notes.isEmpty()) {
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
            md.append('\n');
        }
    }

    private static String figure(Number value) {
        if (value == null) {
            return "–";
        }
        if (value instanceof Long || value instanceof Integer) {
            return value.toString();
        }
        double v = value.doubleValue();
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String ratio(Double value) {
        return value == null || value.isNaN() ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }
}
