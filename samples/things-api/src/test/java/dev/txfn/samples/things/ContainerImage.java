package dev.txfn.samples.things;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instructions of the sample's Dockerfile that the AOT cache depends on, read from the file: the
 * {@code ENTRYPOINT} (the runtime command), {@code CMD}, {@code ENV}, {@code COPY} and the {@code RUN} of the
 * training step. Only the forms the Dockerfile uses: JSON arrays for {@code ENTRYPOINT} and {@code CMD}, one
 * {@code NAME="value"} per {@code ENV}, unquoted words in {@code RUN} and {@code COPY}.
 */
final class ContainerImage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String[]> instructions;

    private ContainerImage(List<String[]> instructions) {
        this.instructions = instructions;
    }

    static ContainerImage read(Path dockerfile) {
        List<String[]> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        try {
            for (String line : Files.readAllLines(dockerfile)) {
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.length() == 0)) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                pending.append(trimmed);
                String whole = pending.toString().strip();
                pending.setLength(0);
                int space = whole.indexOf(' ');
                instructions.add(new String[] {whole.substring(0, space), whole.substring(space + 1).strip()});
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dockerfile, e);
        }
        return new ContainerImage(instructions);
    }

    /** The {@code ENTRYPOINT} array: the command each function runs, before its handler. */
    List<String> entrypoint() {
        return jsonArray(only("ENTRYPOINT"));
    }

    /** The {@code CMD} array: the default handler. */
    List<String> cmd() {
        return jsonArray(only("CMD"));
    }

    /** The {@code ENV} variables, in order. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String value : all("ENV")) {
            int equals = value.indexOf('=');
            String text = value.substring(equals + 1);
            env.put(value.substring(0, equals), text.startsWith("\"") ? text.substring(1, text.length() - 1) : text);
        }
        return env;
    }

    /** Each {@code COPY}'s source to its destination. */
    Map<String, String> copies() {
        Map<String, String> copies = new LinkedHashMap<>();
        for (String value : all("COPY")) {
            String[] words = value.split("\\s+");
            copies.put(words[0], words[1]);
        }
        return copies;
    }

    /** The words of the {@code RUN} that runs {@code aot-training}, up to its first {@code &&}. */
    List<String> trainingRun() {
        List<String> runs = all("RUN").stream().filter(run -> run.contains(" aot-training ")).toList();
        if (runs.size() != 1) {
            throw new IllegalStateException("the Dockerfile should have one RUN of aot-training, has " + runs.size());
        }
        String command = runs.get(0);
        int and = command.indexOf("&&");
        return Arrays.asList((and < 0 ? command : command.substring(0, and)).strip().split("\\s+"));
    }

    /** The arguments given to {@code aot-training}, as {@link AotTraining#parse(List)} reads them. */
    List<String> trainingArguments() {
        List<String> run = trainingRun();
        return run.subList(run.indexOf("aot-training") + 1, run.size());
    }

    private String only(String keyword) {
        List<String> values = all(keyword);
        if (values.size() != 1) {
            throw new IllegalStateException("the Dockerfile should have one " + keyword + ", has " + values.size());
        }
        return values.get(0);
    }

    private List<String> all(String keyword) {
        return instructions.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
    }

    private static List<String> jsonArray(String text) {
        try {
            return JSON.readValue(text, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("not a JSON array of strings: " + text, e);
        }
    }
}
