package borealis.engine.pg.types;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The date/time values H2 has no notation for: PostgreSQL's {@code infinity} and {@code -infinity}
 * for date, timestamp and timestamptz, and years before Christ ({@code 0044-03-15 BC}). An infinity
 * is stored as the last (first) day H2 and java.time both represent, so it sorts after (before)
 * every other value and compares as PostgreSQL's does; it is shown as {@code infinity} again, and
 * sent in binary as the integer extremes PostgreSQL uses. A BC year is the proleptic year 1 - n.
 */
public final class PgDateTimes {

    private PgDateTimes() {}

    /** 'infinity' of date: every other date is before it. */
    public static final LocalDate DATE_INFINITY = LocalDate.MAX;
    /** '-infinity' of date. */
    public static final LocalDate DATE_MINUS_INFINITY = LocalDate.MIN;
    /** 'infinity' of timestamp and timestamptz (microseconds, the finest both keep). */
    public static final LocalDateTime TIMESTAMP_INFINITY = LocalDateTime.of(LocalDate.MAX, LocalTime.of(23, 59, 59, 999_999_000));
    /** '-infinity' of timestamp and timestamptz. */
    public static final LocalDateTime TIMESTAMP_MINUS_INFINITY = LocalDate.MIN.atStartOfDay();


    /** +1 for {@code infinity} (or {@code +infinity}), -1 for {@code -infinity}, else 0. */
    public static int infinity(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "infinity", "+infinity" -> 1;
            case "-infinity" -> -1;
            default -> 0;
        };
    }

    /** Whether the text is a date/time H2 cannot read as PostgreSQL does (an infinity, a BC date, a month name). */
    public static boolean needsRewrite(String text) {
        return h2Text("TIMESTAMP", text) != null;
    }

    /** The H2 type a PostgreSQL date/time type name is cast to here, or null for other types. */
    public static String h2Type(String pgType) {
        return switch (pgType.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")) {
            case "date" -> "DATE";
            case "time", "time without time zone" -> "TIME";
            case "timestamp", "timestamp without time zone" -> "TIMESTAMP";
            case "timestamptz", "timestamp with time zone" -> "TIMESTAMP WITH TIME ZONE";
            default -> null;
        };
    }

    /**
     * The text H2 reads as the date/time PostgreSQL reads from {@code text} for the H2 type
     * {@code h2Type} ({@link #h2Type}) under DateStyle MDY, or null when H2 reads the text alike or
     * PostgreSQL rejects it (H2 then reports it). Literals in statements: {@link DateTimeInput}.
     */
    public static String h2Text(String h2Type, String text) {
        try {
            DateTimeInput.Read read = DateTimeInput.read(h2Type, text, DateOrder.MDY);
            return read == null ? null : read.h2Text();
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    /** A date as PostgreSQL shows it (DateStyle ISO). */
    public static String formatDate(LocalDate d) {
        if (d.equals(DATE_INFINITY)) {
            return "infinity";
        }
        if (d.equals(DATE_MINUS_INFINITY)) {
            return "-infinity";
        }
        return ymd(d) + (d.getYear() <= 0 ? " BC" : "");
    }

    private static String ymd(LocalDate d) {
        int y = d.getYear() <= 0 ? 1 - d.getYear() : d.getYear();
        return String.format("%04d-%02d-%02d", y, d.getMonthValue(), d.getDayOfMonth());
    }

    /** An infinity's sign when the timestamp is on an infinity's day, else 0. */
    static int infinity(LocalDateTime v) {
        LocalDate d = v.toLocalDate();
        return d.equals(DATE_INFINITY) ? 1 : d.equals(DATE_MINUS_INFINITY) ? -1 : 0;
    }

    /** A timestamp (with {@code offset} after the time, for timestamptz) as PostgreSQL shows it. */
    static String formatTimestamp(LocalDateTime v, String offset) {
        int inf = infinity(v);
        if (inf != 0) {
            return inf > 0 ? "infinity" : "-infinity";
        }
        return ymd(v.toLocalDate()) + " " + PgTextForms.formatTime(v.toLocalTime()) + offset
                + (v.getYear() <= 0 ? " BC" : "");
    }

    /** A timestamptz in UTC as PostgreSQL shows it with TimeZone UTC. */
    static String formatTimestamptz(OffsetDateTime v) {
        return formatTimestamptz(v, ZoneOffset.UTC);
    }

    /** A timestamptz as PostgreSQL shows it with TimeZone {@code zone}: the local time there and its offset then. */
    static String formatTimestamptz(OffsetDateTime v, java.time.ZoneId zone) {
        if (infinity(v.toLocalDateTime()) != 0) {
            return formatTimestamp(v.toLocalDateTime(), "");
        }
        java.time.ZonedDateTime there = v.atZoneSameInstant(zone);
        return formatTimestamp(there.toLocalDateTime(), SessionTimeZone.offset(there.getOffset().getTotalSeconds()));
    }

    /** Binary date: days since 2000-01-01, the int extremes for the infinities. */
    static int binaryDate(LocalDate d, long daysSinceEpoch) {
        return d.equals(DATE_INFINITY) ? Integer.MAX_VALUE : d.equals(DATE_MINUS_INFINITY) ? Integer.MIN_VALUE : (int) daysSinceEpoch;
    }

    /** A binary date read back: the int extremes are the infinities. */
    static LocalDate fromBinaryDate(int days, LocalDate epoch) {
        return days == Integer.MAX_VALUE ? DATE_INFINITY : days == Integer.MIN_VALUE ? DATE_MINUS_INFINITY : epoch.plusDays(days);
    }
}
