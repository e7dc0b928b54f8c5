package borealis.engine.pg.types;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL's interval input, decoded as its DecodeInterval does: fields read right to left (a
 * unit names the number before it; a number just before a clock is days), each number's whole
 * part and fraction applied by its unit's rule (a fraction of a month is 30 days, of a day 24
 * hours, of a year whole months rounded), and the same ranges: a field that does not fit
 * (years, months and days are 32-bit, the time 64-bit microseconds) is 22015 "interval field
 * value out of range", a result whose months do not fit is 22008 "interval out of range".
 * Before, values past the ranges wrapped around silently ({@code '2562047789 hours'} read as
 * -2562047787:01:49.551616) and fractions were cut ({@code '0.5 weeks'} read as 3 days).
 *
 * <p>Accepted: {@code [@] quantity unit [quantity unit...] [ago]}, units spelled as PostgreSQL
 * spells them, clocks {@code [+-]h:m[:s]}, {@code y-m}, ISO 8601 {@code P1Y2M3W4DT5H6M7.5S}.
 */
public final class IntervalInput {

    /** An interval as PostgreSQL keeps it: 32-bit months and days, 64-bit microseconds. */
    public record Fields(int months, int days, long micros) {}

    private static final long USECS_PER_DAY = 86_400_000_000L;
    private static final long USECS_PER_HOUR = 3_600_000_000L;
    private static final long USECS_PER_MINUTE = 60_000_000L;
    private static final long USECS_PER_SECOND = 1_000_000L;

    private enum Unit { MICROSECOND, MILLISECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, YEAR, DECADE, CENTURY, MILLENNIUM }

    private static final Map<String, Unit> UNITS = Map.ofEntries(
            Map.entry("microsecond", Unit.MICROSECOND), Map.entry("microseconds", Unit.MICROSECOND), Map.entry("us", Unit.MICROSECOND),
            Map.entry("usec", Unit.MICROSECOND), Map.entry("usecs", Unit.MICROSECOND), Map.entry("usecond", Unit.MICROSECOND),
            Map.entry("useconds", Unit.MICROSECOND),
            Map.entry("millisecond", Unit.MILLISECOND), Map.entry("milliseconds", Unit.MILLISECOND), Map.entry("ms", Unit.MILLISECOND),
            Map.entry("msec", Unit.MILLISECOND), Map.entry("msecs", Unit.MILLISECOND), Map.entry("msecond", Unit.MILLISECOND),
            Map.entry("mseconds", Unit.MILLISECOND),
            Map.entry("second", Unit.SECOND), Map.entry("seconds", Unit.SECOND), Map.entry("s", Unit.SECOND), Map.entry("sec", Unit.SECOND),
            Map.entry("secs", Unit.SECOND),
            Map.entry("minute", Unit.MINUTE), Map.entry("minutes", Unit.MINUTE), Map.entry("m", Unit.MINUTE), Map.entry("min", Unit.MINUTE),
            Map.entry("mins", Unit.MINUTE),
            Map.entry("hour", Unit.HOUR), Map.entry("hours", Unit.HOUR), Map.entry("h", Unit.HOUR), Map.entry("hr", Unit.HOUR),
            Map.entry("hrs", Unit.HOUR),
            Map.entry("day", Unit.DAY), Map.entry("days", Unit.DAY), Map.entry("d", Unit.DAY),
            Map.entry("week", Unit.WEEK), Map.entry("weeks", Unit.WEEK), Map.entry("w", Unit.WEEK),
            Map.entry("month", Unit.MONTH), Map.entry("months", Unit.MONTH), Map.entry("mon", Unit.MONTH), Map.entry("mons", Unit.MONTH),
            Map.entry("year", Unit.YEAR), Map.entry("years", Unit.YEAR), Map.entry("y", Unit.YEAR), Map.entry("yr", Unit.YEAR),
            Map.entry("yrs", Unit.YEAR),
            Map.entry("decade", Unit.DECADE), Map.entry("decades", Unit.DECADE), Map.entry("dec", Unit.DECADE), Map.entry("decs", Unit.DECADE),
            Map.entry("century", Unit.CENTURY), Map.entry("centuries", Unit.CENTURY), Map.entry("c", Unit.CENTURY), Map.entry("cent", Unit.CENTURY),
            Map.entry("millennium", Unit.MILLENNIUM), Map.entry("millennia", Unit.MILLENNIUM), Map.entry("mil", Unit.MILLENNIUM),
            Map.entry("mils", Unit.MILLENNIUM));

    private IntervalInput() {}

    /** The fields of an interval qualifier, in order. */
    public enum Field { YEAR, MONTH, DAY, HOUR, MINUTE, SECOND }

    /**
     * An interval type's qualifier: {@code first TO last} (one field: first == last), and the
     * precision of its seconds (-1: all six digits). {@code FULL} is a plain interval.
     */
    public record Qualifier(Field first, Field last, int precision) {
        public static final Qualifier FULL = new Qualifier(Field.YEAR, Field.SECOND, -1);

        boolean full() {
            return first == Field.YEAR && last == Field.SECOND;
        }
    }

    /** The interval {@code text} means, or 22007 (syntax), 22015 (a field out of range), 22008 (the months out of range). */
    public static Fields parse(String text) throws SQLException {
        return parse(text, Qualifier.FULL);
    }

    /**
     * As {@link #parse(String)} for a qualified interval ({@code interval '1 2' day to hour}): a
     * number without a unit is the qualifier's last field, {@code m:s} is minutes and seconds in
     * MINUTE TO SECOND, and the result keeps only the qualifier's fields (PostgreSQL's
     * AdjustIntervalForTypmod: smaller fields are cut off, seconds rounded to the precision).
     */
    public static Fields parse(String text, Qualifier q) throws SQLException {
        Fields f = parseUnrestricted(text, q);
        return q.full() && q.precision() < 0 ? f : restrict(f, q);
    }

    /** A value cut to the qualifier's fields and precision. */
    public static Fields restrict(Fields f, Qualifier q) {
        int months = f.months();
        int days = f.days();
        long micros = f.micros();
        if (q.last() == Field.YEAR) {
            months = months / 12 * 12;
        }
        if (q.last() == Field.YEAR || q.last() == Field.MONTH) {
            days = 0;
            micros = 0;
        } else if (q.last() == Field.DAY) {
            micros = 0;
        } else if (q.last() == Field.HOUR) {
            micros = micros / USECS_PER_HOUR * USECS_PER_HOUR;
        } else if (q.last() == Field.MINUTE) {
            micros = micros / USECS_PER_MINUTE * USECS_PER_MINUTE;
        } else if (q.precision() >= 0 && q.precision() < 6) {
            long scale = (long) Math.pow(10, 6 - q.precision());
            long half = scale / 2;
            micros = micros >= 0 ? (micros + half) / scale * scale : -((-micros + half) / scale * scale);
        }
        return new Fields(months, days, micros);
    }

    private static Fields parseUnrestricted(String text, Qualifier q) throws SQLException {
        Accumulator a = new Accumulator(text);
        a.qualifier = q;
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("@")) {
            s = s.substring(1).trim();
        }
        boolean ago = false;
        if (s.endsWith(" ago") || s.equals("ago")) {
            ago = true;
            s = s.substring(0, s.length() - 3).trim();
        }
        if (s.isEmpty()) {
            throw a.syntax();
        }
        if (s.charAt(0) == 'p') {
            iso(s, a);
        } else {
            words(tokens(s, a), a);
        }
        if (ago) {
            if (a.micros == Long.MIN_VALUE || a.days == Integer.MIN_VALUE || a.months == Integer.MIN_VALUE || a.years == Integer.MIN_VALUE) {
                throw a.fieldOverflow();
            }
            a.micros = -a.micros;
            a.days = -a.days;
            a.months = -a.months;
            a.years = -a.years;
        }
        long months = (long) a.years * 12 + a.months;
        if (months != (int) months) {
            throw new SQLException("interval out of range", "22008");
        }
        return new Fields((int) months, a.days, a.micros);
    }

    /** Words and numbers apart: '5min' is 5 min, '-1days' is -1 days; commas separate as spaces. */
    private static List<String> tokens(String s, Accumulator a) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String part : s.replace(',', ' ').split("\\s+")) {
            int i = 0;
            while (i < part.length()) {
                int start = i;
                char c = part.charAt(i);
                if (Character.isLetter(c)) {
                    while (i < part.length() && Character.isLetter(part.charAt(i))) {
                        i++;
                    }
                } else if (Character.isDigit(c) || c == '-' || c == '+' || c == '.' || c == ':') {
                    i++;
                    while (i < part.length() && (Character.isDigit(part.charAt(i)) || part.charAt(i) == '.' || part.charAt(i) == ':'
                            || part.charAt(i) == '-' && i > start && Character.isDigit(part.charAt(i - 1)))) {
                        i++;
                    }
                } else {
                    throw a.syntax();
                }
                out.add(part.substring(start, i));
            }
        }
        return out;
    }

    /** PostgreSQL reads the fields from the right: a unit word types the number to its left. */
    private static void words(List<String> tokens, Accumulator a) throws SQLException {
        Unit unit = null; // the unit word just read, for the number before it
        // What a number without a unit counts, as PostgreSQL carries it leftwards: days before a
        // clock or an hour ('1 2:03', '1 2 hours'), else the unit of the number to its right (so
        // '1 2 days' repeats days: an error), else the qualifier's last field (seconds if none).
        Unit bare = null;
        for (int i = tokens.size() - 1; i >= 0; i--) {
            String tok = tokens.get(i);
            if (Character.isLetter(tok.charAt(0))) {
                // the word nearest the number names it ('1 hours days' is an hour); one with no number is ignored
                unit = UNITS.get(tok);
                if (unit == null) {
                    throw a.syntax();
                }
                continue;
            }
            if (tok.indexOf(':') >= 0) {
                if (unit != null) {
                    throw a.syntax();
                }
                a.claim(Unit.HOUR, Unit.MINUTE, Unit.SECOND);
                clock(tok, a);
                bare = Unit.DAY;
                continue;
            }
            if (tok.matches("[+-]?\\d+-\\d+")) {
                // SQL-standard year-month: '1-2' is 1 year 2 months
                if (unit != null) {
                    throw a.syntax();
                }
                a.claim(Unit.YEAR, Unit.MONTH);
                boolean negative = tok.startsWith("-");
                String[] ym = tok.replaceFirst("^[+-]", "").split("-");
                a.add(Unit.YEAR, new BigDecimal(negative ? "-" + ym[0] : ym[0]));
                a.add(Unit.MONTH, new BigDecimal(negative ? "-" + ym[1] : ym[1]));
                bare = Unit.MONTH;
                continue;
            }
            BigDecimal n;
            try {
                n = new BigDecimal(tok.startsWith("+") ? tok.substring(1) : tok);
            } catch (NumberFormatException e) {
                throw a.syntax();
            }
            Unit u = unit != null ? unit : bare != null ? bare : a.lastUnit();
            a.claim(u);
            a.add(u, n);
            unit = null;
            bare = u == Unit.HOUR ? Unit.DAY : u;
        }
        if (a.claimed.isEmpty()) {
            throw a.syntax(); // no quantity at all ('hours')
        }
    }

    /** [+-]h:m[:s]; h:m.f (a fraction in the second part) is minutes and seconds, as PostgreSQL reads it. */
    private static void clock(String tok, Accumulator a) throws SQLException {
        boolean negative = tok.startsWith("-");
        String[] parts = tok.replaceFirst("^[+-]", "").split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw a.syntax();
        }
        try {
            BigDecimal first = new BigDecimal(parts[0]);
            BigDecimal second = new BigDecimal(parts[1]);
            BigDecimal micros;
            boolean minutesSeconds = parts.length == 2 && (parts[1].contains(".")
                    || a.qualifier.first() == Field.MINUTE && a.qualifier.last() == Field.SECOND);
            if (minutesSeconds) {
                micros = first.multiply(BigDecimal.valueOf(USECS_PER_MINUTE)).add(second.multiply(BigDecimal.valueOf(USECS_PER_SECOND)));
            } else {
                micros = first.multiply(BigDecimal.valueOf(USECS_PER_HOUR)).add(second.multiply(BigDecimal.valueOf(USECS_PER_MINUTE)));
                if (parts.length == 3) {
                    micros = micros.add(new BigDecimal(parts[2]).multiply(BigDecimal.valueOf(USECS_PER_SECOND)));
                }
            }
            micros = micros.setScale(0, RoundingMode.HALF_EVEN);
            a.addMicros(negative ? micros.negate() : micros);
        } catch (NumberFormatException e) {
            throw a.syntax();
        }
    }

    /** ISO 8601: P[nY][nM][nW][nD][T[nH][nM][nS]], each n possibly signed and fractional. */
    private static void iso(String s, Accumulator a) throws SQLException {
        boolean time = false;
        int i = 1;
        if (i >= s.length()) {
            throw a.syntax();
        }
        while (i < s.length()) {
            if (s.charAt(i) == 't') {
                if (time) {
                    throw a.syntax();
                }
                time = true;
                i++;
                continue;
            }
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '-' || s.charAt(i) == '+')) {
                i++;
            }
            if (i == start || i >= s.length()) {
                throw a.syntax();
            }
            BigDecimal n;
            try {
                n = new BigDecimal(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw a.syntax();
            }
            char unit = s.charAt(i++);
            Unit u = switch (unit) {
                case 'y' -> time ? null : Unit.YEAR;
                case 'm' -> time ? Unit.MINUTE : Unit.MONTH;
                case 'w' -> time ? null : Unit.WEEK;
                case 'd' -> time ? null : Unit.DAY;
                case 'h' -> time ? Unit.HOUR : null;
                case 's' -> time ? Unit.SECOND : null;
                default -> null;
            };
            if (u == null) {
                throw a.syntax();
            }
            a.claim(u);
            a.add(u, n);
        }
    }

    /** PostgreSQL's pg_itm_in: years, months and days apart, each 32-bit; the time 64-bit. */
    private static final class Accumulator {
        private final String text;
        int years;
        int months;
        int days;
        long micros;
        Qualifier qualifier = Qualifier.FULL;

        /** What a number without a unit counts: the qualifier's last field. */
        Unit lastUnit() {
            return switch (qualifier.last()) {
                case YEAR -> Unit.YEAR;
                case MONTH -> Unit.MONTH;
                case DAY -> Unit.DAY;
                case HOUR -> Unit.HOUR;
                case MINUTE -> Unit.MINUTE;
                case SECOND -> Unit.SECOND;
            };
        }

        /** Fields given so far: each at most once ('1 day 2 days' is an error, as in PostgreSQL). */
        final java.util.EnumSet<Unit> claimed = java.util.EnumSet.noneOf(Unit.class);

        Accumulator(String text) {
            this.text = text;
        }

        SQLException syntax() {
            return new SQLException("invalid input syntax for type interval: \"" + text + "\"", "22007");
        }

        void claim(Unit... units) throws SQLException {
            for (Unit u : units) {
                if (!claimed.add(u)) {
                    throw syntax();
                }
            }
        }

        SQLException fieldOverflow() {
            return new SQLException("interval field value out of range: \"" + text + "\"", "22015");
        }

        void add(Unit unit, BigDecimal n) throws SQLException {
            BigDecimal whole = new BigDecimal(n.toBigInteger());
            BigDecimal frac = n.subtract(whole);
            long val;
            try {
                val = whole.longValueExact();
            } catch (ArithmeticException e) {
                throw fieldOverflow();
            }
            try {
                switch (unit) {
                    case MICROSECOND -> micros(val, frac, 1);
                    case MILLISECOND -> micros(val, frac, 1000);
                    case SECOND -> micros(val, frac, USECS_PER_SECOND);
                    case MINUTE -> micros(val, frac, USECS_PER_MINUTE);
                    case HOUR -> micros(val, frac, USECS_PER_HOUR);
                    case DAY -> {
                        days = Math.addExact(days, Math.toIntExact(val));
                        fractMicros(frac, USECS_PER_DAY);
                    }
                    case WEEK -> {
                        days = Math.addExact(days, Math.multiplyExact(Math.toIntExact(val), 7));
                        fractDays(frac, 7);
                    }
                    case MONTH -> {
                        months = Math.addExact(months, Math.toIntExact(val));
                        fractDays(frac, 30);
                    }
                    case YEAR -> years(val, frac, 1);
                    case DECADE -> years(val, frac, 10);
                    case CENTURY -> years(val, frac, 100);
                    case MILLENNIUM -> years(val, frac, 1000);
                }
            } catch (ArithmeticException e) {
                throw fieldOverflow();
            }
        }

        void addMicros(BigDecimal v) throws SQLException {
            try {
                micros = Math.addExact(micros, v.longValueExact());
            } catch (ArithmeticException e) {
                throw fieldOverflow();
            }
        }

        private void micros(long val, BigDecimal frac, long scale) {
            micros = Math.addExact(micros, Math.multiplyExact(val, scale));
            fractMicros(frac, scale);
        }

        /** A fraction of a unit in microseconds; a fractional microsecond rounds only past one half. */
        private void fractMicros(BigDecimal frac, long scale) {
            if (frac.signum() == 0) {
                return;
            }
            micros = Math.addExact(micros, frac.multiply(BigDecimal.valueOf(scale)).setScale(0, RoundingMode.HALF_DOWN).longValueExact());
        }

        private void fractDays(BigDecimal frac, int scale) {
            if (frac.signum() == 0) {
                return;
            }
            BigDecimal d = frac.multiply(BigDecimal.valueOf(scale));
            BigDecimal whole = new BigDecimal(d.toBigInteger());
            days = Math.addExact(days, whole.intValueExact());
            fractMicros(d.subtract(whole), USECS_PER_DAY);
        }

        private void years(long val, BigDecimal frac, int scale) {
            years = Math.addExact(years, Math.multiplyExact(Math.toIntExact(val), scale));
            months = Math.addExact(months, frac.multiply(BigDecimal.valueOf(12L * scale)).setScale(0, RoundingMode.HALF_EVEN).intValueExact());
        }
    }
}
