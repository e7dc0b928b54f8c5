package borealis.engine.pg.types;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.UUID;

/** One-dimensional arrays in PostgreSQL's text form ({@code {1,2,NULL,"a b"}}) and binary form (decoding binary: {@link BinaryValues}). */
public final class PgArrays {

    private PgArrays() {}

    /** An array's text form ({1,NULL,"a b"}) of its elements as {@link ArrayValues} gives them. */
    public static String textOf(Object[] values, PgType element) {
        return text(values, element);
    }

    static String text(Object[] values, PgType element) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = values[i];
            if (v == null) {
                sb.append("NULL");
                continue;
            }
            String s = v instanceof Object[] inner ? null : elementText(v, element);
            if (s == null) {
                sb.append(text(inner(v), element)); // a dimension of a multi-dimensional array
            } else if (needsQuotes(s)) {
                sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                sb.append(s);
            }
        }
        return sb.append('}').toString();
    }

    private static Object[] inner(Object v) {
        return (Object[]) v;
    }

    static String elementText(Object v, PgType element) {
        if (v instanceof byte[] b) {
            // H2 hands json elements over as their UTF-8 text, bytea elements as their bytes
            return element == PgType.JSON ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                    : element == PgType.JSONB ? PgJsonb.canonical(new String(b, java.nio.charset.StandardCharsets.UTF_8))
                    : "\\x" + java.util.HexFormat.of().formatHex(b);
        }
        if (v instanceof java.time.OffsetDateTime t) {
            return PgTextForms.formatTimestamp(t.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime()) + "+00";
        }
        if (v instanceof java.time.OffsetTime t) {
            return PgTextForms.formatTime(t.toLocalTime()) + PgTextForms.formatOffset(t.getOffset());
        }
        if (v instanceof java.time.LocalTime t) {
            return PgTextForms.formatTime(t);
        }
        if (v instanceof org.h2.api.Interval iv) {
            return new String(PgIntervals.encode(iv, false), java.nio.charset.StandardCharsets.US_ASCII);
        }
        if (v instanceof Boolean b) {
            return b ? "t" : "f";
        }
        if (v instanceof Double d) {
            return PgTextForms.formatFloat(d, false);
        }
        if (v instanceof Float f) {
            return PgTextForms.formatFloat(f, true);
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof LocalDate d) {
            return PgTextForms.formatDate(d);
        }
        if (v instanceof LocalDateTime d) {
            return PgTextForms.formatTimestamp(d);
        }
        if (v instanceof java.sql.Timestamp t) {
            return PgTextForms.formatTimestamp(t.toLocalDateTime());
        }
        if (v instanceof java.sql.Date d) {
            return PgTextForms.formatDate(d.toLocalDate());
        }
        return v.toString();
    }

    /** An element's text as it stands in an array literal: double-quoted where PostgreSQL quotes it. */
    public static String quoteElement(String s) {
        return needsQuotes(s) ? '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : s;
    }

    private static boolean needsQuotes(String s) {
        if (s.isEmpty() || s.equalsIgnoreCase("NULL")) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '{' || c == '}' || c == '"' || c == '\\' || Character.isWhitespace(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Decodes an array's text form ({1,NULL,"a b"}). Most elements stay strings for H2 to convert;
     * those whose text H2 reads otherwise than PostgreSQL are read here: bytea ({@code \x0102}, not
     * its UTF-8 bytes), json and jsonb (parsed, not wrapped in a JSON string), dates with a zone
     * suffix or BC, booleans ('t'), intervals, floats (Infinity, inf, NaN).
     */
    static Object[] fromText(String text, PgType element) throws java.sql.SQLException {
        Object[] values;
        try {
            values = ArrayLiterals.parse(text);
        } catch (IllegalArgumentException e) {
            throw new java.sql.SQLException(e.getMessage(), "22P02");
        }
        return element == null ? values : convert(values, element);
    }

    private static Object[] convert(Object[] values, PgType element) throws java.sql.SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Object[] inner) {
                values[i] = convert(inner, element);
                continue;
            }
            if (!(values[i] instanceof String v)) {
                continue;
            }
            values[i] = switch (element) {
                case BYTEA -> PgTextForms.parseByteaText(v);
                case JSON, JSONB -> org.h2.value.ValueJson.fromJson(v);
                case DATE -> PgDates.parse(v);
                case BOOL -> PgTextForms.parseBool(v);
                case INTERVAL -> PgIntervals.parseText(v);
                case FLOAT4 -> (float) PgTextForms.parseFloat(v, "real");
                case FLOAT8 -> PgTextForms.parseFloat(v, "double precision");
                default -> v;
            };
        }
        return values;
    }

    /**
     * ndim, has-null flag, element OID, then per dimension (size, lower bound 1), then the
     * length-prefixed elements in row-major order. A multi-dimensional array is nested Object[]s
     * of equal lengths, as PostgreSQL's arrays are rectangular.
     */
    static byte[] binary(Object[] values, PgType element) {
        return binary(values, element, (element == null ? PgType.TEXT : element).oid);
    }

    /** As {@link #binary(Object[], PgType)}, naming {@code elementOid} in the header (an enum's, for its array). */
    static byte[] binary(Object[] values, PgType element, int elementOid) {
        PgType t = element == null ? PgType.TEXT : element;
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        for (Object[] level = values; level != null; ) {
            dims.add(level.length);
            level = level.length > 0 && level[0] instanceof Object[] inner ? inner : null;
        }
        java.util.List<Object> flat = new java.util.ArrayList<>();
        flatten(values, dims.size(), flat);
        boolean hasNull = flat.contains(null);
        int ndim = flat.isEmpty() ? 0 : dims.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(12 + 8 * ndim);
        header.putInt(ndim).putInt(hasNull ? 1 : 0).putInt(elementOid);
        for (int d = 0; d < ndim; d++) {
            header.putInt(dims.get(d)).putInt(1);
        }
        out.write(header.array(), 0, header.position());
        for (Object v : flat) {
            if (v == null) {
                out.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
                continue;
            }
            byte[] b = elementBinary(v, t);
            out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static void flatten(Object[] values, int depth, java.util.List<Object> out) {
        for (Object v : values) {
            if (depth > 1) {
                flatten(v instanceof Object[] inner ? inner : new Object[0], depth - 1, out);
            } else {
                out.add(v);
            }
        }
    }

    private static byte[] elementBinary(Object v, PgType t) {
        switch (t) {
            case INT2: return ByteBuffer.allocate(2).putShort(((Number) v).shortValue()).array();
            case INT4, OID: return ByteBuffer.allocate(4).putInt(((Number) v).intValue()).array();
            case INT8: return ByteBuffer.allocate(8).putLong(((Number) v).longValue()).array();
            case FLOAT4: return ByteBuffer.allocate(4).putFloat(((Number) v).floatValue()).array();
            case FLOAT8: return ByteBuffer.allocate(8).putDouble(((Number) v).doubleValue()).array();
            case BOOL: return new byte[] {(byte) (Boolean.TRUE.equals(v) ? 1 : 0)};
            case NUMERIC: return BinaryForms.numericBinary(v instanceof BigDecimal d ? d : new BigDecimal(v.toString()));
            case UUID: {
                UUID u = (UUID) v;
                return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
            }
            case BYTEA: return (byte[]) v;
            case DATE:
                if (v instanceof LocalDate d) {
                    // infinities as PostgreSQL's binary extremes, as for a date column
                    return ByteBuffer.allocate(4).putInt(PgDateTimes.binaryDate(d, java.time.temporal.ChronoUnit.DAYS.between(PG_EPOCH_DATE, d))).array();
                }
                break;
            case TIME:
                if (v instanceof java.time.LocalTime lt) {
                    return ByteBuffer.allocate(8).putLong(lt.toNanoOfDay() / 1000).array();
                }
                break;
            case TIMETZ:
                if (v instanceof java.time.OffsetTime ot) {
                    return ByteBuffer.allocate(12).putLong(ot.toLocalTime().toNanoOfDay() / 1000).putInt(-ot.getOffset().getTotalSeconds())
                            .array();
                }
                break;
            case TIMESTAMP:
                if (v instanceof LocalDateTime ldt) {
                    return ByteBuffer.allocate(8).putLong(BinaryForms.micros(ldt)).array();
                }
                break;
            case TIMESTAMPTZ:
                if (v instanceof java.time.OffsetDateTime odt) {
                    return ByteBuffer.allocate(8).putLong(BinaryForms.micros(odt.withOffsetSameInstant(java.time.ZoneOffset.UTC)
                            .toLocalDateTime())).array();
                }
                break;
            case INTERVAL:
                if (v instanceof org.h2.api.Interval iv) {
                    return PgIntervals.encode(iv, true);
                }
                break;
            case JSONB: {
                byte[] text = elementText(v, t).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                byte[] out = new byte[text.length + 1]; // format version 1, then the text
                out[0] = 1;
                System.arraycopy(text, 0, out, 1, text.length);
                return out;
            }
            default:
                break;
        }
        return elementText(v, t).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static final LocalDate PG_EPOCH_DATE = LocalDate.of(2000, 1, 1);
}
