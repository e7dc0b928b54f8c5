package borealis.engine.pg.types;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The session's TimeZone as PostgreSQL reads it: a zone name in any case ({@code america/new_york}),
 * a POSIX zone ({@code UTC+3}: three hours west), or a number of hours east ({@code SET TIME ZONE
 * -7}, {@code SET TIMEZONE = '5.5'}, {@code SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE}). A
 * timestamptz is shown in it, and H2 converts between timestamp and timestamptz in it.
 */
public final class SessionTimeZone {

    /** What a session starts with when the client names no zone. */
    public static final ZoneId DEFAULT = ZoneOffset.UTC;

    private SessionTimeZone() {}

    /** A TimeZone value read: the zone and how SHOW shows it. */
    public record Zone(ZoneId id, String shown) {}

    /** The zone {@code value} names, or null when it names none (PostgreSQL: 22023). */
    public static Zone of(String value) {
        String v = value.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        if (v.startsWith("<") && v.indexOf('>') > 1) {
            // as SHOW shows a number of hours: <-07>+07
            return hoursEast(v.substring(1, v.indexOf('>')).replace(":", "."), v.substring(1, v.indexOf('>')));
        }
        if (lower.startsWith("interval ")) {
            // SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE
            String[] parts = v.substring("interval ".length()).trim().split("\\s+");
            return hoursEast(parts[0].replace(":", "."), parts[0]);
        }
        ZoneId zone = DateTimeWords.zone(lower);
        if (zone != null) {
            // a region by its own spelling; a POSIX zone as written
            return new Zone(zone, zone instanceof ZoneOffset ? v : zone.getId());
        }
        java.util.regex.Matcher posix = POSIX_OFFSET.matcher(v);
        if (posix.matches()) {
            // a POSIX offset, hours WEST of Greenwich: '+02:00' is two hours behind UTC (PostgreSQL's tzparse)
            int seconds = Integer.parseInt(posix.group(2)) * 3600 + Integer.parseInt(posix.group(3)) * 60;
            seconds = "-".equals(posix.group(1)) ? seconds : -seconds;
            return Math.abs(seconds) > 15 * 3600 ? null : new Zone(ZoneOffset.ofTotalSeconds(seconds), v);
        }
        return hoursEast(v, v);
    }

    /**
     * The zone of {@code AT TIME ZONE text} (PostgreSQL's timezone(text, ...)): an abbreviation of
     * the Default set (a fixed offset; MSK by its zone, as its offset changed), a zone name in any
     * case, or a POSIX zone, whose bare offset counts hours WEST ({@code '+3'}, {@code 'UTC+3'}),
     * unlike SET TIME ZONE's number. Null when it names none (22023 "not recognized").
     */
    public static ZoneId atTimeZone(String text) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        Integer fixed = DateTimeWords.abbreviation(lower);
        if (fixed != null) {
            return ZoneOffset.ofTotalSeconds(fixed);
        }
        ZoneId zone = DateTimeWords.dynamicAbbreviation(lower);
        if (zone == null) {
            zone = DateTimeWords.zone(lower);
        }
        if (zone != null) {
            return zone;
        }
        java.util.regex.Matcher posix = BARE_POSIX.matcher(lower);
        if (!posix.matches()) {
            return null;
        }
        int seconds = Integer.parseInt(posix.group(2)) * 3600 + (posix.group(3) == null ? 0 : Integer.parseInt(posix.group(3)) * 60);
        return seconds > 15 * 3600 ? null : ZoneOffset.ofTotalSeconds("-".equals(posix.group(1)) ? seconds : -seconds);
    }

    /** Whether the text is an abbreviation whose offset depends on the date (MSK), not a zone name. */
    public static boolean isDynamicAbbreviation(String text) {
        return DateTimeWords.dynamicAbbreviation(text.trim().toLowerCase(Locale.ROOT)) != null;
    }

    private static final java.util.regex.Pattern BARE_POSIX = java.util.regex.Pattern.compile("([+-]?)(\\d{1,2})(?::(\\d{2}))?");

    private static final java.util.regex.Pattern POSIX_OFFSET = java.util.regex.Pattern.compile("([+-]?)(\\d{1,2}):(\\d{2})");

    /** A number of hours east ({@code -7}, {@code 5.5}, {@code +05:30}), shown as PostgreSQL shows it: {@code <-07>+07}. */
    private static Zone hoursEast(String number, String written) {
        int seconds;
        try {
            if (number.matches("[+-]?\\d{1,2}\\.\\d\\d") && written.contains(":")) {
                String[] hm = number.replace("+", "").split("\\.");
                int sign = hm[0].startsWith("-") ? -1 : 1;
                seconds = sign * (Math.abs(Integer.parseInt(hm[0])) * 3600 + Integer.parseInt(hm[1]) * 60);
            } else if (number.matches("[+-]?\\d{1,2}(\\.\\d+)?")) {
                seconds = (int) Math.round(Double.parseDouble(number) * 3600);
            } else {
                return null; // not a number of hours (NaN, Infinity, words)
            }
        } catch (NumberFormatException e) {
            return null;
        }
        if (Math.abs(seconds) > 15 * 3600) {
            return null;
        }
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(seconds);
        return new Zone(offset, "<" + offset(seconds) + ">" + offset(-seconds));
    }

    /** An offset as PostgreSQL writes it after a timestamptz: {@code +00}, {@code -08}, {@code +05:30}, {@code +00:09:21}. */
    public static String offset(int totalSeconds) {
        int abs = Math.abs(totalSeconds);
        StringBuilder sb = new StringBuilder(totalSeconds < 0 ? "-" : "+");
        two(sb, abs / 3600);
        if (abs % 3600 != 0) {
            sb.append(':');
            two(sb, abs / 60 % 60);
            if (abs % 60 != 0) {
                sb.append(':');
                two(sb, abs % 60);
            }
        }
        return sb.toString();
    }

    private static void two(StringBuilder sb, int n) {
        if (n < 10) {
            sb.append('0');
        }
        sb.append(n);
    }
}
