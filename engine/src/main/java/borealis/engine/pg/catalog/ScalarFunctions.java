package borealis.engine.pg.catalog;

import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.sql.SqlQuoting;
import borealis.engine.pg.types.PgDateTimes;
import borealis.engine.pg.types.PgType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.h2.api.Interval;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.util.json.JSONArray;
import org.h2.util.json.JSONObject;
import org.h2.util.json.JSONString;
import org.h2.util.json.JSONStringSource;
import org.h2.util.json.JSONValue;
import org.h2.util.json.JSONValueTarget;
import org.h2.value.Value;
import org.h2.value.ValueNull;

/**
 * String, number, date and array functions PostgreSQL has and H2 lacks (split_part, format,
 * age, array_length...): Java functions H2 calls, installed by {@link PgCatalog}.
 */
public final class ScalarFunctions {

    private ScalarFunctions() {}

    // ---- strings, numbers, dates ----

    public static String md5(String s) throws NoSuchAlgorithmException {
        if (s == null) {
            return null;
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    public static String split_part(String s, String delimiter, Integer n) {
        if (s == null || delimiter == null || n == null) {
            return null;
        }
        if (n == 0) {
            throw new IllegalArgumentException("field position must not be zero");
        }
        List<String> parts = new ArrayList<>();
        if (delimiter.isEmpty()) {
            parts.add(s);
        } else {
            int start = 0;
            int at;
            while ((at = s.indexOf(delimiter, start)) >= 0) {
                parts.add(s.substring(start, at));
                start = at + delimiter.length();
            }
            parts.add(s.substring(start));
        }
        int idx = n > 0 ? n - 1 : parts.size() + n;
        return idx >= 0 && idx < parts.size() ? parts.get(idx) : "";
    }

    public static Integer strpos(String s, String sub) {
        if (s == null || sub == null) {
            return null;
        }
        return s.indexOf(sub) + 1;
    }

    public static String reverse(String s) {
        return s == null ? null : new StringBuilder(s).reverse().toString();
    }

    public static String quote_ident(String s) {
        return s == null ? null : SqlQuoting.displayIdentifier(s);
    }

    public static String quote_literal(String s) {
        if (s == null) {
            return null;
        }
        return SqlQuoting.displayLiteral(s);
    }

    public static String quote_nullable(String s) {
        return s == null ? "NULL" : quote_literal(s);
    }

    /** format(fmt, args...) as PostgreSQL does ({@link FormatFunction}). */
    public static String format(String fmt, Value... args) throws SQLException {
        return FormatFunction.format(fmt, args);
    }

    private static String arrayText(Object[] a) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < a.length; i++) {
            sb.append(i > 0 ? "," : "").append(a[i] == null ? "NULL" : a[i].toString());
        }
        return sb.append('}').toString();
    }

    public static Long div(BigDecimal a, BigDecimal b) {
        return a == null || b == null ? null : a.divideToIntegralValue(b).longValue();
    }

    public static Double cbrt(Double x) {
        return x == null ? null : Math.cbrt(x);
    }

    public static Double log10(Double x) {
        return x == null ? null : Math.log10(x);
    }

    public static int num_nulls(Value... args) {
        int n = 0;
        for (Value a : args) {
            n += a == null || a == ValueNull.INSTANCE ? 1 : 0;
        }
        return n;
    }

    public static int num_nonnulls(Value... args) {
        return args.length - num_nulls(args);
    }

    /**
     * {@code x::text} as PostgreSQL prints it: an array in its literal form ({1,NULL,"a b"}), as
     * drivers read it back with {@code $1::t[]}; any other value as the engine's cast to varchar.
     */
    public static String text_of(Value v) {
        if (v == null || v == ValueNull.INSTANCE) {
            return null;
        }
        if (v instanceof org.h2.value.ValueArray a) {
            org.h2.value.TypeInfo element = a.getComponentType();
            while (element != null && element.getValueType() == Value.ARRAY && element.getExtTypeInfo() instanceof org.h2.value.TypeInfo e) {
                element = e;
            }
            PgType type = element == null ? null : PgType.byOid(TypeMapping.oid(element));
            return borealis.engine.pg.types.PgArrays.textOf(borealis.engine.pg.types.ArrayValues.elements(a), type);
        }
        if (v.getValueType() == Value.BOOLEAN) {
            return v.getBoolean() ? "true" : "false"; // H2 says TRUE
        }
        return v.convertTo(org.h2.value.TypeInfo.TYPE_VARCHAR).getString();
    }

    public static Integer pg_column_size(Value v) {
        if (v == null || v == ValueNull.INSTANCE) {
            return null;
        }
        int len = TypeMapping.length(TypeMapping.oid(v.getType()));
        return len > 0 ? len : v.getString().getBytes(StandardCharsets.UTF_8).length + 1;
    }

    private static LocalDateTime dateTime(Value v) {
        if (v.getValueType() == Value.TIMESTAMP_TZ) {
            return org.h2.util.JSR310Utils.valueToOffsetDateTime(v, null).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        return org.h2.util.JSR310Utils.valueToLocalDateTime(v, null);
    }

    public static String initcap(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            sb.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetterOrDigit(c);
        }
        return sb.toString();
    }

    /** age() as PostgreSQL prints it ('1 mon 2 days'); H2 cannot return a mixed interval from Java. */
    public static String age(Value a, Value b) {
        if (a == null || b == null || a == ValueNull.INSTANCE || b == ValueNull.INSTANCE) {
            return null;
        }
        return between(dateTime(b), dateTime(a));
    }

    public static String age(Value a) {
        if (a == null || a == ValueNull.INSTANCE) {
            return null;
        }
        LocalDateTime midnight = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        return between(dateTime(a), midnight);
    }

    /** false for the infinities of date, timestamp and timestamptz ({@link PgDateTimes}); intervals are finite. */
    public static Boolean isfinite(Value v) {
        if (v == null || v == ValueNull.INSTANCE) {
            return null;
        }
        long dateValue = switch (v.getValueType()) {
            case Value.DATE -> ((org.h2.value.ValueDate) v).getDateValue();
            case Value.TIMESTAMP -> ((org.h2.value.ValueTimestamp) v).getDateValue();
            case Value.TIMESTAMP_TZ -> ((org.h2.value.ValueTimestampTimeZone) v).getDateValue();
            default -> 0;
        };
        return dateValue != INFINITY_DAY && dateValue != MINUS_INFINITY_DAY;
    }

    private static final long INFINITY_DAY = org.h2.util.DateTimeUtils.dateValue(
            PgDateTimes.DATE_INFINITY.getYear(), PgDateTimes.DATE_INFINITY.getMonthValue(), PgDateTimes.DATE_INFINITY.getDayOfMonth());
    private static final long MINUS_INFINITY_DAY = org.h2.util.DateTimeUtils.dateValue(
            PgDateTimes.DATE_MINUS_INFINITY.getYear(), PgDateTimes.DATE_MINUS_INFINITY.getMonthValue(),
            PgDateTimes.DATE_MINUS_INFINITY.getDayOfMonth());

    public static java.time.LocalDate make_date(Integer y, Integer m, Integer d) {
        return y == null || m == null || d == null ? null : java.time.LocalDate.of(y, m, d);
    }

    public static String overlay(Value s, Value replacement, Integer start) throws java.sql.SQLException {
        return replacement == null || replacement == ValueNull.INSTANCE ? null
                : overlay(s, replacement, start, replacement.getString().codePointCount(0, replacement.getString().length()));
    }

    /** OVERLAY(s PLACING replacement FROM start FOR count): s's first start - 1 characters, replacement, s past start + count. */
    public static String overlay(Value s, Value replacement, Integer start, Integer count) throws java.sql.SQLException {
        if (s == null || replacement == null || s == ValueNull.INSTANCE || replacement == ValueNull.INSTANCE || start == null
                || count == null) {
            return null;
        }
        if (s.getValueType() == Value.VARBINARY || replacement.getValueType() == Value.VARBINARY) {
            throw new java.sql.SQLException("overlay of bytea is not supported", "0A000");
        }
        if (start < 1) {
            throw new java.sql.SQLException("negative substring length not allowed", "22011");
        }
        int[] cps = s.getString().codePoints().toArray();
        int head = Math.min(start - 1, cps.length);
        // the tail is substring(s, start + count), which may start before the string (a negative count)
        long tailFrom = Math.max(0, Math.min((long) start - 1 + count, cps.length));
        return new String(cps, 0, head) + replacement.getString() + new String(cps, (int) tailFrom, cps.length - (int) tailFrom);
    }

    public static String to_hex(Long v) {
        return v == null ? null : Long.toHexString(v);
    }

    public static Boolean starts_with(String s, String prefix) {
        return s == null || prefix == null ? null : s.startsWith(prefix);
    }

    public static String encode(byte[] data, String format) {
        if (data == null || format == null) {
            return null;
        }
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "hex" -> HexFormat.of().formatHex(data);
            case "base64" -> java.util.Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(data);
            default -> new String(data, StandardCharsets.ISO_8859_1);
        };
    }

    public static byte[] decode(String text, String format) {
        if (text == null || format == null) {
            return null;
        }
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "hex" -> HexFormat.of().parseHex(text);
            case "base64" -> java.util.Base64.getMimeDecoder().decode(text);
            default -> text.getBytes(StandardCharsets.ISO_8859_1);
        };
    }

    private static String between(LocalDateTime from, LocalDateTime to) {
        boolean negative = to.isBefore(from);
        LocalDateTime lo = negative ? to : from;
        LocalDateTime hi = negative ? from : to;
        Period p = Period.between(lo.toLocalDate(), hi.toLocalDate());
        LocalDateTime mid = lo.plus(p);
        if (mid.isAfter(hi)) {
            p = p.minusDays(1);
            mid = lo.plus(p);
        }
        long nanos = ChronoUnit.NANOS.between(mid, hi);
        long months = p.toTotalMonths();
        int sign = negative ? -1 : 1;
        return borealis.engine.pg.types.PgIntervals.text(sign * months, sign * p.getDays(), sign * nanos / 1000);
    }

    public static OffsetDateTime to_timestamp(Double epochSeconds) {
        if (epochSeconds == null) {
            return null;
        }
        long micros = (long) Math.floor(epochSeconds * 1_000_000d);
        return OffsetDateTime.ofInstant(java.time.Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    /** x::interval for a non-literal x: text such as '1 day' as PostgreSQL reads it, or an interval already; months count as 30 days. */
    public static java.time.Duration interval_of(Value v) throws java.sql.SQLException {
        if (v == null || v == ValueNull.INSTANCE) {
            return null;
        }
        Interval i = v instanceof org.h2.value.ValueInterval vi
                ? new Interval(vi.getQualifier(), vi.isNegative(), vi.getLeading(), vi.getRemaining())
                : borealis.engine.pg.types.PgIntervals.parseText(v.getString());
        // H2's interval fields carry the interval's sign.
        long months = i.getYears() * 12 + i.getMonths();
        return java.time.Duration.ofDays(i.getDays() + months * 30).plusHours(i.getHours()).plusMinutes(i.getMinutes())
                .plusSeconds(i.getSeconds()).plusNanos(i.getNanosOfSecond());
    }

    // ---- arrays ----

    private static Value[] elements(Value a) {
        if (a instanceof org.h2.value.ValueArray array) {
            return array.getList();
        }
        return null;
    }

    /** a[i] of a catalog integer array as PostgreSQL evaluates it: NULL outside the array. */
    public static Integer array_get(Value a, Integer i) {
        String v = array_get_text(a, i);
        return v == null ? null : Integer.valueOf(v.trim());
    }

    /** a[i] of a catalog text array: NULL outside the array. */
    public static String array_get_text(Value a, Integer i) {
        Value[] e = elements(a);
        if (e == null || i == null || i < 1 || i > e.length || e[i - 1] == ValueNull.INSTANCE) {
            return null;
        }
        return e[i - 1].getString();
    }

    /** The length of each dimension of an array (nested arrays; PostgreSQL's are rectangular); empty for '{}'. */
    private static List<Integer> dimensions(Value a) {
        List<Integer> dims = new ArrayList<>();
        for (Value[] e = elements(a); e != null && e.length > 0; e = e[0] instanceof org.h2.value.ValueArray inner ? inner.getList() : null) {
            dims.add(e.length);
        }
        return dims;
    }

    public static Integer array_length(Value a, Integer dim) {
        List<Integer> dims = dimensions(a);
        return dim == null || dim < 1 || dim > dims.size() ? null : dims.get(dim - 1);
    }

    public static Integer array_upper(Value a, Integer dim) {
        return array_length(a, dim);
    }

    public static Integer array_lower(Value a, Integer dim) {
        return array_length(a, dim) == null ? null : 1;
    }

    public static Integer array_ndims(Value a) {
        List<Integer> dims = dimensions(a);
        return dims.isEmpty() ? null : dims.size();
    }

    public static String array_dims(Value a) {
        List<Integer> dims = dimensions(a);
        if (dims.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        dims.forEach(n -> sb.append("[1:").append(n).append(']'));
        return sb.toString();
    }

    public static Integer array_position(Value a, Value value) {
        Value[] e = elements(a);
        if (e == null) {
            return null;
        }
        boolean nullValue = value == null || value == ValueNull.INSTANCE;
        for (int i = 0; i < e.length; i++) {
            boolean elementNull = e[i] == ValueNull.INSTANCE;
            if (elementNull ? nullValue : !nullValue && e[i].getString().equals(value.getString())) {
                return i + 1;
            }
        }
        return null;
    }

    public static String[] string_to_array(String s, String delimiter) {
        if (s == null) {
            return null;
        }
        if (s.isEmpty()) {
            return new String[0];
        }
        if (delimiter == null) {
            return s.codePoints().mapToObj(Character::toString).toArray(String[]::new);
        }
        if (delimiter.isEmpty()) {
            return new String[] {s};
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        int at;
        while ((at = s.indexOf(delimiter, start)) >= 0) {
            parts.add(s.substring(start, at));
            start = at + delimiter.length();
        }
        parts.add(s.substring(start));
        return parts.toArray(new String[0]);
    }

    /**
     * A value of PostgreSQL's one-byte type "char" from text: the first byte, a {@code \\ooo}
     * escape read as that byte; the byte 0 is the empty string, a byte of 128 or more is written
     * back as its escape, as charout writes it (the first byte of 'é' is \\303).
     */
    public static String char_in(String text) {
        if (text == null) {
            return null;
        }
        int b;
        if (text.length() == 4 && text.charAt(0) == '\\' && text.substring(1).chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
            b = Integer.parseInt(text.substring(1), 8) & 0xff;
        } else if (text.isEmpty()) {
            b = 0;
        } else {
            b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8)[0] & 0xff;
        }
        if (b == 0) {
            return "";
        }
        return b < 128 ? String.valueOf((char) b) : "\\" + Integer.toOctalString(b);
    }

}
