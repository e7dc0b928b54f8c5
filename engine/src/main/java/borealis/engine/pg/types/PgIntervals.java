package borealis.engine.pg.types;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.h2.api.Interval;

/** H2 intervals in PostgreSQL's forms: text like {@code 1 year 2 mons 3 days 04:05:06}, binary as (µs, days, months). */
public final class PgIntervals {

    private PgIntervals() {}

    static byte[] encode(Object value, boolean binary) {
        if (!(value instanceof Interval i)) {
            return value.toString().getBytes(StandardCharsets.UTF_8);
        }
        int sign = i.isNegative() ? -1 : 1;
        long months = sign * (i.getYears() * 12 + i.getMonths());
        long days = sign * i.getDays();
        long micros = sign * ((i.getHours() * 3600 + i.getMinutes() * 60 + i.getSeconds()) * 1_000_000L + i.getNanosOfSecond() / 1000);
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
