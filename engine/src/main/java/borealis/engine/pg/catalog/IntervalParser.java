package borealis.engine.pg.catalog;

import org.h2.api.Interval;

/** Run-time conversion of interval text ('1 day', '02:00:00') for casts of non-literal values. */
final class IntervalParser {

    private IntervalParser() {}

    static Interval parse(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        long months = 0;
        long micros = 0;
        long days = 0;
        String[] parts = s.split("\\s+");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.contains(":")) {
                String[] hms = p.replace("-", "").split(":");
                long v = Long.parseLong(hms[0]) * 3_600_000_000L + (hms.length > 1 ? Long.parseLong(hms[1]) * 60_000_000L : 0)
                        + (hms.length > 2 ? (long) (Double.parseDouble(hms[2]) * 1_000_000L) : 0);
                micros += p.startsWith("-") ? -v : v;
                continue;
            }
            double n = Double.parseDouble(p);
            String unit = i + 1 < parts.length ? parts[++i] : "second";
            unit = unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
            switch (unit) {
                case "year" -> months += (long) (n * 12);
                case "mon", "month" -> months += (long) n;
                case "week" -> days += (long) (n * 7);
                case "day" -> days += (long) n;
                case "hour" -> micros += (long) (n * 3_600_000_000L);
                case "minute", "min" -> micros += (long) (n * 60_000_000L);
                default -> micros += (long) (n * 1_000_000L);
            }
        }
        if (months != 0) {
            return Interval.ofYearsMonths(months / 12, (int) (months % 12));
        }
        return Interval.ofDaysHoursMinutesNanos(days, 0, 0, micros * 1000);
    }
}
