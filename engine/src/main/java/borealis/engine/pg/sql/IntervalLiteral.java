package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.types.IntervalInput;
import java.math.BigInteger;
import java.sql.SQLException;

/**
 * PostgreSQL interval input ({@code '1 day 02:00:00'}, {@code '-3 hours'}, {@code '1 year 2 mons'},
 * {@code 'P1DT2H'}; decoded by {@link IntervalInput}) turned into an H2 interval literal, which wants
 * {@code INTERVAL '1' DAY} forms.
 */
final class IntervalLiteral {

    private IntervalLiteral() {}

    /** An H2 expression for the interval; PostgreSQL's error (22007, 22015, 22008) if the text is not one. */
    static String toH2(String text) {
        return toH2(text, IntervalInput.Qualifier.FULL);
    }

    /** As {@link #toH2(String)}, for an interval type with a qualifier ({@code interval '1 2' day to hour}). */
    static String toH2(String text, IntervalInput.Qualifier q) {
        try {
            IntervalInput.Fields f = IntervalInput.parse(text, q);
            return literal(f.months(), f.days(), f.micros());
        } catch (SQLException e) {
            throw new PgException(PgError.error(e.getSQLState(), e.getMessage()));
        }
    }

    /**
     * Where an interval qualifier that starts at {@code from} ends: {@code field [(p)] [TO field [(p)]]};
     * {@code from} itself if there is none.
     */
    static int qualifierEnd(TokenList t, int from) {
        int i = field(t, from);
        if (i == from) {
            return from;
        }
        if (t.is(i, "TO")) {
            int j = field(t, i + 1);
            return j == i + 1 ? from : j;
        }
        return i;
    }

    /** The qualifier in [from, end) ({@link #qualifierEnd}); FULL when empty. */
    static IntervalInput.Qualifier qualifier(TokenList t, int from, int end, int precision) {
        if (end == from) {
            return new IntervalInput.Qualifier(IntervalInput.Field.YEAR, IntervalInput.Field.SECOND, precision);
        }
        IntervalInput.Field first = IntervalInput.Field.valueOf(t.get(from).text.toUpperCase(java.util.Locale.ROOT));
        int to = t.find(from, end, "TO");
        IntervalInput.Field last = to < 0 ? first : IntervalInput.Field.valueOf(t.get(to + 1).text.toUpperCase(java.util.Locale.ROOT));
        if (t.get(end - 1).isClose()) {
            precision = Integer.parseInt(t.get(end - 2).text);
        }
        return new IntervalInput.Qualifier(first, last, precision);
    }

    /** After one qualifier field at {@code i} (with its precision), or {@code i} if there is none. */
    private static int field(TokenList t, int i) {
        Tok k = t.get(i);
        if (k == null || !k.isWord()) {
            return i;
        }
        try {
            IntervalInput.Field.valueOf(k.text.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return i;
        }
        if (t.get(i + 1) != null && t.get(i + 1).isOpen() && t.get(i + 2) != null && t.get(i + 2).kind == SqlLexer.Kind.NUMBER
                && t.get(i + 3) != null && t.get(i + 3).isClose()) {
            return i + 4;
        }
        return i + 1;
    }

    static String literal(long months, long days, long micros) {
        String ym = null;
        if (months != 0) {
            ym = "INTERVAL '" + months + "' MONTH";
        }
        String ds = null;
        if (days != 0 || micros != 0 || months == 0) {
            // days and microseconds as one signed span (H2's has one sign); 2^31 days pass a long's microseconds
            BigInteger total = BigInteger.valueOf(days).multiply(BigInteger.valueOf(86_400_000_000L)).add(BigInteger.valueOf(micros));
            boolean neg = total.signum() < 0;
            BigInteger[] dayAndRest = total.abs().divideAndRemainder(BigInteger.valueOf(86_400_000_000L));
            long d = dayAndRest[0].longValueExact();
            long rest = dayAndRest[1].longValueExact();
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
