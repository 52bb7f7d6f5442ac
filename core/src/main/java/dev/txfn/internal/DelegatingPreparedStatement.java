package dev.txfn.internal;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A {@link PreparedStatement} that passes every call to another; the {@link java.sql.Statement} calls come from
 * {@link DelegatingStatement}. Not thread-safe, like the statement it wraps.
 */
abstract class DelegatingPreparedStatement extends DelegatingStatement<PreparedStatement>
        implements PreparedStatement {

    DelegatingPreparedStatement(PreparedStatement current) {
        super(current);
    }

    @Override
    public void addBatch() throws SQLException {
        current.addBatch();
    }

    @Override
    public void clearParameters() throws SQLException {
        current.clearParameters();
    }

    @Override
    public boolean execute() throws SQLException {
        return current.execute();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return current.executeLargeUpdate();
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return current.executeQuery();
    }

    @Override
    public int executeUpdate() throws SQLException {
        return current.executeUpdate();
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return current.getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return current.getParameterMetaData();
    }

    @Override
    public void setArray(int index, Array value) throws SQLException {
        current.setArray(index, value);
    }

    @Override
    public void setAsciiStream(int index, InputStream value) throws SQLException {
        current.setAsciiStream(index, value);
    }

    @Override
    public void setAsciiStream(int index, InputStream value, int length) throws SQLException {
        current.setAsciiStream(index, value, length);
    }

    @Override
    public void setAsciiStream(int index, InputStream value, long length) throws SQLException {
        current.setAsciiStream(index, value, length);
    }

    @Override
    public void setBigDecimal(int index, BigDecimal value) throws SQLException {
        current.setBigDecimal(index, value);
    }

    @Override
    public void setBinaryStream(int index, InputStream value) throws SQLException {
        current.setBinaryStream(index, value);
    }

    @Override
    public void setBinaryStream(int index, InputStream value, int length) throws SQLException {
        current.setBinaryStream(index, value, length);
    }

    @Override
    public void setBinaryStream(int index, InputStream value, long length) throws SQLException {
        current.setBinaryStream(index, value, length);
    }

    @Override
    public void setBlob(int index, InputStream value) throws SQLException {
        current.setBlob(index, value);
    }

    @Override
    public void setBlob(int index, Blob value) throws SQLException {
        current.setBlob(index, value);
    }

    @Override
    public void setBlob(int index, InputStream value, long length) throws SQLException {
        current.setBlob(index, value, length);
    }

    @Override
    public void setBoolean(int index, boolean value) throws SQLException {
        current.setBoolean(index, value);
    }

    @Override
    public void setByte(int index, byte value) throws SQLException {
        current.setByte(index, value);
    }

    @Override
    public void setBytes(int index, byte[] value) throws SQLException {
        current.setBytes(index, value);
    }

    @Override
    public void setCharacterStream(int index, Reader value) throws SQLException {
        current.setCharacterStream(index, value);
    }

    @Override
    public void setCharacterStream(int index, Reader value, int length) throws SQLException {
        current.setCharacterStream(index, value, length);
    }

    @Override
    public void setCharacterStream(int index, Reader value, long length) throws SQLException {
        current.setCharacterStream(index, value, length);
    }

    @Override
    public void setClob(int index, Reader value) throws SQLException {
        current.setClob(index, value);
    }

    @Override
    public void setClob(int index, Clob value) throws SQLException {
        current.setClob(index, value);
    }

    @Override
    public void setClob(int index, Reader value, long length) throws SQLException {
        current.setClob(index, value, length);
    }

    @Override
    public void setDate(int index, Date value) throws SQLException {
        current.setDate(index, value);
    }

    @Override
    public void setDate(int index, Date value, Calendar calendar) throws SQLException {
        current.setDate(index, value, calendar);
    }

    @Override
    public void setDouble(int index, double value) throws SQLException {
        current.setDouble(index, value);
    }

    @Override
    public void setFloat(int index, float value) throws SQLException {
        current.setFloat(index, value);
    }

    @Override
    public void setInt(int index, int value) throws SQLException {
        current.setInt(index, value);
    }

    @Override
    public void setLong(int index, long value) throws SQLException {
        current.setLong(index, value);
    }

    @Override
    public void setNCharacterStream(int index, Reader value) throws SQLException {
        current.setNCharacterStream(index, value);
    }

    @Override
    public void setNCharacterStream(int index, Reader value, long length) throws SQLException {
        current.setNCharacterStream(index, value, length);
    }

    @Override
    public void setNClob(int index, Reader value) throws SQLException {
        current.setNClob(index, value);
    }

    @Override
    public void setNClob(int index, NClob value) throws SQLException {
        current.setNClob(index, value);
    }

    @Override
    public void setNClob(int index, Reader value, long length) throws SQLException {
        current.setNClob(index, value, length);
    }

    @Override
    public void setNString(int index, String value) throws SQLException {
        current.setNString(index, value);
    }

    @Override
    public void setNull(int index, int sqlType) throws SQLException {
        current.setNull(index, sqlType);
    }

    @Override
    public void setNull(int index, int sqlType, String typeName) throws SQLException {
        current.setNull(index, sqlType, typeName);
    }

    @Override
    public void setObject(int index, Object value) throws SQLException {
        current.setObject(index, value);
    }

    @Override
    public void setObject(int index, Object value, int targetSqlType) throws SQLException {
        current.setObject(index, value, targetSqlType);
    }

    @Override
    public void setObject(int index, Object value, SQLType targetSqlType) throws SQLException {
        current.setObject(index, value, targetSqlType);
    }

    @Override
    public void setObject(int index, Object value, int targetSqlType, int scaleOrLength) throws SQLException {
        current.setObject(index, value, targetSqlType, scaleOrLength);
    }

    @Override
    public void setObject(int index, Object value, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        current.setObject(index, value, targetSqlType, scaleOrLength);
    }

    @Override
    public void setRef(int index, Ref value) throws SQLException {
        current.setRef(index, value);
    }

    @Override
    public void setRowId(int index, RowId value) throws SQLException {
        current.setRowId(index, value);
    }

    @Override
    public void setSQLXML(int index, SQLXML value) throws SQLException {
        current.setSQLXML(index, value);
    }

    @Override
    public void setShort(int index, short value) throws SQLException {
        current.setShort(index, value);
    }

    @Override
    public void setString(int index, String value) throws SQLException {
        current.setString(index, value);
    }

    @Override
    public void setTime(int index, Time value) throws SQLException {
        current.setTime(index, value);
    }

    @Override
    public void setTime(int index, Time value, Calendar calendar) throws SQLException {
        current.setTime(index, value, calendar);
    }

    @Override
    public void setTimestamp(int index, Timestamp value) throws SQLException {
        current.setTimestamp(index, value);
    }

    @Override
    public void setTimestamp(int index, Timestamp value, Calendar calendar) throws SQLException {
        current.setTimestamp(index, value, calendar);
    }

    @Override
    public void setURL(int index, URL value) throws SQLException {
        current.setURL(index, value);
    }

    @Deprecated
    @Override
    public void setUnicodeStream(int index, InputStream value, int length) throws SQLException {
        current.setUnicodeStream(index, value, length);
    }
}
