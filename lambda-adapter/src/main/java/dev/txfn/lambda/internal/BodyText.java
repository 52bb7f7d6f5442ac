package dev.txfn.lambda.internal;

import dev.txfn.lambda.HttpProblem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns body bytes into text by the {@code charset} parameter of their {@code Content-Type}, UTF-8 when there is
 * none (what JSON must be, RFC 8259). Strict: bytes that are not valid in the charset are a client error, never
 * replaced with U+FFFD. Stateless.
 */
public final class BodyText {

    private BodyText() {
    }

    /**
     * Decodes the body.
     *
     * @param bytes the body bytes
     * @param contentType the {@code Content-Type} header, or {@code null}
     * @return the text
     * @throws HttpProblem 415 naming the charset if the JVM does not know it; 400 naming the charset and the byte
     *     offset if the bytes are not valid in it
     */
    public static String decode(byte[] bytes, String contentType) {
        Charset charset = charset(contentType);
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            // On a coding error the buffer stops at the first byte that does not decode.
            throw HttpProblem.badRequest("the body is not valid " + charset.name() + " (first bad byte at offset "
                    + in.position() + ")");
        }
    }

    /**
     * The charset a body is decoded with.
     *
     * @param contentType the {@code Content-Type} header, or {@code null}
     * @return its {@code charset} parameter, or UTF-8 when it has none
     * @throws HttpProblem 415 if the JVM does not know the charset
     */
    public static Charset charset(String contentType) {
        Optional<String> name = charsetParameter(contentType);
        if (name.isEmpty()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name.get());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw HttpProblem.of(415, "Unsupported Media Type",
                    "the body's charset '" + name.get() + "' is not supported; send UTF-8");
        }
    }

    /** The value of the {@code charset} parameter, unquoted; empty when absent or empty. */
    static Optional<String> charsetParameter(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0 && parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("charset")) {
                String value = parts[i].substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1).trim();
                }
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a body can travel as text without changing it: its declared charset is UTF-8 (or none is declared)
     * and the bytes are valid UTF-8.
     *
     * @param bytes the body bytes
     * @param contentType the {@code Content-Type} header, or {@code null}
     * @return true if {@code new String(bytes, UTF_8)} is exactly the text the client meant
     */
    public static boolean isUtf8Text(byte[] bytes, String contentType) {
        Optional<String> name = charsetParameter(contentType);
        try {
            if (name.isPresent() && !Charset.forName(name.get()).equals(StandardCharsets.UTF_8)) {
                return false;
            }
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
