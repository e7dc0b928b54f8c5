package borealis.engine.pg.types;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * numeric values with the scale PostgreSQL gives them. PostgreSQL keeps each value's own scale in
 * an unconstrained numeric ('1.50' stays 1.50) and pads a numeric(p,s) to s digits. H2 keeps a
 * value's scale only in NUMERIC(p,s) with the engine set to convert to a smaller scale only (the H2
 * setting Database installs), so an unconstrained numeric is H2's {@link #UNCONSTRAINED}, a
 * constrained one is padded to its scale when it is sent, and a quotient (H2 divides to a scale of
 * its own, past any PostgreSQL keeps) gets the scale PostgreSQL's division gives it.
 */
public final class PgNumerics {

    private PgNumerics() {}

    /** The H2 type of an unconstrained numeric: a precision no numeric(p,s) has marks it (typmod -1). */
    public static final String UNCONSTRAINED = "NUMERIC(2000, 1000)";

    /** numeric(p,s) allows p up to 1000; a larger H2 precision is an unconstrained numeric. */
    public static final int MAX_CONSTRAINED_PRECISION = 1000;
    /** PostgreSQL computes results to at most 1000 digits after the point (NUMERIC_MAX_DISPLAY_SCALE). */
    private static final int MAX_DISPLAY_SCALE = 1000;
    /** A quotient has at least 16 significant digits (NUMERIC_MIN_SIG_DIGITS). */
    private static final int MIN_SIG_DIGITS = 16;

    /**
     * The value PostgreSQL holds for {@code v} of the H2 result type NUMERIC({@code precision},
     * {@code scale}): padded to a constrained type's scale; a quotient's scale as PostgreSQL's.
     */
    public static BigDecimal asPostgres(BigDecimal v, int precision, int scale) {
        BigDecimal padded = padded(v, precision, scale);
        if (padded != v) {
            return padded;
        }
        if (v.scale() > MAX_DISPLAY_SCALE) {
            return quotient(v);
        }
        return v;
    }

    /** {@code v} padded to the scale of H2's NUMERIC({@code precision}, {@code scale}) when that is a numeric(p,s). */
    public static BigDecimal padded(BigDecimal v, int precision, int scale) {
        if (precision > 0 && precision <= MAX_CONSTRAINED_PRECISION && scale > v.scale()) {
            return v.setScale(scale);
        }
        return v;
    }

    /**
     * A quotient H2 computed to more digits than PostgreSQL keeps, to PostgreSQL's scale: 16
     * significant digits from the quotient's first base-10000 digit (select_div_scale). PostgreSQL
     * also keeps the operands' scales when they are larger, which the quotient no longer knows.
     */
    static BigDecimal quotient(BigDecimal v) {
        BigDecimal stripped = v.stripTrailingZeros();
        if (stripped.signum() == 0) {
            return BigDecimal.ZERO.setScale(MIN_SIG_DIGITS + 4);
        }
        int exponent = stripped.precision() - stripped.scale() - 1; // v is d.ddd x 10^exponent
        int weight = Math.floorDiv(exponent, 4); // PostgreSQL's digits are base 10000
        int scale = Math.max(0, Math.min(MAX_DISPLAY_SCALE, MIN_SIG_DIGITS - weight * 4));
        return v.setScale(scale, RoundingMode.HALF_UP);
    }

    /** The declared precision and scale in an H2 type name such as {@code NUMERIC(10, 2) ARRAY}, or null. */
    static int[] declared(String h2TypeName) {
        if (h2TypeName == null || !h2TypeName.startsWith("NUMERIC(")) {
            return null;
        }
        int close = h2TypeName.indexOf(')');
        String[] parts = h2TypeName.substring("NUMERIC(".length(), close).split(",");
        try {
            return new int[] {Integer.parseInt(parts[0].trim()), parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 0};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
