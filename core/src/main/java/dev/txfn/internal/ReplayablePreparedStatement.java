package dev.txfn.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;

/**
 * A delegating prepared statement that remembers every parameter and option set on it (and
 * {@code clearParameters}) while {@link #recording()}, so that they can be set again, in order, on a statement
 * prepared anew in its place. Not thread-safe, like the statement it wraps.
 *
 * <p>A stream given while recording is read into memory first, and each statement gets its own reader over the
 * copy: a driver may read a stream as soon as it is set (pgjdbc does for characters and large objects), which
 * would leave nothing for the statement prepared anew.
 */
abstract class ReplayablePreparedStatement extends DelegatingPreparedStatement {
    /** One setter call, to be made again on another statement. */
    @FunctionalInterface
    interface Setter {
        void applyTo(PreparedStatement statement) throws SQLException;
    }

    private final List<Setter> setters = new ArrayList<>();

    ReplayablePreparedStatement(PreparedStatement current) {
        super(current);
    }

    /** Whether setters are still remembered: once a statement cannot be re-prepared any more, they need not be. */
    abstract boolean recording();

    /** Makes the remembered setter calls again on {@code fresh}, in the order they were made, and forgets them. */
    final void replayOn(PreparedStatement fresh) throws SQLException {
        for (Setter setter : setters) {
            setter.applyTo(fresh);
        }
        setters.clear();
    }

    private void record(Setter setter) {
        if (recording()) {
            setters.add(setter);
        }
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        record(statement -> statement.setCursorName(name));
        current.setCursorName(name);
    }

    @Override
    public void setEscapeProcessing(boolean on) throws SQLException {
        record(statement -> statement.setEscapeProcessing(on));
        current.setEscapeProcessing(on);
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        record(statement -> statement.setFetchDirection(direction));
        current.setFetchDirection(direction);
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        record(statement -> statement.setFetchSize(rows));
        current.setFetchSize(rows);
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        record(statement -> statement.setLargeMaxRows(max));
        current.setLargeMaxRows(max);
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        record(statement -> statement.setMaxFieldSize(max));
        current.setMaxFieldSize(max);
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        record(statement -> statement.setMaxRows(max));
        current.setMaxRows(max);
    }

    @Override
    public void setPoolable(boolean on) throws SQLException {
        record(statement -> statement.setPoolable(on));
        current.setPoolable(on);
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        record(statement -> statement.setQueryTimeout(seconds));
        current.setQueryTimeout(seconds);
    }

    @Override
    public void clearParameters() throws SQLException {
        record(statement -> statement.clearParameters());
        current.clearParameters();
    }

    @Override
    public void setArray(int index, Array value) throws SQLException {
        record(statement -> statement.setArray(index, value));
        current.setArray(index, value);
    }

    @Override
    public void setAsciiStream(int index, InputStream value) throws SQLException {
        if (!recording() || value == null) {
            current.setAsciiStream(index, value);
            return;
        }
        byte[] bytes = StreamParameters.bytes(value, index, -1);
        record(statement -> statement.setAsciiStream(index, new ByteArrayInputStream(bytes)));
        current.setAsciiStream(index, new ByteArrayInputStream(bytes));
    }

    @Override
    public void setAsciiStream(int index, InputStream value, int length) throws SQLException {
        if (!recording() || value == null) {
            current.setAsciiStream(index, value, length);
            return;
        }
        byte[] bytes = StreamParameters.bytes(value, index, length);
        record(statement -> statement.setAsciiStream(index, new ByteArrayInputStream(bytes), length));
        current.setAsciiStream(index, new ByteArrayInputStream(bytes), length);
    }

    @Override
    public void setAsciiStream(int index, InputStream value, long length) throws SQLException {
        if (!recording() || value == null) {
            current.setAsciiStream(index, value, length);
            return;
        }
        byte[] bytes = StreamParameters.bytes(value, index, length);
        record(statement -> statement.setAsciiStream(index, new ByteArrayInputStream(bytes), length));
        current.setAsciiStream(index, new ByteArrayInputStream(bytes), length);
    }

    @Override
    public void setBigDecimal(int index, BigDecimal value) throws SQLException {
        record(statement -> statement.setBigDecimal(index, value));
        current.setBigDecimal(index, value);
    }

    @Override
    public void setBinaryStream(int index, InputStream value) throws SQLException {
        if (!recording() || value == null) {
            current.setBinaryStream(index, value);
            return;
        }
        byte[] bytes = StreamParameters.bytes(value, index, -1);
        record(statement -> statement.setBinaryStream(index, new ByteArrayInputStream(bytes)));
        current.setBinaryStream(index, new ByteArrayInputStream(bytes));
    }

    @Override
    public void setBinaryStream(int index, InputStream value, int length) throws SQLException {
        if (!recording() || value == null) {
            current.setBinaryStream(index, value, length);
            return;
        }
        byte[] bytes = StreamParameters.bytes(value, index, length);
        record(statement -> statement.setBinaryStream(index, new ByteArrayInputStream(bytes), length));
        current.setBinaryStream(index, new ByteArrayInputStream(bytes), length);
    }

    @Override
    public void setBinaryStream(int index, InputStream value, long length) throws SQLException {
        if (!recording() || value == null) {
            current.setBinaryStream(index, value, length);
            return;
        }
        byte[] bytes = StreamParameters.bytes(value, index, length);
        record(statement -> statement.setBinaryStream(index, new ByteArrayInputStream(bytes), length));
        current.setBinaryStream(index, new ByteArrayInputStream(bytes), length);
    }

    @Override
    public void setBlob(int index, InputStream value) throws SQLException {
        if (!recording() || value == null) {
            current.setBlob(index, value);
            return;
        }
        byte[] bytes = StreamParameters.bytes(value, index, -1);
        record(statement -> statement.setBlob(index, new ByteArrayInputStream(bytes)));
        current.setBlob(index, new ByteArrayInputStream(bytes));
    }

    @Override
    public void setBlob(int index, Blob value) throws SQLException {
        record(statement -> statement.setBlob(index, value));
        current.setBlob(index, value);
    }

    @Override
    public void setBlob(int index, InputStream value, long length) throws SQLException {
        if (!recording() || value == null) {
            current.setBlob(index, value, length);
            return;
        }
        byte[] bytes = StreamParameters.bytes(value, index, length);
        record(statement -> statement.setBlob(index, new ByteArrayInputStream(bytes), length));
        current.setBlob(index, new ByteArrayInputStream(bytes), length);
    }

    @Override
    public void setBoolean(int index, boolean value) throws SQLException {
        record(statement -> statement.setBoolean(index, value));
        current.setBoolean(index, value);
    }

    @Override
    public void setByte(int index, byte value) throws SQLException {
        record(statement -> statement.setByte(index, value));
        current.setByte(index, value);
    }

    @Override
    public void setBytes(int index, byte[] value) throws SQLException {
        record(statement -> statement.setBytes(index, value));
        current.setBytes(index, value);
    }

    @Override
    public void setCharacterStream(int index, Reader value) throws SQLException {
        if (!recording() || value == null) {
            current.setCharacterStream(index, value);
            return;
        }
        String text = StreamParameters.text(value, index, -1);
        record(statement -> statement.setCharacterStream(index, new StringReader(text)));
        current.setCharacterStream(index, new StringReader(text));
    }

    @Override
    public void setCharacterStream(int index, Reader value, int length) throws SQLException {
        if (!recording() || value == null) {
            current.setCharacterStream(index, value, length);
            return;
        }
        String text = StreamParameters.text(value, index, length);
        record(statement -> statement.setCharacterStream(index, new StringReader(text), length));
        current.setCharacterStream(index, new StringReader(text), length);
    }

    @Override
    public void setCharacterStream(int index, Reader value, long length) throws SQLException {
        if (!recording() || value == null) {
            current.setCharacterStream(index, value, length);
            return;
        }
        String text = StreamParameters.text(value, index, length);
        record(statement -> statement.setCharacterStream(index, new StringReader(text), length));
        current.setCharacterStream(index, new StringReader(text), length);
    }

    @Override
    public void setClob(int index, Reader value) throws SQLException {
        if (!recording() || value == null) {
            current.setClob(index, value);
            return;
        }
        String text = StreamParameters.text(value, index, -1);
        record(statement -> statement.setClob(index, new StringReader(text)));
        current.setClob(index, new StringReader(text));
    }

    @Override
    public void setClob(int index, Clob value) throws SQLException {
        record(statement -> statement.setClob(index, value));
        current.setClob(index, value);
    }

    @Override
    public void setClob(int index, Reader value, long length) throws SQLException {
        if (!recording() || value == null) {
            current.setClob(index, value, length);
            return;
        }
        String text = StreamParameters.text(value, index, length);
        record(statement -> statement.setClob(index, new StringReader(text), length));
        current.setClob(index, new StringReader(text), length);
    }

    @Override
    public void setDate(int index, Date value) throws SQLException {
        record(statement -> statement.setDate(index, value));
        current.setDate(index, value);
    }

    @Override
    public void setDate(int index, Date value, Calendar calendar) throws SQLException {
        record(statement -> statement.setDate(index, value, calendar));
        current.setDate(index, value, calendar);
    }

    @Override
    public void setDouble(int index, double value) throws SQLException {
        record(statement -> statement.setDouble(index, value));
        current.setDouble(index, value);
    }

    @Override
    public void setFloat(int index, float value) throws SQLException {
        record(statement -> statement.setFloat(index, value));
        current.setFloat(index, value);
    }

    @Override
    public void setInt(int index, int value) throws SQLException {
        record(statement -> statement.setInt(index, value));
        current.setInt(index, value);
    }

    @Override
    public void setLong(int index, long value) throws SQLException {
        record(statement -> statement.setLong(index, value));
        current.setLong(index, value);
    }

    @Override
    public void setNCharacterStream(int index, Reader value) throws SQLException {
        if (!recording() || value == null) {
            current.setNCharacterStream(index, value);
            return;
        }
        String text = StreamParameters.text(value, index, -1);
        record(statement -> statement.setNCharacterStream(index, new StringReader(text)));
        current.setNCharacterStream(index, new StringReader(text));
    }

    @Override
    public void setNCharacterStream(int index, Reader value, long length) throws SQLException {
        if (!recording() || value == null) {
            current.setNCharacterStream(index, value, length);
            return;
        }
        String text = StreamParameters.text(value, index, length);
        record(statement -> statement.setNCharacterStream(index, new StringReader(text), length));
        current.setNCharacterStream(index, new StringReader(text), length);
    }

    @Override
    public void setNClob(int index, Reader value) throws SQLException {
        if (!recording() || value == null) {
            current.setNClob(index, value);
            return;
        }
        String text = StreamParameters.text(value, index, -1);
        record(statement -> statement.setNClob(index, new StringReader(text)));
        current.setNClob(index, new StringReader(text));
    }

    @Override
    public void setNClob(int index, NClob value) throws SQLException {
        record(statement -> statement.setNClob(index, value));
        current.setNClob(index, value);
    }

    @Override
    public void setNClob(int index, Reader value, long length) throws SQLException {
        if (!recording() || value == null) {
            current.setNClob(index, value, length);
            return;
        }
        String text = StreamParameters.text(value, index, length);
        record(statement -> statement.setNClob(index, new StringReader(text), length));
        current.setNClob(index, new StringReader(text), length);
    }

    @Override
    public void setNString(int index, String value) throws SQLException {
        record(statement -> statement.setNString(index, value));
        current.setNString(index, value);
    }

    @Override
    public void setNull(int index, int sqlType) throws SQLException {
        record(statement -> statement.setNull(index, sqlType));
        current.setNull(index, sqlType);
    }

    @Override
    public void setNull(int index, int sqlType, String typeName) throws SQLException {
        record(statement -> statement.setNull(index, sqlType, typeName));
        current.setNull(index, sqlType, typeName);
    }

    @Override
    public void setObject(int index, Object value) throws SQLException {
        record(statement -> statement.setObject(index, value));
        current.setObject(index, value);
    }

    @Override
    public void setObject(int index, Object value, int targetSqlType) throws SQLException {
        record(statement -> statement.setObject(index, value, targetSqlType));
        current.setObject(index, value, targetSqlType);
    }

    @Override
    public void setObject(int index, Object value, SQLType targetSqlType) throws SQLException {
        record(statement -> statement.setObject(index, value, targetSqlType));
        current.setObject(index, value, targetSqlType);
    }

    @Override
    public void setObject(int index, Object value, int targetSqlType, int scaleOrLength) throws SQLException {
        record(statement -> statement.setObject(index, value, targetSqlType, scaleOrLength));
        current.setObject(index, value, targetSqlType, scaleOrLength);
    }

    @Override
    public void setObject(int index, Object value, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        record(statement -> statement.setObject(index, value, targetSqlType, scaleOrLength));
        current.setObject(index, value, targetSqlType, scaleOrLength);
    }

    @Override
    public void setRef(int index, Ref value) throws SQLException {
        record(statement -> statement.setRef(index, value));
        current.setRef(index, value);
    }

    @Override
    public void setRowId(int index, RowId value) throws SQLException {
        record(statement -> statement.setRowId(index, value));
        current.setRowId(index, value);
    }

    @Override
    public void setSQLXML(int index, SQLXML value) throws SQLException {
        record(statement -> statement.setSQLXML(index, value));
        current.setSQLXML(index, value);
    }

    @Override
    public void setShort(int index, short value) throws SQLException {
        record(statement -> statement.setShort(index, value));
        current.setShort(index, value);
    }

    @Override
    public void setString(int index, String value) throws SQLException {
        record(statement -> statement.setString(index, value));
        current.setString(index, value);
    }

    @Override
    public void setTime(int index, Time value) throws SQLException {
        record(statement -> statement.setTime(index, value));
        current.setTime(index, value);
    }

    @Override
    public void setTime(int index, Time value, Calendar calendar) throws SQLException {
        record(statement -> statement.setTime(index, value, calendar));
        current.setTime(index, value, calendar);
    }

    @Override
    public void setTimestamp(int index, Timestamp value) throws SQLException {
        record(statement -> statement.setTimestamp(index, value));
        current.setTimestamp(index, value);
    }

    @Override
    public void setTimestamp(int index, Timestamp value, Calendar calendar) throws SQLException {
        record(statement -> statement.setTimestamp(index, value, calendar));
        current.setTimestamp(index, value, calendar);
    }

    @Override
    public void setURL(int index, URL value) throws SQLException {
        record(statement -> statement.setURL(index, value));
        current.setURL(index, value);
    }

    @Deprecated
    @Override
    public void setUnicodeStream(int index, InputStream value, int length) throws SQLException {
        if (!recording() || value == null) {
            current.setUnicodeStream(index, value, length);
            return;
        }
        byte[] bytes = StreamParameters.bytes(value, index, length);
        record(statement -> statement.setUnicodeStream(index, new ByteArrayInputStream(bytes), length));
        current.setUnicodeStream(index, new ByteArrayInputStream(bytes), length);
    }
}
