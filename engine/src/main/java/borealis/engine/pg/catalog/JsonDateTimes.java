package borealis.engine.pg.catalog;

import borealis.engine.pg.types.PgDateTimes;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.h2.util.JSR310Utils;
import org.h2.value.Value;

/**
 * Date/time values as PostgreSQL writes them into JSON (JsonEncodeDateTime, XML Schema style):
 * {@code 2014-05-28T08:22:35.614298-08:00}, a timestamptz in the session's TimeZone, the fraction
 * without trailing zeros, {@code infinity} and {@code -infinity} as words.
 */
final class JsonDateTimes {

    private JsonDateTimes() {}

    /** The JSON string's content for a date/time value, or null when the value is of another type. */
    static String text(Value v, ZoneId zone) {
        switch (v.getValueType()) {
            case Value.DATE -> {
                LocalDate d = JSR310Utils.valueToLocalDate(v, null);
                return d.equals(PgDateTimes.DATE_INFINITY) ? "infinity" : d.equals(PgDateTimes.DATE_MINUS_INFINITY) ? "-infinity"
                        : d.toString();
            }
            case Value.TIME -> {
                return time(JSR310Utils.valueToLocalTime(v, null));
            }
            case Value.TIME_TZ -> {
                OffsetTime t = JSR310Utils.valueToOffsetTime(v, null);
                return time(t.toLocalTime()) + offset(t.getOffset());
            }
            case Value.TIMESTAMP -> {
                LocalDateTime ts = JSR310Utils.valueToLocalDateTime(v, null);
                String infinite = infinity(ts);
                return infinite != null ? infinite : ts.toLocalDate() + "T" + time(ts.toLocalTime());
            }
            case Value.TIMESTAMP_TZ -> {
                OffsetDateTime ts = JSR310Utils.valueToOffsetDateTime(v, null);
                String infinite = infinity(ts.toLocalDateTime());
                if (infinite != null) {
                    return infinite;
                }
                OffsetDateTime local = ts.atZoneSameInstant(zone).toOffsetDateTime();
                return local.toLocalDate() + "T" + time(local.toLocalTime()) + offset(local.getOffset());
            }
            default -> {
                return null;
            }
        }
    }

    private static String infinity(LocalDateTime ts) {
        int year = ts.getYear();
        return year >= PgDateTimes.TIMESTAMP_INFINITY.getYear() ? "infinity"
                : year <= PgDateTimes.TIMESTAMP_MINUS_INFINITY.getYear() ? "-infinity" : null;
    }

    /** HH:MM:SS and the microseconds without trailing zeros. */
    private static String time(LocalTime t) {
        StringBuilder sb = new StringBuilder(15);
        two(sb, t.getHour()).append(':');
        two(sb, t.getMinute()).append(':');
        two(sb, t.getSecond());
        int micros = t.getNano() / 1000;
        if (micros != 0) {
            String f = String.format("%06d", micros);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
        return sb.toString();
    }

    /** +HH:MM, or +HH:MM:SS for an offset with seconds. */
    private static String offset(ZoneOffset o) {
        int total = o.getTotalSeconds();
        int abs = Math.abs(total);
        StringBuilder sb = new StringBuilder(total < 0 ? "-" : "+");
        two(sb, abs / 3600).append(':');
        two(sb, abs / 60 % 60);
        if (abs % 60 != 0) {
            two(sb.append(':'), abs % 60);
        }
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, int n) {
        return sb.append(n < 10 ? "0" : "").append(n);
    }
}
