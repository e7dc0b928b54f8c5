package borealis.engine.pg.catalog;

import borealis.engine.pg.types.PgIntervals;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.h2.api.Interval;
import org.h2.value.Value;
import org.h2.value.ValueInterval;
import org.h2.value.ValueNull;

/**
 * PostgreSQL's date/time constructors and binning H2 lacks (make_time, make_timestamp,
 * make_timestamptz, date_bin), installed by {@link PgCatalog}. A timestamptz without a zone is
 * read in the node's zone, as every timestamptz input without one is in Borealis.
 */
public final class DateTimeMakeFunctions {

    private DateTimeMakeFunctions() {}

    private static final long MICROS_PER_DAY = 86_400_000_000L;
    /** PostgreSQL's timestamp range, 4714-11-24 BC to 294276-12-31, in seconds from 1970 (its end in microseconds overflows). */
    private static final long MIN_SECONDS = LocalDateTime.of(-4713, 11, 24, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long END_SECONDS = LocalDateTime.of(294277, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);

    private static SQLException outOfRange(String what) {
        return new SQLException(what + " out of range", "22008");
    }

    /** Seconds as PostgreSQL's %g prints them in its field errors (6 significant digits, at least two characters). */
    private static String seconds(double sec) {
        String s = new BigDecimal(sec).round(new MathContext(6)).stripTrailingZeros().toPlainString();
        return s.length() < 2 ? "0" + s : s;
    }

    private static LocalTime time(int hour, int min, double sec) throws SQLException {
        // PostgreSQL accepts 60 seconds (a leap second) and 24:00:00, which java.time cannot hold: refused here
        if (hour < 0 || min < 0 || min > 59 || sec < 0 || sec >= 60 || hour > 23 || Double.isNaN(sec)) {
            throw new SQLException("time field value out of range: " + hour + ":" + String.format("%02d", min) + ":" + seconds(sec),
                    "22008");
        }
        return LocalTime.of(hour, min).plusNanos(Math.round(sec * 1_000_000d) * 1000L);
    }

    private static LocalDate date(int year, int month, int day) throws SQLException {
        try {
            if (year == 0) {
                throw new DateTimeException("year 0");
            }
            // PostgreSQL's year -44 is 44 BC, ISO year -43
            return LocalDate.of(year < 0 ? year + 1 : year, month, day);
        } catch (DateTimeException e) {
            throw new SQLException("date field value out of range: " + year + "-" + String.format("%02d-%02d", month, day), "22008");
        }
    }

    public static LocalTime make_time(Integer hour, Integer min, Double sec) throws SQLException {
        return hour == null || min == null || sec == null ? null : time(hour, min, sec);
    }

    public static LocalDateTime make_timestamp(Integer year, Integer month, Integer day, Integer hour, Integer min, Double sec)
            throws SQLException {
        if (year == null || month == null || day == null || hour == null || min == null || sec == null) {
            return null;
        }
        return LocalDateTime.of(date(year, month, day), time(hour, min, sec));
    }

    public static OffsetDateTime make_timestamptz(Integer year, Integer month, Integer day, Integer hour, Integer min, Double sec)
            throws SQLException {
        LocalDateTime local = make_timestamp(year, month, day, hour, min, sec);
        return local == null ? null : local.atZone(ZoneId.systemDefault()).toOffsetDateTime();
    }

    public static OffsetDateTime make_timestamptz(Integer year, Integer month, Integer day, Integer hour, Integer min, Double sec,
            String zone) throws SQLException {
        LocalDateTime local = make_timestamp(year, month, day, hour, min, sec);
        return local == null || zone == null ? null : local.atZone(zone(zone)).toOffsetDateTime();
    }

    /** PostgreSQL's zone abbreviations of North America and UTC (fixed offsets, unlike the zone names). */
    private static final java.util.Map<String, ZoneOffset> ABBREVIATIONS = java.util.Map.of("UTC", ZoneOffset.UTC, "GMT", ZoneOffset.UTC,
            "Z", ZoneOffset.UTC, "EST", ZoneOffset.ofHours(-5), "EDT", ZoneOffset.ofHours(-4), "CST", ZoneOffset.ofHours(-6),
            "CDT", ZoneOffset.ofHours(-5), "MST", ZoneOffset.ofHours(-7), "MDT", ZoneOffset.ofHours(-6), "PST", ZoneOffset.ofHours(-8));

    /** A zone as PostgreSQL's timestamptz constructors read one: a numeric offset (ISO sign, +2 is east) or a zone name. */
    static ZoneId zone(String text) throws SQLException {
        String z = text.trim();
        if (!z.isEmpty() && (Character.isDigit(z.charAt(0)) || z.charAt(0) == '+' || z.charAt(0) == '-')) {
            return numericZone(z, text);
        }
        ZoneOffset abbreviation = ABBREVIATIONS.get(z.toUpperCase(java.util.Locale.ROOT));
        if (abbreviation != null) {
            return abbreviation;
        }
        try {
            return ZoneId.of(z);
        } catch (DateTimeException e) {
            throw new SQLException("time zone \"" + text + "\" not recognized", "22023");
        }
    }

    private static ZoneOffset numericZone(String z, String text) throws SQLException {
        if (z.charAt(0) != '+' && z.charAt(0) != '-') {
            throw new SQLException("invalid input syntax for type numeric time zone: \"" + text + "\"", "22023");
        }
        int sign = z.charAt(0) == '-' ? -1 : 1;
        String body = z.substring(1);
        int h;
        int m = 0;
        int s = 0;
        try {
            if (body.contains(":")) {
                String[] p = body.split(":", -1);
                h = Integer.parseInt(p[0]);
                m = p.length > 1 && !p[1].isEmpty() ? Integer.parseInt(p[1]) : 0;
                s = p.length > 2 && !p[2].isEmpty() ? Integer.parseInt(p[2]) : 0;
            } else if (body.length() <= 2) {
                h = Integer.parseInt(body);
            } else if (body.length() <= 4) {
                h = Integer.parseInt(body.substring(0, body.length() - 2));
                m = Integer.parseInt(body.substring(body.length() - 2));
            } else {
                h = Integer.parseInt(body.substring(0, body.length() - 4));
                m = Integer.parseInt(body.substring(body.length() - 4, body.length() - 2));
                s = Integer.parseInt(body.substring(body.length() - 2));
            }
        } catch (NumberFormatException e) {
            throw new SQLException("invalid input syntax for type numeric time zone: \"" + text + "\"", "22023");
        }
        if (h > 15 || m > 59 || s > 59) {
            throw new SQLException("numeric time zone \"" + text + "\" out of range", "22023");
        }
        return ZoneOffset.ofTotalSeconds(sign * (h * 3600 + m * 60 + s));
    }

    // ---- date_bin ----

    /** The stride in microseconds; PostgreSQL refuses months and years, whose length varies. */
    private static long stride(Value v) throws SQLException {
        Interval i = v instanceof ValueInterval vi
                ? new Interval(vi.getQualifier(), vi.isNegative(), vi.getLeading(), vi.getRemaining())
                : PgIntervals.parseText(v.getString());
        if (i.getYears() != 0 || i.getMonths() != 0) {
            throw new SQLException("timestamps cannot be binned into intervals containing months or years", "0A000");
        }
        try {
            long micros = Math.addExact(Math.multiplyExact(i.getDays(), MICROS_PER_DAY),
                    Math.addExact(Math.multiplyExact(i.getHours() * 3600 + i.getMinutes() * 60 + i.getSeconds(), 1_000_000L),
                            i.getNanosOfSecond() / 1000));
            if (micros <= 0) {
                throw new SQLException("stride must be greater than zero", "22008");
            }
            return micros;
        } catch (ArithmeticException e) {
            throw outOfRange("interval");
        }
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    /** A timestamp's instant: a timestamptz's own, a timestamp's read as UTC (only differences of two matter). */
    private static long instant(Value v) {
        Instant t = v.getValueType() == Value.TIMESTAMP_TZ
                ? org.h2.util.JSR310Utils.valueToOffsetDateTime(v, null).toInstant()
                : org.h2.util.JSR310Utils.valueToLocalDateTime(v, null).toInstant(ZoneOffset.UTC);
        return micros(t);
    }

    /**
     * How far after {@code origin} the bin of width {@code stride} that {@code source} falls in
     * starts. The translator turns date_bin(stride, source, origin) into origin + this, which keeps
     * the timestamp's type (H2 types a Java function by its Java result alone).
     */
    /** date_trunc's unit check for a unit that is not a literal: true for none (NULL), 22023 for an unknown one. */
    public static Boolean date_trunc_unit(String unit) throws SQLException {
        if (unit == null) {
            return Boolean.FALSE;
        }
        throw new SQLException("unit \"" + unit + "\" not recognized for type timestamp without time zone", "22023");
    }

    public static Duration date_bin_offset(Value stride, Value source, Value origin) throws SQLException {
        if (isNull(stride) || isNull(source) || isNull(origin)) {
            return null;
        }
        long width = stride(stride);
        long diff;
        try {
            diff = Math.subtractExact(instant(source), instant(origin));
        } catch (ArithmeticException e) {
            throw outOfRange("interval");
        }
        long delta = diff - diff % width;
        // a source before the origin belongs to the bin that starts at or before it
        if (diff < 0 && diff % width != 0) {
            delta -= width;
        }
        long bin;
        try {
            bin = Math.addExact(instant(origin), delta);
        } catch (ArithmeticException e) {
            throw outOfRange("timestamp");
        }
        if (Math.floorDiv(bin, 1_000_000L) < MIN_SECONDS || Math.floorDiv(bin, 1_000_000L) >= END_SECONDS) {
            throw outOfRange("timestamp");
        }
        return Duration.of(delta, ChronoUnit.MICROS);
    }

    private static boolean isNull(Value v) {
        return v == null || v == ValueNull.INSTANCE;
    }
}
