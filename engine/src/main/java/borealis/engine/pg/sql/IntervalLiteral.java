package borealis.engine.pg.sql;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * PostgreSQL interval input ({@code '1 day 02:00:00'}, {@code '-3 hours'}, {@code '1 year 2 mons'},
 * {@code 'P1DT2H'}) turned into an H2 interval literal, which wants {@code INTERVAL '1' DAY} forms.
 */
final class IntervalLiteral {

    private IntervalLiteral() {}

    /** An H2 expression for the interval, or null if the text is not a valid interval. */
    static String toH2(String text) {
        long months = 0;
        long days = 0;
        BigDecimal micros = BigDecimal.ZERO;
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return null;
        }
        boolean ago = false;
        if (s.endsWith(" ago")) {
            ago = true;
            s = s.substring(0, s.length() - 4).trim();
        }
        if (s.startsWith("@")) {
            s = s.substring(1).trim();
        }
        if (s.startsWith("p")) {
            return iso(s);
        }
        String[] parts = s.split("\\s+");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.contains(":")) {
                BigDecimal t = clock(p);
                if (t == null) {
                    return null;
                }
                micros = micros.add(t);
                continue;
            }
            BigDecimal n;
            String unit;
            int split = 0;
            while (split < p.length() && (Character.isDigit(p.charAt(split)) || p.charAt(split) == '.' || p.charAt(split) == '-'
                    || p.charAt(split) == '+')) {
                split++;
            }
            try {
                n = new BigDecimal(p.substring(0, split));
            } catch (NumberFormatException e) {
                return null;
            }
            if (split < p.length()) {
                unit = p.substring(split);
            } else if (i + 1 < parts.length && !parts[i + 1].contains(":") && !Character.isDigit(parts[i + 1].charAt(0))
                    && parts[i + 1].charAt(0) != '-' && parts[i + 1].charAt(0) != '+') {
                unit = parts[++i];
            } else {
                unit = "second";
            }
            switch (unit.replaceAll("s$", "")) {
                case "millennium", "millennia", "mil" -> months += n.multiply(BigDecimal.valueOf(12000)).longValue();
                case "century", "centurie", "c" -> months += n.multiply(BigDecimal.valueOf(1200)).longValue();
                case "decade", "dec" -> months += n.multiply(BigDecimal.valueOf(120)).longValue();
                case "year", "yr", "y" -> months += n.multiply(BigDecimal.valueOf(12)).longValue();
                case "month", "mon" -> months += n.longValue();
                case "week", "w" -> days += n.multiply(BigDecimal.valueOf(7)).longValue();
                case "day", "d" -> {
                    days += n.longValue();
                    micros = micros.add(n.subtract(new BigDecimal(n.toBigInteger())).multiply(BigDecimal.valueOf(86_400_000_000L)));
                }
                case "hour", "hr", "h" -> micros = micros.add(n.multiply(BigDecimal.valueOf(3_600_000_000L)));
                case "minute", "min", "m" -> micros = micros.add(n.multiply(BigDecimal.valueOf(60_000_000L)));
                case "second", "sec", "" -> micros = micros.add(n.multiply(BigDecimal.valueOf(1_000_000L)));
                case "millisecond", "msec" -> micros = micros.add(n.multiply(BigDecimal.valueOf(1000)));
                case "microsecond", "usec" -> micros = micros.add(n);
                default -> {
                    if (unit.equals("ms")) {
                        micros = micros.add(n.multiply(BigDecimal.valueOf(1000)));
                    } else {
                        return null;
                    }
                }
            }
        }
        if (ago) {
            months = -months;
            days = -days;
            micros = micros.negate();
        }
        return literal(months, days, micros.longValue());
    }

    private static BigDecimal clock(String p) {
        boolean neg = p.startsWith("-");
        String[] hms = (neg || p.startsWith("+") ? p.substring(1) : p).split(":");
        try {
            BigDecimal h = new BigDecimal(hms[0]);
            BigDecimal m = hms.length > 1 ? new BigDecimal(hms[1]) : BigDecimal.ZERO;
            BigDecimal sec = hms.length > 2 ? new BigDecimal(hms[2]) : BigDecimal.ZERO;
            BigDecimal v = h.multiply(BigDecimal.valueOf(3_600_000_000L)).add(m.multiply(BigDecimal.valueOf(60_000_000L)))
                    .add(sec.multiply(BigDecimal.valueOf(1_000_000L)));
            return neg ? v.negate() : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String iso(String s) {
        java.time.Period period;
        java.time.Duration duration = java.time.Duration.ZERO;
        String upper = s.toUpperCase(Locale.ROOT);
        int t = upper.indexOf('T');
        try {
            period = t == 1 ? java.time.Period.ZERO : java.time.Period.parse(t < 0 ? upper : upper.substring(0, t));
            if (t >= 0) {
                duration = java.time.Duration.parse("P" + upper.substring(t));
            }
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
        long micros = duration.getSeconds() * 1_000_000L + duration.getNano() / 1000;
        return literal(period.toTotalMonths(), period.getDays(), micros);
    }

    static String literal(long months, long days, long micros) {
        String ym = null;
        if (months != 0) {
            ym = "INTERVAL '" + months + "' MONTH";
        }
        String ds = null;
        if (days != 0 || micros != 0 || months == 0) {
            long total = days * 86_400_000_000L + micros;
            boolean neg = total < 0;
            long abs = Math.abs(total);
            long d = abs / 86_400_000_000L;
            long rest = abs % 86_400_000_000L;
            long h = rest / 3_600_000_000L;
            long m = rest / 60_000_000L % 60;
            long sec = rest / 1_000_000L % 60;
            long us = rest % 1_000_000L;
            String frac = us == 0 ? "" : String.format(".%06d", us);
            if (days == 0) {
                // PostgreSQL keeps '36 hours' as 36:00:00, not 1 day 12:00:00
                ds = String.format("INTERVAL '%s%d:%02d:%02d%s' HOUR TO SECOND", neg ? "-" : "", d * 24 + h, m, sec, frac);
            } else {
                ds = String.format("INTERVAL '%s%d %02d:%02d:%02d%s' DAY TO SECOND", neg ? "-" : "", d, h, m, sec, frac);
            }
        }
        if (ym != null && ds != null) {
            return "(" + ym + " + " + ds + ")";
        }
        return ym != null ? ym : ds;
    }
}
