package dev.txfn.lambda.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request path in the two forms the adapter needs: percent-encoded (for {@code HttpRequest.path()} and a
 * problem's {@code instance}) and as decoded segments (for matching and path parameters). Empty segments (a
 * trailing or repeated slash) are dropped.
 *
 * <p>Each segment is decoded exactly once, after splitting, so an encoded slash ({@code %2F}) stays inside its
 * segment. Which form an event carries differs by source: a REST API's {@code path} and the local server's path
 * are percent-encoded as sent, while an HTTP API delivers {@code rawPath} already decoded (whatever the name
 * says), so it is split but never decoded again.
 *
 * @param encoded the path percent-encoded, e.g. {@code /things/a%2Fb}
 * @param segments the decoded segments, e.g. {@code [things, a/b]}
 */
public record RequestPath(String encoded, List<String> segments) {

    /** Copies the segments. */
    public RequestPath {
        segments = List.copyOf(segments);
    }

    /**
     * A path as sent on the wire: split on {@code /}, then each segment percent-decoded as UTF-8. An escape that
     * is not {@code %} and two hex digits is kept as sent; a segment whose escapes are not UTF-8 is kept as sent.
     *
     * @param path e.g. {@code /things/%2541}
     * @return the path, {@code path} itself as the encoded form
     */
    public static RequestPath ofEncoded(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(decodeSegment(segment));
            }
        }
        return new RequestPath(path, segments);
    }

    /**
     * A path already percent-decoded (an HTTP API's {@code rawPath}): split on {@code /} and not decoded again,
     * so {@code %41} stays {@code %41}. The encoded form escapes each segment.
     *
     * @param path e.g. {@code /things/%41}
     * @return the path, with e.g. {@code /things/%2541} as the encoded form
     */
    public static RequestPath ofDecoded(String path) {
        List<String> segments = new ArrayList<>();
        StringBuilder encoded = new StringBuilder(path.length() + 8);
        for (String segment : path.split("/", -1)) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
            encoded.append(encodeSegment(segment)).append('/');
        }
        encoded.setLength(encoded.length() - 1);
        return new RequestPath(encoded.isEmpty() ? "/" : encoded.toString(), segments);
    }

    /** RFC 3986 percent-decoding; unlike URLDecoder, '+' stays '+'. */
    static String decodeSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        int i = 0;
        while (i < segment.length()) {
            int hi = segment.charAt(i) == '%' && i + 2 < segment.length()
                    ? Character.digit(segment.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(segment.charAt(i + 2), 16) : -1;
            if (lo >= 0) {
                out.write(hi * 16 + lo);
                i += 3;
            } else {
                int cp = segment.codePointAt(i);
                byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(cp);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return segment; // escapes of bytes that are not UTF-8: no silent U+FFFD
        }
    }

    /** Escapes what RFC 3986 does not allow literally in a segment (pchar); '%' becomes %25. */
    static String encodeSegment(String segment) {
        StringBuilder out = null;
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (isPchar(b)) {
                if (out != null) {
                    out.append((char) b);
                }
            } else {
                if (out == null) {
                    out = new StringBuilder(bytes.length + 16);
                    for (int j = 0; j < i; j++) {
                        out.append((char) bytes[j]);
                    }
                }
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out == null ? segment : out.toString();
    }

    private static boolean isPchar(int b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
                || "-._~!$&'()*+,;=:@".indexOf(b) >= 0;
    }
}
