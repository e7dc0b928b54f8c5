package borealis.engine.pg.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes server messages into a growing byte array. Stateless apart from the buffer; every method
 * appends one complete message: {@code byte type | int32 length (including itself) | body}.
 */
public final class BackendWriter {

    /** One column of a RowDescription. */
    public record Column(String name, int tableOid, short attnum, int typeOid, short typlen, int typmod, short format) {}

    private byte[] buf;
    private int size;
    private int messageStart = -1;

    public BackendWriter() {
        this(256);
    }

    public BackendWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** DataRow and CopyData messages written so far: output that shows data. */
    public long rows() {
        return rows;
    }

    private long rows;

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The bytes written so far, and a reset. */
    public byte[] take() {
        byte[] out = Arrays.copyOf(buf, size);
        size = 0;
        return out;
    }

    /** The buffer's current capacity in bytes (it grows as messages need). */
    public int capacity() {
        return buf.length;
    }

    // ---- framing ----

    private void begin(char type) {
        ensure(5);
        buf[size++] = (byte) type;
        messageStart = size;
        size += 4;
    }

    private void end() {
        int len = size - messageStart;
        buf[messageStart] = (byte) (len >>> 24);
        buf[messageStart + 1] = (byte) (len >>> 16);
        buf[messageStart + 2] = (byte) (len >>> 8);
        buf[messageStart + 3] = (byte) len;
        messageStart = -1;
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    public BackendWriter int8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public BackendWriter int16(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    public BackendWriter int32(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    public BackendWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public BackendWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    public BackendWriter cstring(String s) {
        bytes(s.getBytes(StandardCharsets.UTF_8));
        return int8(0);
    }

    /** Appends already-encoded messages (from another writer). */
    public BackendWriter raw(byte[] messages) {
        return bytes(messages);
    }

    // ---- authentication ----

    /** R 0. */
    public void authenticationOk() {
        begin('R');
        int32(0);
        end();
    }

    /** R 10: the SASL mechanisms offered, each NUL-terminated, then an empty one. */
    public void authenticationSasl(String... mechanisms) {
        begin('R');
        int32(10);
        for (String m : mechanisms) {
            cstring(m);
        }
        int8(0);
        end();
    }

    /** R 11: server-first-message. */
    public void authenticationSaslContinue(byte[] data) {
        begin('R');
        int32(11);
        bytes(data);
        end();
    }

    /** R 12: server-final-message. */
    public void authenticationSaslFinal(byte[] data) {
        begin('R');
        int32(12);
        bytes(data);
        end();
    }

    /** R 3: ask for a cleartext password. */
    public void authenticationCleartextPassword() {
        begin('R');
        int32(3);
        end();
    }

    /** S: ParameterStatus. */
    public void parameterStatus(String name, String value) {
        begin('S');
        cstring(name);
        cstring(value);
        end();
    }

    /** K: BackendKeyData (process id, secret key) for CancelRequest. */
    public void backendKeyData(int processId, int secretKey) {
        begin('K');
        int32(processId);
        int32(secretKey);
        end();
    }

    /** A: NotificationResponse (the notifying session's process id, the channel, the payload). */
    public void notificationResponse(int processId, String channel, String payload) {
        begin('A');
        int32(processId);
        cstring(channel);
        cstring(payload);
        end();
    }

    /** Z: ReadyForQuery with the transaction status: 'I' idle, 'T' in a block, 'E' failed block. */
    public void readyForQuery(char status) {
        begin('Z');
        int8(status);
        end();
    }

    // ---- query results ----

    /** T: RowDescription. */
    public void rowDescription(Column[] columns) {
        begin('T');
        int16(columns.length);
        for (Column c : columns) {
            cstring(c.name());
            int32(c.tableOid());
            int16(c.attnum());
            int32(c.typeOid());
            int16(c.typlen());
            int32(c.typmod());
            int16(c.format());
        }
        end();
    }

    /** Starts a DataRow of {@code n} values; follow with {@link #value} or {@link #nullValue} n times, then {@link #endDataRow}. */
    public void beginDataRow(int n) {
        rows++;
        begin('D');
        int16(n);
    }

    public void value(byte[] v) {
        int32(v.length);
        bytes(v);
    }

    public void nullValue() {
        int32(-1);
    }

    public void endDataRow() {
        end();
    }

    /** C: CommandComplete with its tag ("SELECT 3", "INSERT 0 1", "BEGIN"...). */
    public void commandComplete(String tag) {
        begin('C');
        cstring(tag);
        end();
    }

    /** I: the query string was empty. */
    public void emptyQueryResponse() {
        begin('I');
        end();
    }

    public void parseComplete() {
        begin('1');
        end();
    }

    public void bindComplete() {
        begin('2');
        end();
    }

    public void closeComplete() {
        begin('3');
        end();
    }

    /** n: the statement or portal returns no rows. */
    public void noData() {
        begin('n');
        end();
    }

    /** s: Execute stopped at its row limit; the portal has more rows. */
    public void portalSuspended() {
        begin('s');
        end();
    }

    /** t: ParameterDescription. */
    public void parameterDescription(int[] typeOids) {
        begin('t');
        int16(typeOids.length);
        for (int t : typeOids) {
            int32(t);
        }
        end();
    }

    // ---- COPY ----

    /** G: CopyInResponse (text/CSV: overall format 0, every column format 0). */
    public void copyInResponse(int columns) {
        copyInResponse(columns, false);
    }

    /** With {@code binary}, the overall format and every column's are 1 (COPY ... (FORMAT binary)). */
    public void copyInResponse(int columns, boolean binary) {
        begin('G');
        int8(binary ? 1 : 0);
        int16(columns);
        for (int i = 0; i < columns; i++) {
            int16(binary ? 1 : 0);
        }
        end();
    }

    /** H: CopyOutResponse. */
    public void copyOutResponse(int columns) {
        copyOutResponse(columns, false);
    }

    /** With {@code binary}, the overall format and every column's are 1 (COPY ... (FORMAT binary)). */
    public void copyOutResponse(int columns, boolean binary) {
        begin('H');
        int8(binary ? 1 : 0);
        int16(columns);
        for (int i = 0; i < columns; i++) {
            int16(binary ? 1 : 0);
        }
        end();
    }

    public void copyData(byte[] data) {
        rows++;
        begin('d');
        bytes(data);
        end();
    }

    public void copyDone() {
        begin('c');
        end();
    }

    // ---- errors and notices ----

    /** E: ErrorResponse with severity, SQLSTATE, message and optional detail and hint. */
    public void errorResponse(String severity, String sqlState, String message, String detail, String hint, int position) {
        errorResponse(severity, sqlState, message, detail, hint, position, null, null, null, null);
    }

    /** E: ErrorResponse naming the object concerned: schema (s), table (t), column (c), constraint (n), as PostgreSQL does. */
    public void errorResponse(String severity, String sqlState, String message, String detail, String hint, int position,
                              String schema, String table, String column, String constraint) {
        begin('E');
        field('S', severity);
        field('V', severity);
        field('C', sqlState);
        field('M', message);
        if (detail != null) {
            field('D', detail);
        }
        if (hint != null) {
            field('H', hint);
        }
        if (position > 0) {
            field('P', Integer.toString(position));
        }
        if (schema != null) {
            field('s', schema);
        }
        if (table != null) {
            field('t', table);
        }
        if (column != null) {
            field('c', column);
        }
        if (constraint != null) {
            field('n', constraint);
        }
        int8(0);
        end();
    }

    /** N: NoticeResponse. */
    public void noticeResponse(String severity, String sqlState, String message) {
        begin('N');
        field('S', severity);
        field('V', severity);
        field('C', sqlState);
        field('M', message);
        int8(0);
        end();
    }

    private void field(char code, String value) {
        int8(code);
        cstring(value);
    }
}
