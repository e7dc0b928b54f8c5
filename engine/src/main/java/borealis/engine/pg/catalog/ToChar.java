package borealis.engine.pg.catalog;

import java.sql.Connection;
import org.h2.engine.SessionLocal;
import org.h2.util.JSR310Utils;
import org.h2.value.Value;
import org.h2.value.ValueInterval;
import org.h2.value.ValueNull;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * to_char(value, format), installed by {@link PgCatalog}, as PostgreSQL 15 formats in the C locale
 * (H2's TO_CHAR is Oracle's: it refused {@code MI999}, {@code 99th}, {@code Day}, {@code MS},
 * {@code OF} and printed {@code March 05} for {@code FMMonth FMDD}). Dates and times: every
 * template pattern of PostgreSQL's table 9.26 but J and the ISO week-numbering patterns' rarely
 * used I, with FM, TH, FX and TM; timestamptz in the session's TimeZone. Numbers: 9, 0, '.', D,
 * ',', G, S, MI, PL, SG, PR, L, TH and FM; a template without room for the integer part prints
 * '#' in each digit position. Intervals: their fields by the same patterns.
 */
public final class ToChar {

    private ToChar() {}

    public static String to_char(Connection c, Value value, String format) throws SQLException {
        if (value == null || value == ValueNull.INSTANCE || format == null) {
            return null;
        }
        SessionLocal session = CatalogFunctions.session(c);
        switch (value.getValueType()) {
            case Value.TINYINT, Value.SMALLINT, Value.INTEGER, Value.BIGINT, Value.NUMERIC, Value.REAL, Value.DOUBLE, Value.DECFLOAT -> {
                return new ToCharNumbers(format).apply(value.getBigDecimal());
            }
            case Value.TIMESTAMP_TZ -> {
                ZoneId zone = ZoneId.of(session.currentTimeZone().getId());
                ZonedDateTime z = JSR310Utils.valueToOffsetDateTime(value, session).atZoneSameInstant(zone);
                return new DateFormat(format).apply(z.toLocalDateTime(), z.getOffset().getTotalSeconds(), z.getZone());
            }
            case Value.TIMESTAMP -> {
                return new DateFormat(format).apply(JSR310Utils.valueToLocalDateTime(value, session), null, null);
            }
            case Value.DATE -> {
                return new DateFormat(format).apply(JSR310Utils.valueToLocalDate(value, session).atStartOfDay(), null, null);
            }
            case Value.TIME, Value.TIME_TZ -> {
                return new DateFormat(format).apply(JSR310Utils.valueToLocalTime(value, session).atDate(java.time.LocalDate.of(2000, 1, 1)),
                        null, null);
            }
            default -> {
                if (value instanceof ValueInterval i) {
                    return new DateFormat(format).applyInterval(i.getInterval());
                }
                throw new SQLException("function to_char(" + value.getType().getTraceSQL().toLowerCase(Locale.ROOT)
                        + ", text) does not exist", "42883");
            }
        }
    }

    /** The patterns, longest first where one begins another (PostgreSQL's table order). */
    private static final String[] DATE_PATTERNS = {"A.D.", "A.M.", "AD", "AM", "B.C.", "BC", "CC", "DAY", "DDD", "DD", "DY", "D",
        "FF1", "FF2", "FF3", "FF4", "FF5", "FF6", "HH24", "HH12", "HH", "IDDD", "ID", "IW", "IYYY", "IYY", "IY", "J", "MI", "MM", "MONTH",
        "MON", "MS", "OF", "P.M.", "PM", "Q", "RM", "SSSSS", "SSSS", "SS", "TZH", "TZM", "TZ", "US", "WW", "W", "Y,YYY", "YYYY", "YYY",
        "YY", "Y"};

    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"};
    private static final String[] ROMAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};

    private static final class DateFormat {
        private final String fmt;

        DateFormat(String fmt) {
            this.fmt = fmt;
        }

        /** A timestamp's fields; {@code offset} and {@code zone} for a timestamptz, else null. */
        String apply(LocalDateTime t, Integer offset, ZoneId zone) {
            return format(new Fields(t, offset, zone, false));
        }

        String applyInterval(org.h2.api.Interval i) {
            long years = i.getYears(); // each negative in a negative interval
            long months = i.getMonths();
            long days = i.getDays();
            long hours = i.getHours();
            long minutes = i.getMinutes();
            long seconds = i.getSeconds();
            long nanos = i.getNanosOfSecond();
            Fields f = new Fields(null, null, null, true);
            f.year = years;
            f.month = months;
            f.day = days;
            f.hour = hours;
            f.minute = minutes;
            f.second = seconds;
            f.nanos = Math.abs(nanos);
            return format(f);
        }

        private String format(Fields f) {
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < fmt.length()) {
                boolean fm = false;
                while (true) {
                    if (fmt.regionMatches(true, i, "FM", 0, 2)) {
                        fm = true;
                        i += 2;
                    } else if (fmt.regionMatches(true, i, "FX", 0, 2) || fmt.regionMatches(true, i, "TM", 0, 2)) {
                        i += 2;
                    } else {
                        break;
                    }
                }
                if (i >= fmt.length()) {
                    break;
                }
                char ch = fmt.charAt(i);
                if (ch == '"') {
                    int j = i + 1;
                    while (j < fmt.length() && fmt.charAt(j) != '"') {
                        if (fmt.charAt(j) == '\\' && j + 1 < fmt.length()) {
                            j++;
                        }
                        out.append(fmt.charAt(j));
                        j++;
                    }
                    i = j + 1;
                    continue;
                }
                if (ch == '\\' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '"') {
                    out.append('"');
                    i += 2;
                    continue;
                }
                String pattern = null;
                for (String p : DATE_PATTERNS) {
                    if (fmt.regionMatches(true, i, p, 0, p.length())) {
                        pattern = p;
                        break;
                    }
                }
                if (pattern == null) {
                    out.append(ch);
                    i++;
                    continue;
                }
                String written = fmt.substring(i, i + pattern.length());
                i += pattern.length();
                String text = field(f, pattern, written, fm);
                if (fmt.regionMatches(true, i, "TH", 0, 2)) {
                    boolean upper = fmt.charAt(i) == 'T';
                    text = text + ordinal(text, upper);
                    i += 2;
                }
                out.append(text);
            }
            return out.toString();
        }

        private static String field(Fields f, String p, String written, boolean fm) {
            return switch (p) {
                case "HH", "HH12" -> num(f.interval ? f.hour : (f.hour % 12 == 0 ? 12 : f.hour % 12), 2, fm);
                case "HH24" -> num(f.hour, 2, fm);
                case "MI" -> num(f.minute, 2, fm);
                case "SS" -> num(f.second, 2, fm);
                case "MS" -> num(f.nanos / 1_000_000, 3, fm);
                case "US" -> num(f.nanos / 1_000, 6, fm);
                case "FF1", "FF2", "FF3", "FF4", "FF5", "FF6" -> {
                    int n = p.charAt(2) - '0';
                    yield num(f.nanos / (long) Math.pow(10, 9 - n), n, fm);
                }
                case "SSSS", "SSSSS" -> Long.toString(f.hour * 3600 + f.minute * 60 + f.second);
                case "AM", "PM" -> cased(f.hour >= 12 ? "PM" : "AM", written);
                case "A.M.", "P.M." -> cased(f.hour >= 12 ? "P.M." : "A.M.", written);
                case "Y,YYY" -> {
                    long y = f.displayYear();
                    yield y / 1000 + "," + pad(Long.toString(y % 1000), 3, '0');
                }
                case "YYYY" -> num(f.displayYear(), 4, fm);
                case "YYY" -> num(f.displayYear() % 1000, 3, fm);
                case "YY" -> num(f.displayYear() % 100, 2, fm);
                case "Y" -> Long.toString(f.displayYear() % 10);
                case "IYYY" -> num(f.isoYear(), 4, fm);
                case "IYY" -> num(f.isoYear() % 1000, 3, fm);
                case "IY" -> num(f.isoYear() % 100, 2, fm);
                case "BC", "AD" -> cased(f.year <= 0 ? "BC" : "AD", written);
                case "B.C.", "A.D." -> cased(f.year <= 0 ? "B.C." : "A.D.", written);
                case "MONTH" -> name(f.month >= 1 ? MONTHS[(int) f.month - 1] : "", written, fm ? 0 : 9);
                case "MON" -> name(f.month >= 1 ? MONTHS[(int) f.month - 1].substring(0, 3) : "", written, 0);
                case "MM" -> num(f.month, 2, fm);
                case "DAY" -> name(f.dayOfWeekName(), written, fm ? 0 : 9);
                case "DY" -> name(f.dayOfWeekName().substring(0, 3), written, 0);
                case "DDD" -> num(f.interval ? f.day : f.time.getDayOfYear(), 3, fm);
                case "IDDD" -> num(f.isoDayOfYear(), 3, fm);
                case "DD" -> num(f.day, 2, fm);
                case "D" -> Integer.toString(f.time.getDayOfWeek().getValue() % 7 + 1);
                case "ID" -> Integer.toString(f.time.getDayOfWeek().getValue());
                case "W" -> Long.toString((f.day - 1) / 7 + 1);
                case "WW" -> num((f.time.getDayOfYear() - 1) / 7 + 1, 2, fm);
                case "IW" -> num(f.time.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, fm);
                case "CC" -> {
                    long y = f.year;
                    long cc = y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100);
                    yield num(cc, 2, fm);
                }
                case "Q" -> Long.toString((f.month - 1) / 3 + 1);
                case "J" -> Long.toString(f.time.toLocalDate().toEpochDay() + 2_440_588); // the Julian day of 1970-01-01
                case "RM" -> {
                    String r = f.interval ? intervalRoman(f) : f.month >= 1 ? ROMAN[(int) f.month - 1] : "";
                    if (r.isEmpty() && f.interval) {
                        yield ""; // no months, no years: nothing, not even padding
                    }
                    r = written.equals("rm") ? r.toLowerCase(Locale.ROOT) : r;
                    yield fm ? r : pad(r, 4, ' ', false);
                }
                case "TZ" -> {
                    String abbr = f.zoneAbbreviation();
                    yield written.equals("tz") ? abbr.toLowerCase(Locale.ROOT) : abbr;
                }
                case "TZH" -> f.offset == null ? "" : (f.offset < 0 ? "-" : "+") + pad(Long.toString(Math.abs(f.offset) / 3600), 2, '0');
                case "TZM" -> f.offset == null ? "" : pad(Long.toString(Math.abs(f.offset) % 3600 / 60), 2, '0');
                case "OF" -> {
                    if (f.offset == null) {
                        yield "";
                    }
                    int o = Math.abs(f.offset);
                    String s = (f.offset < 0 ? "-" : "+") + pad(Integer.toString(o / 3600), 2, '0');
                    yield o % 3600 == 0 ? s : s + ":" + pad(Integer.toString(o % 3600 / 60), 2, '0');
                }
                default -> p;
            };
        }
    }

    /** A timestamp's (or an interval's) fields. */
    /**
     * An interval's month in Roman numerals as PostgreSQL counts it: none for zero months and years,
     * a whole number of years is XII (I when negative), -1 month is XII, -2 XI and so on.
     */
    private static String intervalRoman(Fields f) {
        long total = f.year * 12 + f.month;
        if (total == 0) {
            return "";
        }
        int month = (int) (total % 12);
        if (month == 0) {
            return total > 0 ? ROMAN[11] : ROMAN[0];
        }
        return month > 0 ? ROMAN[month - 1] : ROMAN[12 + month];
    }

    private static final class Fields {
        final LocalDateTime time;
        final Integer offset;
        final ZoneId zone;
        final boolean interval;
        long year;
        long month;
        long day;
        long hour;
        long minute;
        long second;
        long nanos;

        Fields(LocalDateTime t, Integer offset, ZoneId zone, boolean interval) {
            this.time = t;
            this.offset = offset;
            this.zone = zone;
            this.interval = interval;
            if (t != null) {
                year = t.getYear();
                month = t.getMonthValue();
                day = t.getDayOfMonth();
                hour = t.getHour();
                minute = t.getMinute();
                second = t.getSecond();
                nanos = t.getNano();
            }
        }

        /** The year as printed: 1 BC is year 0 in Java and 1 in PostgreSQL. */
        long displayYear() {
            return interval || year > 0 ? year : 1 - year;
        }

        long isoYear() {
            return time.get(IsoFields.WEEK_BASED_YEAR);
        }

        long isoDayOfYear() {
            return (time.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR) - 1) * 7L + time.get(ChronoField.DAY_OF_WEEK);
        }

        String dayOfWeekName() {
            DayOfWeek d = time.getDayOfWeek();
            String n = d.name();
            return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
        }

        String zoneAbbreviation() {
            if (offset == null) {
                return "";
            }
            String id = zone.getId();
            if (id.equals("UTC") || id.equals("Z") || id.equals("Etc/UTC")) {
                return "UTC";
            }
            String name = java.time.format.DateTimeFormatter.ofPattern("zzz", Locale.US).format(time.atZone(zone));
            if (name.matches("[A-Z]{2,5}")) {
                return name;
            }
            int o = Math.abs(offset);
            String s = (offset < 0 ? "-" : "+") + pad(Integer.toString(o / 3600), 2, '0');
            return o % 3600 == 0 ? s : s + ":" + pad(Integer.toString(o % 3600 / 60), 2, '0');
        }
    }

    /** A number zero-padded to {@code width} digits (a minus sign in front), or as is in fill mode. */
    private static String num(long v, int width, boolean fm) {
        String digits = Long.toString(Math.abs(v));
        String s = fm ? digits : pad(digits, width, '0');
        return v < 0 ? "-" + s : s;
    }

    static String pad(String s, int width, char with) {
        return pad(s, width, with, true);
    }

    static String pad(String s, int width, char with, boolean left) {
        if (s.length() >= width) {
            return s;
        }
        String fill = String.valueOf(with).repeat(width - s.length());
        return left ? fill + s : s + fill;
    }

    /** MONTH, Month or month as the pattern was written; blank-padded to {@code width} (0: not). */
    private static String name(String n, String written, int width) {
        String s = cased(n, written);
        return width > 0 ? pad(s, width, ' ', false) : s;
    }

    /** {@code s} in the case of the pattern as written: all upper, capitalized or all lower. */
    private static String cased(String s, String written) {
        if (written.equals(written.toUpperCase(Locale.ROOT))) {
            return s.toUpperCase(Locale.ROOT);
        }
        if (Character.isUpperCase(written.charAt(0))) {
            return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase(Locale.ROOT);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /** The English ordinal suffix of the number that ends {@code text}. */
    static String ordinal(String text, boolean upper) {
        String digits = text.replaceAll("[^0-9]", "");
        if (digits.isEmpty()) {
            return "";
        }
        int last2 = Integer.parseInt(digits.substring(Math.max(0, digits.length() - 2)));
        String s = last2 % 100 >= 11 && last2 % 100 <= 13 ? "th" : switch (last2 % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return upper ? s.toUpperCase(Locale.ROOT) : s;
    }
}
