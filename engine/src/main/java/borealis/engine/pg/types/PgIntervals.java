package borealis.engine.pg.types;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.h2.api.Interval;

/** H2 intervals in PostgreSQL's forms: text like {@code 1 year 2 mons 3 days 04:05:06}, binary as (µs, days, months). */
public final class PgIntervals {

    private PgIntervals() {}

    /**
     * A day-to-second interval (what Borealis stores an interval column as) of PostgreSQL's
     * (months, days, µs): a month counts 30 days, as PostgreSQL's justify_days does.
     */
    static Interval dayToSecond(long months, long days, long micros) {
        long totalMicros = Math.addExact(Math.multiplyExact(Math.addExact(Math.multiplyExact(months, 30), days), 86_400_000_000L), micros);
        boolean negative = totalMicros < 0;
        long abs = Math.abs(totalMicros);
        return new Interval(org.h2.api.IntervalQualifier.DAY_TO_SECOND, negative, abs / 86_400_000_000L, abs % 86_400_000_000L * 1000);
    }

    /** A binary interval parameter: int64 µs, int32 days, int32 months. */
    static Interval fromBinary(java.nio.ByteBuffer b) {
        long micros = b.getLong();
        int days = b.getInt();
        int months = b.getInt();
        return dayToSecond(months, days, micros);
    }

    /**
     * PostgreSQL's interval input as clients send it: {@code 3 days 04:00:05.5} (node-postgres),
     * {@code 0 years 0 mons 3 days 4 hours 0 mins 5.5 secs} (pgjdbc), {@code -1 days +00:01:00},
     * {@code 3 days 14405.500000 seconds} (psycopg), ISO 8601 {@code P3DT4H5.5S}; {@code ago} negates.
     */
    public static Interval parseText(String text) throws java.sql.SQLException {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        boolean ago = s.endsWith(" ago");
        if (ago) {
            s = s.substring(0, s.length() - 4).trim();
        }
        if (s.startsWith("@")) {
            s = s.substring(1).trim();
        }
        long months = 0;
        long days = 0;
        java.math.BigDecimal micros = java.math.BigDecimal.ZERO;
        try {
            if (s.startsWith("p")) {
                java.time.Period period = java.time.Period.ZERO;
                java.time.Duration duration = java.time.Duration.ZERO;
                int t = s.indexOf('t');
                if (t != 1) {
                    period = java.time.Period.parse(t < 0 ? s : s.substring(0, t));
                }
                if (t >= 0) {
                    duration = java.time.Duration.parse("pt" + s.substring(t + 1));
                }
                months = period.toTotalMonths();
                days = period.getDays();
                micros = java.math.BigDecimal.valueOf(duration.toNanos()).movePointLeft(3);
            } else {
                String[] parts = s.replace(",", " ").split("\\s+");
                for (int i = 0; i < parts.length; i++) {
                    String p = parts[i];
                    if (p.isEmpty()) {
                        continue;
                    }
                    if (p.contains(":")) {
                        boolean negative = p.startsWith("-");
                        String[] hms = p.replaceFirst("^[-+]", "").split(":");
                        java.math.BigDecimal v = new java.math.BigDecimal(hms[0]).multiply(java.math.BigDecimal.valueOf(3_600_000_000L))
                                .add(hms.length > 1 ? new java.math.BigDecimal(hms[1]).multiply(java.math.BigDecimal.valueOf(60_000_000L))
                                        : java.math.BigDecimal.ZERO)
                                .add(hms.length > 2 ? new java.math.BigDecimal(hms[2]).movePointRight(6) : java.math.BigDecimal.ZERO);
                        micros = negative ? micros.subtract(v) : micros.add(v);
                        continue;
                    }
                    java.math.BigDecimal n = new java.math.BigDecimal(p.replaceFirst("^\\+", ""));
                    String unit = i + 1 < parts.length ? parts[++i] : "second";
                    switch (unit.replaceAll("s$", "")) {
                        case "millennium", "millennia" -> months += n.longValue() * 12_000;
                        case "century", "centurie" -> months += n.longValue() * 1200;
                        case "decade" -> months += n.longValue() * 120;
                        case "year", "yr", "y" -> months += n.multiply(java.math.BigDecimal.valueOf(12)).longValue();
                        case "mon", "month" -> months += n.longValue();
                        case "week", "w" -> days += n.longValue() * 7;
                        case "day", "d" -> days += n.longValue();
                        case "hour", "hr", "h" -> micros = micros.add(n.multiply(java.math.BigDecimal.valueOf(3_600_000_000L)));
                        case "minute", "min", "m" -> micros = micros.add(n.multiply(java.math.BigDecimal.valueOf(60_000_000L)));
                        case "second", "sec", "" -> micros = micros.add(n.movePointRight(6));
                        case "millisecond", "msec" -> micros = micros.add(n.movePointRight(3));
                        case "microsecond", "usec" -> micros = micros.add(n);
                        default -> throw new NumberFormatException(unit);
                    }
                }
            }
            Interval i = dayToSecond(months, days, micros.setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact());
            return ago ? new Interval(i.getQualifier(), !i.isNegative(), i.getLeading(), i.getRemaining()) : i;
        } catch (RuntimeException e) {
            throw new java.sql.SQLException("invalid input syntax for type interval: \"" + text + "\"", "22007");
        }
    }

    static byte[] encode(Object value, boolean binary) {
        if (!(value instanceof Interval i)) {
            return value.toString().getBytes(StandardCharsets.UTF_8);
        }
        // H2's interval fields carry the interval's sign already.
        long months = i.getYears() * 12 + i.getMonths();
        long days = i.getDays();
        long micros = (i.getHours() * 3600 + i.getMinutes() * 60 + i.getSeconds()) * 1_000_000L + i.getNanosOfSecond() / 1000;
        if (binary) {
            return ByteBuffer.allocate(16).putLong(micros).putInt((int) days).putInt((int) months).array();
        }
        return text(months, days, micros).getBytes(StandardCharsets.US_ASCII);
    }

    public static String text(long months, long days, long micros) {
        StringBuilder sb = new StringBuilder();
        long years = months / 12;
        long mons = months % 12;
        if (years != 0) {
            sb.append(years).append(Math.abs(years) == 1 ? " year" : " years");
        }
        if (mons != 0) {
            sb.append(sb.length() > 0 ? " " : "").append(mons).append(Math.abs(mons) == 1 ? " mon" : " mons");
        }
        if (days != 0) {
            sb.append(sb.length() > 0 ? " " : "").append(days).append(Math.abs(days) == 1 ? " day" : " days");
        }
        if (micros != 0 || sb.length() == 0) {
            long abs = Math.abs(micros);
            long h = abs / 3_600_000_000L;
            long m = abs / 60_000_000L % 60;
            long s = abs / 1_000_000L % 60;
            long f = abs % 1_000_000L;
            sb.append(sb.length() > 0 ? " " : "").append(micros < 0 ? "-" : "").append(String.format("%02d:%02d:%02d", h, m, s));
            if (f != 0) {
                String frac = String.format("%06d", f).replaceAll("0+$", "");
                sb.append('.').append(frac);
            }
        }
        return sb.toString();
    }
}
