package borealis.engine.pg.types;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern LEADING_YEAR = Pattern.compile("^(\\d{1,7})(-\\d{1,2}-\\d{1,2}.*)$");
    private static final Pattern PLAIN_DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");
    private static final Pattern BC = Pattern.compile("\\s*\\bbc\\b\\s*", Pattern.CASE_INSENSITIVE);

    /** +1 for {@code infinity} (or {@code +infinity}), -1 for {@code -infinity}, else 0. */
    public static int infinity(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "infinity", "+infinity" -> 1;
            case "-infinity" -> -1;
            default -> 0;
        };
    }

    /** Whether the text is an infinity or a BC date, which H2 cannot read. */
    public static boolean needsRewrite(String text) {
        return h2Text("TIMESTAMP", text) != null;
    }

    /** The H2 type a PostgreSQL date/time type name is cast to here, or null for other types. */
    public static String h2Type(String pgType) {
        return switch (pgType.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")) {
            case "date" -> "DATE";
            case "timestamp", "timestamp without time zone" -> "TIMESTAMP";
            case "timestamptz", "timestamp with time zone" -> "TIMESTAMP WITH TIME ZONE";
            default -> null;
        };
    }

    /**
     * The text H2 reads as the date/time PostgreSQL reads from {@code text} (an infinity, a BC year)
     * for the H2 type {@code h2Type} ({@link #h2Type}), or null when H2 reads the text itself.
     */
    public static String h2Text(String h2Type, String text) {
        if (h2Type.equals("DATE") && !PLAIN_DATE.matcher(text).matches()) {
            try {
                // infinity, a zone or a time after the date, BC, month/day/year: the date PostgreSQL reads
                return isoYear(PgDates.parse(text));
            } catch (java.sql.SQLException e) {
                return null; // H2 reports it
            }
        }
        int inf = infinity(text);
        if (inf != 0) {
            return (inf > 0 ? "+999999999-12-31 23:59:59.999999" : "-999999999-01-01 00:00:00")
                    + (h2Type.equals("TIMESTAMP") ? "" : "+00");
        }
        Matcher bc = BC.matcher(text.trim());
        if (!bc.find()) {
            return null;
        }
        Matcher m = LEADING_YEAR.matcher(bc.replaceAll(" ").trim());
        if (!m.matches()) {
            return null;
        }
        int year = 1 - Integer.parseInt(m.group(1)); // 1 BC is year 0
        String rest = m.group(2);
        return (year < 0 ? String.format("-%04d", -year) : String.format("%04d", year)) + rest;
    }

    /** A date as H2 reads it: a year before 1 is negative (1 BC is year 0). */
    private static String isoYear(LocalDate d) {
        int y = d.getYear();
        return (y < 0 ? String.format("-%04d", -y) : String.format("%04d", y))
                + String.format("-%02d-%02d", d.getMonthValue(), d.getDayOfMonth());
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
        return ymd(v.toLocalDate()) + " " + PgValues.formatTime(v.toLocalTime()) + offset
                + (v.getYear() <= 0 ? " BC" : "");
    }

    /** A timestamptz in UTC as PostgreSQL shows it with TimeZone UTC. */
    static String formatTimestamptz(OffsetDateTime v) {
        if (infinity(v.toLocalDateTime()) != 0) {
            return formatTimestamp(v.toLocalDateTime(), "");
        }
        return formatTimestamp(v.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime(), "+00");
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
