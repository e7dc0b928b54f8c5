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
        // exact: 2^31 days are more microseconds than a long holds
        java.math.BigInteger total = java.math.BigInteger.valueOf(months).multiply(java.math.BigInteger.valueOf(30))
                .add(java.math.BigInteger.valueOf(days)).multiply(java.math.BigInteger.valueOf(86_400_000_000L))
                .add(java.math.BigInteger.valueOf(micros));
        java.math.BigInteger[] dayAndRest = total.abs().divideAndRemainder(java.math.BigInteger.valueOf(86_400_000_000L));
        return new Interval(org.h2.api.IntervalQualifier.DAY_TO_SECOND, total.signum() < 0, dayAndRest[0].longValueExact(),
                dayAndRest[1].longValueExact() * 1000);
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
        IntervalInput.Fields f = IntervalInput.parse(text);
        return dayToSecond(f.months(), f.days(), f.micros());
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
        // as PostgreSQL's EncodeInterval (IntervalStyle postgres): a unit is plural unless its value
        // is 1 (-1 days), and a positive part after a negative one carries a '+' (-1 days +00:01:00)
        StringBuilder sb = new StringBuilder();
        boolean[] before = {false};
        part(sb, months / 12, "year", before);
        part(sb, months % 12, "mon", before);
        part(sb, days, "day", before);
        if (micros != 0 || sb.length() == 0) {
            long abs = Math.abs(micros);
            long h = abs / 3_600_000_000L;
            long m = abs / 60_000_000L % 60;
            long s = abs / 1_000_000L % 60;
            long f = abs % 1_000_000L;
            sb.append(sb.length() > 0 ? " " : "").append(micros < 0 ? "-" : before[0] ? "+" : "")
                    .append(String.format("%02d:%02d:%02d", h, m, s));
            if (f != 0) {
                String frac = String.format("%06d", f).replaceAll("0+$", "");
                sb.append('.').append(frac);
            }
        }
        return sb.toString();
    }

    private static void part(StringBuilder sb, long value, String unit, boolean[] before) {
        if (value == 0) {
            return;
        }
        sb.append(sb.length() > 0 ? " " : "").append(before[0] && value > 0 ? "+" : "").append(value).append(' ').append(unit)
                .append(value != 1 ? "s" : "");
        before[0] = value < 0;
    }
}
