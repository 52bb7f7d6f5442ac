package dev.txfn.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.sql.SQLException;

/**
 * Reads a stream given as a statement parameter into memory, so that it can be given again to a statement
 * prepared anew (see {@link ReplayablePreparedStatement}). Stateless.
 */
final class StreamParameters {
    private StreamParameters() {
    }

    /** The characters of {@code reader}: {@code length} of them at most, or all when {@code length < 0}. */
    static String text(Reader reader, int index, long length) throws SQLException {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[8192];
        try {
            while (length < 0 || text.length() < length) {
                int wanted = length < 0 ? buffer.length : (int) Math.min(buffer.length, length - text.length());
                int read = reader.read(buffer, 0, wanted);
                if (read < 0) {
                    break;
                }
                text.append(buffer, 0, read);
            }
        } catch (IOException e) {
            throw unreadable(index, e);
        }
        return text.toString();
    }

    /** The bytes of {@code stream}: {@code length} of them at most, or all when {@code length < 0}. */
    static byte[] bytes(InputStream stream, int index, long length) throws SQLException {
        if (length > Integer.MAX_VALUE - 8) {
            throw new SQLException("the stream for parameter " + index + " of the transaction's first statement is"
                    + " too long to keep in memory for the batch that re-prepares it (" + length + " bytes)",
                    "22023");
        }
        try {
            return length < 0 ? stream.readAllBytes() : stream.readNBytes((int) length);
        } catch (IOException e) {
            throw unreadable(index, e);
        }
    }

    private static SQLException unreadable(int index, IOException e) {
        return new SQLException("could not read the stream given for parameter " + index
                + " of the transaction's first statement: " + e.getMessage(), "58030", e);
    }
}
