package dev.txfn.lambda.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * One flat JSON object, written field by field with jackson-core's streaming generator: what a log line needs,
 * without the tree model ({@code ObjectNode} and the nodes, plus the second mapper its {@code toString} builds)
 * on the cold path. Fields are written in the order they are put, each name once (a name put twice is written
 * twice). Confined to one thread.
 */
public final class JsonLine {
    private static final JsonFactory FACTORY = new JsonFactory();

    private final StringWriter text = new StringWriter();
    private final JsonGenerator generator;
    private String line;

    private JsonLine() {
        try {
            generator = FACTORY.createGenerator(text);
            generator.writeStartObject();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /**
     * Starts an object.
     *
     * @return an empty object
     */
    public static JsonLine object() {
        return new JsonLine();
    }

    /**
     * Adds a text field.
     *
     * @param name the field name
     * @param value the text; {@code null} is written as JSON {@code null}
     * @return this
     */
    public JsonLine put(String name, String value) {
        try {
            name(name);
            generator.writeString(value);
        } catch (IOException e) {
            throw failed(e);
        }
        return this;
    }

    /**
     * Adds a whole-number field.
     *
     * @param name the field name
     * @param value the number
     * @return this
     */
    public JsonLine put(String name, long value) {
        try {
            name(name);
            generator.writeNumber(value);
        } catch (IOException e) {
            throw failed(e);
        }
        return this;
    }

    /**
     * Adds a number field.
     *
     * @param name the field name
     * @param value the number
     * @return this
     */
    public JsonLine put(String name, double value) {
        try {
            name(name);
            generator.writeNumber(value);
        } catch (IOException e) {
            throw failed(e);
        }
        return this;
    }

    /**
     * Adds a boolean field.
     *
     * @param name the field name
     * @param value the value
     * @return this
     */
    public JsonLine put(String name, boolean value) {
        try {
            name(name);
            generator.writeBoolean(value);
        } catch (IOException e) {
            throw failed(e);
        }
        return this;
    }

    /** The object as one line of JSON; no field can be added after. */
    @Override
    public String toString() {
        if (line == null) {
            try {
                generator.writeEndObject();
                generator.close();
            } catch (IOException e) {
                throw failed(e);
            }
            line = text.toString();
        }
        return line;
    }

    private void name(String name) throws IOException {
        if (line != null) {
            throw new IllegalStateException("field " + name + " put after the JSON line was finished");
        }
        generator.writeFieldName(name);
    }

    private static UncheckedIOException failed(IOException e) {
        return new UncheckedIOException("writing a JSON line into memory failed", e);
    }
}
