package borealis.engine.pg.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Parameters a client sends in binary format (format 1), decoded as PostgreSQL's recv functions
 * do. The bytes come from the client, so every size inside them is checked before it is used: a
 * fixed-width type must have exactly its width, a numeric's digit count must match its length, an
 * array's dimensions are at most {@link #MAX_DIMENSIONS} and its element count must fit the bytes
 * it came in (each element carries at least a 4-byte length). Errors are PostgreSQL's
 * (22P03 invalid_binary_representation, 54000 program_limit_exceeded) and name the bound.
 */
final class BinaryValues {

    /** PostgreSQL's MAXDIM. */
    static final int MAX_DIMENSIONS = 6;
    /** numeric_recv's bound on base-10000 digits: NUMERIC_MAX_PRECISION + NUMERIC_MAX_RESULT_SCALE. */
    static final int MAX_NUMERIC_DIGITS = 1000 + 2000;
    /** numeric's display scale is 14 bits (NUMERIC_DSCALE_MASK). */
    static final int MAX_NUMERIC_SCALE = 0x3FFF;
    private static final LocalDate PG_EPOCH_DATE = LocalDate.of(2000, 1, 1);
    private static final LocalDateTime PG_EPOCH = PG_EPOCH_DATE.atStartOfDay();

    private BinaryValues() {}

    /** A binary scalar of type {@code t} as the Java object H2 binds; {@code where} names it in errors ("bind parameter 2"). */
    static Object scalar(PgType t, byte[] value, String where) throws SQLException {
        int width = fixedWidth(t);
        if (width > 0 && value.length != width) {
            throw new SQLException("incorrect binary data format in " + where + ": " + value.length + " bytes for type " + t.typname
                    + " (expected: " + width + ")", "22P03");
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        try {
            return switch (t) {
                case BOOL -> value[0] != 0;
                case INT2 -> b.getShort();
                case INT4, OID -> b.getInt();
                case INT8 -> b.getLong();
                case FLOAT4 -> b.getFloat();
                case FLOAT8 -> b.getDouble();
                case NUMERIC -> numeric(value, where);
                case BYTEA -> value;
                case DATE -> PgDateTimes.fromBinaryDate(b.getInt(), PG_EPOCH_DATE);
                case TIME -> LocalTime.ofNanoOfDay(b.getLong() * 1000);
                case TIMETZ -> OffsetTime.of(LocalTime.ofNanoOfDay(b.getLong() * 1000), ZoneOffset.ofTotalSeconds(-b.getInt()));
                case TIMESTAMP -> fromMicros(b.getLong());
                case TIMESTAMPTZ -> fromMicros(b.getLong()).atOffset(ZoneOffset.UTC);
                case UUID -> new UUID(b.getLong(), b.getLong());
                case JSONB -> jsonb(value, where);
                case INTERVAL -> PgIntervals.fromBinary(b);
                case TEXT, VARCHAR, BPCHAR, NAME, JSON, UNKNOWN -> new String(value, StandardCharsets.UTF_8);
                default -> throw new SQLException("binary format is not supported for parameters of type " + t.typname, "22P03");
            };
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw new SQLException("incorrect binary data format in " + where + ": " + e.getMessage(), "22P03");
        }
    }

    private static int fixedWidth(PgType t) {
        return switch (t) {
            case BOOL -> 1;
            case INT2 -> 2;
            case INT4, OID, FLOAT4, DATE -> 4;
            case INT8, FLOAT8, TIME, TIMESTAMP, TIMESTAMPTZ -> 8;
            case TIMETZ -> 12;
            case INTERVAL -> 16;
            case UUID -> 16;
            default -> -1;
        };
    }

    private static String jsonb(byte[] value, String where) throws SQLException {
        if (value.length < 1 || value[0] != 1) {
            throw new SQLException("incorrect binary data format in " + where + ": unsupported jsonb version number "
                    + (value.length < 1 ? "(none)" : value[0]) + " (expected: 1)", "22P03");
        }
        return new String(value, 1, value.length - 1, StandardCharsets.UTF_8);
    }

    /** int16 ndigits | int16 weight | int16 sign | int16 dscale | int16 digit × ndigits (base 10000). */
    static BigDecimal numeric(byte[] bytes, String where) throws SQLException {
        if (bytes.length < 8) {
            throw new SQLException("incorrect binary data format in " + where + ": numeric needs 8 bytes of header, got "
                    + bytes.length, "22P03");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int ndigits = b.getShort();
        int weight = b.getShort();
        int sign = b.getShort() & 0xffff;
        int dscale = b.getShort();
        if (ndigits < 0 || ndigits > MAX_NUMERIC_DIGITS || ndigits != b.remaining() / 2 || b.remaining() % 2 != 0) {
            throw new SQLException("invalid length in external \"numeric\" value: " + ndigits + " digits in " + b.remaining()
                    + " bytes (expected: " + b.remaining() / 2 + ", at most " + MAX_NUMERIC_DIGITS + ")", "22P03");
        }
        if (sign == 0xC000) {
            throw new SQLException("NaN is not supported for numeric parameters", "0A000");
        }
        if (sign != 0 && sign != 0x4000) {
            throw new SQLException("invalid sign in external \"numeric\" value", "22P03");
        }
        if (dscale < 0 || dscale > MAX_NUMERIC_SCALE) {
            throw new SQLException("invalid scale in external \"numeric\" value: " + dscale + " (expected: 0.." + MAX_NUMERIC_SCALE + ")",
                    "22P03");
        }
        BigInteger unscaled = BigInteger.ZERO;
        for (int i = 0; i < ndigits; i++) {
            int digit = b.getShort();
            if (digit < 0 || digit > 9999) {
                throw new SQLException("invalid digit in external \"numeric\" value: " + digit + " (expected: 0..9999)", "22P03");
            }
            unscaled = unscaled.multiply(BigInteger.valueOf(10000)).add(BigInteger.valueOf(digit));
        }
        // unscaled holds digits d0..d(n-1); the value is unscaled * 10000^(weight - n + 1).
        BigDecimal v = new BigDecimal(unscaled).scaleByPowerOfTen(4 * (weight - ndigits + 1));
        try {
            v = v.setScale(dscale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new SQLException("invalid scale in external \"numeric\" value: digits beyond the display scale " + dscale, "22P03");
        }
        return sign == 0x4000 ? v.negate() : v;
    }

    /**
     * A binary array: int32 ndim | int32 has-nulls | int32 element oid | (int32 size | int32 lower
     * bound) × ndim | (int32 len | byte[len]) × elements, in row-major order (nested Object[] for more
     * than one dimension); the header is checked in full (as array_recv does) before the first element is read.
     */
    static Object[] array(byte[] bytes, String where) throws SQLException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        need(b, 12, "the array header", where);
        int ndim = b.getInt();
        int flags = b.getInt();
        PgType element = PgType.byOid(b.getInt());
        if (ndim < 0) {
            throw new SQLException("invalid number of dimensions: " + ndim + " (expected: 0.." + MAX_DIMENSIONS + ")", "22P03");
        }
        if (ndim > MAX_DIMENSIONS) {
            throw new SQLException("number of array dimensions (" + ndim + ") exceeds the maximum allowed (" + MAX_DIMENSIONS + ")", "54000");
        }
        if (flags != 0 && flags != 1) {
            throw new SQLException("invalid array flags: " + flags + " (expected: 0 or 1)", "22P03");
        }
        need(b, 8L * ndim, ndim + " dimensions", where);
        long elements = ndim == 0 ? 0 : 1;
        long fits = (b.remaining() - 8L * ndim) / 4; // each element takes at least its 4-byte length
        int[] sizes = new int[ndim];
        for (int d = 0; d < ndim; d++) {
            int size = b.getInt();
            sizes[d] = size;
            b.getInt(); // lower bound
            if (size < 0) {
                throw new SQLException("array size exceeds the maximum allowed: dimension " + (d + 1) + " has " + size
                        + " elements (expected: 0.." + fits + ")", "54000");
            }
            elements *= size;
            if (elements > fits) {
                throw new SQLException("insufficient data left in message: " + where + " announces " + elements
                        + " array elements (expected: <= " + fits + " in its " + (b.remaining() + 0L) + " bytes)", "22P03");
            }
        }
        Object[] out = new Object[(int) elements];
        for (int i = 0; i < out.length; i++) {
            need(b, 4, "the length of element " + (i + 1), where);
            int len = b.getInt();
            if (len < -1 || len > b.remaining()) {
                throw new SQLException("insufficient data left in message: array element " + (i + 1) + " of " + where + " has length "
                        + len + " (expected: -1 or 0.." + b.remaining() + ")", "22P03");
            }
            if (len >= 0) {
                byte[] v = new byte[len];
                b.get(v);
                out[i] = scalar(element == null ? PgType.TEXT : element, v, "array element " + (i + 1) + " of " + where);
            }
        }
        if (b.hasRemaining()) {
            throw new SQLException("incorrect binary data format in " + where + ": " + b.remaining() + " bytes after the last array element"
                    + " (expected: 0)", "22P03");
        }
        return ndim > 1 ? nest(out, sizes, 0, 0) : out;
    }

    /** Elements in row-major order as nested arrays, one level per dimension from {@code d} on, starting at element {@code from}. */
    private static Object[] nest(Object[] flat, int[] sizes, int d, int from) {
        Object[] level = new Object[sizes[d]];
        int stride = 1;
        for (int k = d + 1; k < sizes.length; k++) {
            stride *= sizes[k];
        }
        for (int i = 0; i < level.length; i++) {
            level[i] = d == sizes.length - 1 ? flat[from + i] : nest(flat, sizes, d + 1, from + i * stride);
        }
        return level;
    }

    private static void need(ByteBuffer b, long n, String what, String where) throws SQLException {
        if (b.remaining() < n) {
            throw new SQLException("insufficient data left in message: " + what + " of " + where + " needs " + n + " bytes but "
                    + b.remaining() + " are left", "22P03");
        }
    }

    private static LocalDateTime fromMicros(long micros) {
        if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
            return micros > 0 ? PgDateTimes.TIMESTAMP_INFINITY : PgDateTimes.TIMESTAMP_MINUS_INFINITY;
        }
        return PG_EPOCH.plusSeconds(Math.floorDiv(micros, 1_000_000L)).plusNanos(Math.floorMod(micros, 1_000_000L) * 1000L);
    }
}
