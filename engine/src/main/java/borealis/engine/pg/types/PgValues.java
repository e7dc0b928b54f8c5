package borealis.engine.pg.types;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;
import org.h2.api.H2Type;

/**
 * Converts between H2's JDBC values and PostgreSQL's wire encodings, text (format 0) and binary
 * (format 1), in both directions: result columns ({@link #encode}) and parameters ({@link #bind}).
 * Binary layouts follow PostgreSQL's send/recv functions: integers big-endian, dates as days and
 * timestamps as microseconds since 2000-01-01, numeric in base 10000 ({@link BinaryForms}; the
 * client's binary values: {@link BinaryValues}). Text forms of scalars: {@link PgTextForms}.
 */
public final class PgValues {

    private static final HexFormat HEX = HexFormat.of();

    private PgValues() {}

    // ---- results ----

    /** The value of a result column in the requested format, or null for SQL NULL (a timestamptz shown in UTC). */
    public static byte[] encode(ResultSet rs, int col, int oid, boolean binary) throws SQLException {
        return encode(rs, col, oid, binary, ZoneOffset.UTC);
    }

    /** As above, a timestamptz in text shown in the session's time zone {@code zone}. */
    public static byte[] encode(ResultSet rs, int col, int oid, boolean binary, java.time.ZoneId zone) throws SQLException {
        return encode(rs, col, oid, binary, zone, 1);
    }

    /** As above, a float in text with the session's extra_float_digits. */
    public static byte[] encode(ResultSet rs, int col, int oid, boolean binary, java.time.ZoneId zone, int extraFloatDigits)
            throws SQLException {
        PgType t = PgType.byOid(oid);
        if (PgType.isUserArray(oid)) {
            // an enum's array: its labels as text elements, the enum's OID in the binary header
            Object[] values = ArrayValues.read(rs, col);
            if (values == null) {
                return null;
            }
            return binary ? PgArrays.binary(values, PgType.TEXT, PgType.userArrayElement(oid))
                    : PgArrays.text(values, PgType.TEXT).getBytes(StandardCharsets.UTF_8);
        }
        if (t == null && PgType.elementOfArray(oid) == null) {
            // a user type (an enum): its text, which is also its binary form
            String v = rs.getString(col);
            return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
        }
        if (t == null) {
            PgType element = PgType.elementOfArray(oid);
            Object[] values = ArrayValues.read(rs, col);
            if (values == null) {
                return null;
            }
            if (element == PgType.NUMERIC) {
                values = numericElements(values, rs.getMetaData().getColumnTypeName(col));
            }
            return binary ? PgArrays.binary(values, element) : PgArrays.text(values, element).getBytes(StandardCharsets.UTF_8);
        }
        switch (t) {
            case INT2VECTOR, OIDVECTOR: {
                // catalog vectors (pg_index.indkey...): their elements separated by spaces, as PostgreSQL prints them
                Array a = rs.getArray(col);
                if (a == null) {
                    return null;
                }
                Object[] values = (Object[]) a.getArray();
                if (t == PgType.INT2VECTOR) {
                    return int2vector(values, binary);
                }
                PgType element = PgType.OID;
                if (binary) {
                    return PgArrays.binary(values, element);
                }
                StringBuilder sb = new StringBuilder();
                for (Object v : values) {
                    sb.append(sb.length() > 0 ? " " : "").append(v);
                }
                return ascii(sb.toString());
            }
            case BOOL: {
                boolean v = rs.getBoolean(col);
                if (rs.wasNull()) {
                    return null;
                }
                return binary ? new byte[] {(byte) (v ? 1 : 0)} : ascii(v ? "t" : "f");
            }
            case INT2: {
                short v = rs.getShort(col);
                if (rs.wasNull()) {
                    return null;
                }
                return binary ? ByteBuffer.allocate(2).putShort(v).array() : ascii(Short.toString(v));
            }
            case INT4: {
                int v = rs.getInt(col);
                if (rs.wasNull()) {
                    return null;
                }
                return binary ? ByteBuffer.allocate(4).putInt(v).array() : ascii(Integer.toString(v));
            }
            case OID: {
                long v = rs.getLong(col); // unsigned 4 bytes: H2 holds it as a whole NUMERIC
                if (rs.wasNull()) {
                    return null;
                }
                return binary ? ByteBuffer.allocate(4).putInt((int) v).array() : ascii(Long.toString(v));
            }
            case INT8: {
                long v = rs.getLong(col);
                if (rs.wasNull()) {
                    return null;
                }
                return binary ? ByteBuffer.allocate(8).putLong(v).array() : ascii(Long.toString(v));
            }
            case FLOAT4: {
                float v = rs.getFloat(col);
                if (rs.wasNull()) {
                    return null;
                }
                return binary ? ByteBuffer.allocate(4).putFloat(v).array() : ascii(PgTextForms.formatFloat(v, true, extraFloatDigits));
            }
            case FLOAT8: {
                double v = rs.getDouble(col);
                if (rs.wasNull()) {
                    return null;
                }
                return binary ? ByteBuffer.allocate(8).putDouble(v).array() : ascii(PgTextForms.formatFloat(v, false, extraFloatDigits));
            }
            case NUMERIC: {
                BigDecimal v = rs.getBigDecimal(col);
                if (v == null) {
                    return null;
                }
                java.sql.ResultSetMetaData md = rs.getMetaData();
                v = PgNumerics.asPostgres(v, md.getPrecision(col), md.getScale(col));
                return binary ? BinaryForms.numericBinary(v) : ascii(v.toPlainString());
            }
            case BYTEA: {
                byte[] v = rs.getBytes(col);
                if (v == null) {
                    return null;
                }
                return binary ? v : ascii("\\x" + HEX.formatHex(v));
            }
            case DATE: {
                LocalDate v = rs.getObject(col, LocalDate.class);
                if (v == null) {
                    return null;
                }
                return binary
                        ? ByteBuffer.allocate(4).putInt(PgDateTimes.binaryDate(v, ChronoUnit.DAYS.between(BinaryForms.PG_EPOCH_DATE, v))).array()
                        : ascii(PgTextForms.formatDate(v));
            }
            case TIME: {
                LocalTime v = rs.getObject(col, LocalTime.class);
                if (v == null) {
                    return null;
                }
                return binary ? ByteBuffer.allocate(8).putLong(v.toNanoOfDay() / 1000).array() : ascii(PgTextForms.formatTime(v));
            }
            case TIMETZ: {
                OffsetTime v = rs.getObject(col, OffsetTime.class);
                if (v == null) {
                    return null;
                }
                return binary ? ByteBuffer.allocate(12).putLong(v.toLocalTime().toNanoOfDay() / 1000)
                        .putInt(-v.getOffset().getTotalSeconds()).array()
                        : ascii(PgTextForms.formatTime(v.toLocalTime()) + PgTextForms.formatOffset(v.getOffset()));
            }
            case TIMESTAMP: {
                LocalDateTime v = rs.getObject(col, LocalDateTime.class);
                if (v == null) {
                    return null;
                }
                return binary ? ByteBuffer.allocate(8).putLong(BinaryForms.micros(v)).array() : ascii(PgTextForms.formatTimestamp(v));
            }
            case TIMESTAMPTZ: {
                OffsetDateTime v = rs.getObject(col, OffsetDateTime.class);
                if (v == null) {
                    return null;
                }
                if (binary) {
                    LocalDateTime local = v.toLocalDateTime();
                    return ByteBuffer.allocate(8).putLong(PgDateTimes.infinity(local) != 0 ? BinaryForms.micros(local)
                            : BinaryForms.micros(v.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime())).array();
                }
                return ascii(PgDateTimes.formatTimestamptz(v, zone));
            }
            case UUID: {
                UUID v = rs.getObject(col, UUID.class);
                if (v == null) {
                    return null;
                }
                return binary ? ByteBuffer.allocate(16).putLong(v.getMostSignificantBits()).putLong(v.getLeastSignificantBits()).array()
                        : ascii(v.toString());
            }
            case JSON: {
                String v = rs.getString(col);
                if (v == null) {
                    return null;
                }
                if (rs.getMetaData().getColumnType(col) == Types.VARCHAR) {
                    return v.getBytes(StandardCharsets.UTF_8); // json kept as text: as given
                }
                return unwrapJson(v).getBytes(StandardCharsets.UTF_8);
            }
            case JSONB: {
                String v = rs.getString(col);
                if (v == null) {
                    return null;
                }
                byte[] text = PgJsonb.canonical(unwrapJson(v)).getBytes(StandardCharsets.UTF_8);
                if (!binary) {
                    return text;
                }
                byte[] out = new byte[text.length + 1]; // binary jsonb: format version 1, then the text
                out[0] = 1;
                System.arraycopy(text, 0, out, 1, text.length);
                return out;
            }
            case INTERVAL: {
                Object v = rs.getObject(col);
                if (v == null) {
                    return null;
                }
                return PgIntervals.encode(v, binary);
            }
            default: {
                if (rs.isWrapperFor(org.h2.jdbc.JdbcResultSet.class)
                        && rs.unwrap(org.h2.jdbc.JdbcResultSet.class).getInternal(col) instanceof org.h2.value.ValueRow row) {
                    return PgRecords.text(row).getBytes(StandardCharsets.UTF_8); // a record: (1,"a b",)
                }
                String v = rs.getString(col);
                if (v == null) {
                    return null;
                }
                return v.getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * int2vector: its text is the numbers separated by spaces ("1 3"); its binary form is an int2
     * array whose lower bound is 0, as PostgreSQL sends it.
     */
    private static byte[] int2vector(Object[] values, boolean binary) {
        if (!binary) {
            StringBuilder sb = new StringBuilder();
            for (Object v : values) {
                sb.append(sb.length() > 0 ? " " : "").append(v);
            }
            return ascii(sb.toString());
        }
        byte[] b = PgArrays.binary(values, PgType.INT2);
        if (values.length > 0) {
            ByteBuffer.wrap(b).putInt(16, 0); // the dimension's lower bound, after ndim, hasnull, element type and size
        }
        return b;
    }

    /**
     * H2 stores text assigned to a JSON column as a JSON string; PostgreSQL parses it. A JSON string
     * whose content is itself a JSON object or array is shown as that object or array.
     */
    public static String unwrapJson(String json) {
        String t = json.trim();
        if (!t.startsWith("\"")) {
            return json;
        }
        try {
            org.h2.util.json.JSONValue v = org.h2.util.json.JSONStringSource.parse(t, new org.h2.util.json.JSONValueTarget());
            if (v instanceof org.h2.util.json.JSONString s) {
                String inner = s.getString().trim();
                if ((inner.startsWith("{") && inner.endsWith("}")) || (inner.startsWith("[") && inner.endsWith("]"))) {
                    org.h2.util.json.JSONStringSource.parse(inner, new org.h2.util.json.JSONValueTarget());
                    return s.getString();
                }
            }
        } catch (RuntimeException e) {
            // not JSON inside: keep the string
        }
        return json;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** numeric[] elements with the scale PostgreSQL gives them ({@link PgNumerics}), by the array's H2 type name. */
    private static Object[] numericElements(Object[] values, String h2TypeName) {
        int[] declared = PgNumerics.declared(h2TypeName);
        Object[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof BigDecimal d) {
                out[i] = declared == null ? PgNumerics.asPostgres(d, 0, 0) : PgNumerics.asPostgres(d, declared[0], declared[1]);
            }
        }
        return out;
    }

    // ---- parameters ----

    /** Binds one parameter sent by the client in text or binary format, typed by its OID (0 = unspecified). */
    public static void bind(PreparedStatement ps, int index, int oid, boolean binary, byte[] value) throws SQLException {
        bind(ps, index, oid, binary, value, DateOrder.MDY);
    }

    /** {@code order}: the session's DateStyle order, which an all-numeric date in text is read in. */
    public static void bind(PreparedStatement ps, int index, int oid, boolean binary, byte[] value, DateOrder order)
            throws SQLException {
        if (!binary || value == null) {
            bindText(ps, index, oid, value == null ? null : new String(value, StandardCharsets.UTF_8), order, false);
            return;
        }
        if (PgType.isUserArray(oid) || PgType.elementOfArray(oid) != null) {
            ps.setObject(index, BinaryValues.array(value, "bind parameter " + index));
            return;
        }
        PgType t = PgType.byOid(oid);
        if (t == null && oid >= PgType.FIRST_USER_OID) {
            // a user type (an enum, as psycopg sends a registered one): its binary form is its text
            ps.setString(index, new String(value, StandardCharsets.UTF_8));
            return;
        }
        if (t == null) {
            throw new SQLException("binary format is not supported for parameters of type OID " + oid, "22P03");
        }
        // Binary values are the client's bytes: every size in them is checked (BinaryValues).
        Object v = BinaryValues.scalar(t, value, "bind parameter " + index);
        if (t == PgType.JSON && !ParameterTargets.jsonTarget(ps, index)) {
            ps.setString(index, (String) v);
        } else if (t == PgType.JSON || t == PgType.JSONB) {
            ps.setObject(index, v, H2Type.JSON);
        } else if (v instanceof BigDecimal d) {
            int[] target = ParameterTargets.numericTarget(ps, index);
            ps.setBigDecimal(index, target == null ? d : PgNumerics.padded(d, target[0], target[1]));
        } else {
            ps.setObject(index, v);
        }
    }

    /**
     * Binds a value in text form. {@code columnTyped}: {@code oid} is the type of the column the
     * value goes into (COPY), so there is no other date/time target to look up for it.
     */
    public static void bindText(PreparedStatement ps, int index, int oid, String text, DateOrder order, boolean columnTyped)
            throws SQLException {
        if (text == null) {
            ps.setNull(index, nullType(oid));
            return;
        }
        PgType arrayElement = PgType.isUserArray(oid) ? PgType.TEXT : PgType.elementOfArray(oid);
        if (arrayElement != null) {
            ps.setObject(index, PgArrays.fromText(text, arrayElement));
            return;
        }
        if (oid == PgType.BYTEA.oid) {
            ps.setBytes(index, PgTextForms.parseByteaText(text));
        } else if (oid == PgType.DATE.oid) {
            ps.setObject(index, PgDates.parse(text, order));
        } else if (oid == PgType.TIMESTAMP.oid || oid == PgType.TIMESTAMPTZ.oid) {
            // read as PostgreSQL reads it (its error if it rejects it), in the form H2 reads; now and today are H2's
            DateTimeInput.Read read = DateTimeInput.read(oid == PgType.TIMESTAMP.oid ? "TIMESTAMP" : "TIMESTAMP WITH TIME ZONE",
                    text, order);
            ps.setString(index, read == null || read.h2Text() == null ? text : read.h2Text());
        } else if (!columnTyped && ParameterTargets.isDateTimeNeedingRewrite(ps, index, text)) {
            // text such as 'infinity' for a date/time column: in the form H2 reads
            String h2 = PgDateTimes.h2Text(ParameterTargets.dateTimeTarget(ps, index), text);
            ps.setString(index, h2 != null ? h2 : text);
        } else if (oid == PgType.INTERVAL.oid) {
            ps.setObject(index, PgIntervals.parseText(text));
        } else if (oid == PgType.BOOL.oid) {
            ps.setBoolean(index, PgTextForms.parseBool(text));
        } else if (oid == PgType.JSON.oid && !ParameterTargets.jsonTarget(ps, index)) {
            ps.setString(index, text); // into json kept as text (or text): as given
        } else if (oid == PgType.FLOAT8.oid) {
            ps.setDouble(index, PgTextForms.parseFloat(text, "double precision"));
        } else if (oid == PgType.FLOAT4.oid) {
            ps.setFloat(index, (float) PgTextForms.parseFloat(text, "real"));
        } else if (oid == PgType.JSON.oid || oid == PgType.JSONB.oid) {
            ps.setObject(index, text, H2Type.JSON); // parsed as JSON: "x" is a JSON string, not text to wrap in one
        } else if ((oid == PgType.NUMERIC.oid || oid == 0) && looksNumeric(text)
                && (oid == PgType.NUMERIC.oid || ParameterTargets.numericTarget(ps, index) != null)) {
            // a value for a numeric(p,s) column is padded to its scale here: H2 keeps the value's own;
            // 1e3 is 1000 (H2 would pad a negative scale to the column's)
            BigDecimal v = new BigDecimal(text.trim());
            v = v.scale() < 0 ? v.setScale(0) : v;
            int[] target = ParameterTargets.numericTarget(ps, index);
            ps.setBigDecimal(index, target == null ? v : PgNumerics.padded(v, target[0], target[1]));
        } else {
            ps.setString(index, text);
        }
    }

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile(
            "\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*");

    private static boolean looksNumeric(String text) {
        return !text.isEmpty() && text.length() < 2000 && NUMBER.matcher(text).matches();
    }

    private static int nullType(int oid) {
        PgType t = PgType.byOid(oid);
        if (t == null) {
            return Types.NULL;
        }
        return switch (t) {
            case BOOL -> Types.BOOLEAN;
            case INT2 -> Types.SMALLINT;
            case INT4 -> Types.INTEGER;
            case INT8 -> Types.BIGINT;
            case FLOAT4 -> Types.REAL;
            case FLOAT8 -> Types.DOUBLE;
            case NUMERIC -> Types.NUMERIC;
            case BYTEA -> Types.VARBINARY;
            case DATE -> Types.DATE;
            case TIME -> Types.TIME;
            case TIMESTAMP -> Types.TIMESTAMP;
            case TIMESTAMPTZ -> Types.TIMESTAMP_WITH_TIMEZONE;
            case VARCHAR, TEXT, BPCHAR -> Types.VARCHAR;
            default -> Types.NULL;
        };
    }
}
