package borealis.engine.pg.catalog;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.SQLException;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueNull;

/**
 * PostgreSQL's numeric helpers H2 lacks (gcd, lcm, scale, min_scale, trim_scale, factorial,
 * width_bucket), installed by {@link PgCatalog}. H2 binds one Java method per argument count, so
 * the overloads PostgreSQL picks by type (int4, int8, numeric, float8) take H2 values and look at
 * their type: integer arguments keep PostgreSQL's overflow errors ("integer out of range").
 */
public final class NumericFunctions {

    private NumericFunctions() {}

    private static boolean isNull(Value v) {
        return v == null || v == ValueNull.INSTANCE;
    }

    private static boolean isInteger(Value v) {
        int t = v.getValueType();
        return t == Value.TINYINT || t == Value.SMALLINT || t == Value.INTEGER || t == Value.BIGINT;
    }

    private static boolean isFloat(Value v) {
        return v.getValueType() == Value.DOUBLE || v.getValueType() == Value.REAL;
    }

    static SQLException outOfRange(Value a, Value b) {
        boolean int8 = a.getValueType() == Value.BIGINT || b != null && b.getValueType() == Value.BIGINT;
        return new SQLException(int8 ? "bigint out of range" : "integer out of range", "22003");
    }

    /** The largest value of the integer type PostgreSQL would compute gcd/lcm of a and b in. */
    private static BigInteger limit(Value a, Value b) {
        return BigInteger.valueOf(a.getValueType() == Value.BIGINT || b.getValueType() == Value.BIGINT ? Long.MAX_VALUE : Integer.MAX_VALUE);
    }

    public static BigDecimal gcd(Value a, Value b) throws SQLException {
        if (isNull(a) || isNull(b)) {
            return null;
        }
        if (isInteger(a) && isInteger(b)) {
            BigInteger g = a.getBigDecimal().toBigInteger().gcd(b.getBigDecimal().toBigInteger());
            if (g.compareTo(limit(a, b)) > 0) {
                throw outOfRange(a, b); // gcd(minimum, 0) or gcd(minimum, minimum): 2^31 / 2^63 has no positive counterpart
            }
            return new BigDecimal(g);
        }
        return numericGcd(a.getBigDecimal(), b.getBigDecimal());
    }

    /** gcd of numerics: the gcd of their values scaled to the larger scale, at that scale. */
    private static BigDecimal numericGcd(BigDecimal x, BigDecimal y) {
        int scale = Math.max(Math.max(x.scale(), y.scale()), 0);
        BigInteger g = x.setScale(scale).unscaledValue().gcd(y.setScale(scale).unscaledValue());
        return new BigDecimal(g, scale);
    }

    public static BigDecimal lcm(Value a, Value b) throws SQLException {
        if (isNull(a) || isNull(b)) {
            return null;
        }
        BigDecimal x = a.getBigDecimal();
        BigDecimal y = b.getBigDecimal();
        if (isInteger(a) && isInteger(b)) {
            if (x.signum() == 0 || y.signum() == 0) {
                return BigDecimal.ZERO;
            }
            BigInteger xi = x.toBigInteger();
            BigInteger yi = y.toBigInteger();
            BigInteger l = xi.divide(xi.gcd(yi)).multiply(yi).abs();
            if (l.compareTo(limit(a, b)) > 0) {
                throw outOfRange(a, b);
            }
            return new BigDecimal(l);
        }
        int scale = Math.max(Math.max(x.scale(), y.scale()), 0);
        if (x.signum() == 0 || y.signum() == 0) {
            return BigDecimal.ZERO.setScale(scale);
        }
        BigDecimal l = x.multiply(y).abs().divide(numericGcd(x, y), scale, RoundingMode.UNNECESSARY);
        if (l.precision() - l.scale() > 131072) {
            throw new SQLException("value overflows numeric format", "22003");
        }
        return l;
    }

    /** The inverse hyperbolic sine (PostgreSQL's asinh, C's asinh). */
    public static Double asinh(Double x) {
        if (x == null || x.isNaN() || x.isInfinite()) {
            return x;
        }
        double a = Math.abs(x);
        double r = a > 1e8 ? Math.log(a) + Math.log(2) : Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        return Math.copySign(r, x);
    }

    /** The inverse hyperbolic cosine; 22003 below 1, as in PostgreSQL. */
    public static Double acosh(Double x) throws SQLException {
        if (x == null || x.isNaN()) {
            return x;
        }
        if (x < 1) {
            throw new SQLException("input is out of range", "22003");
        }
        if (x.isInfinite()) {
            return x;
        }
        return x > 1e8 ? Math.log(x) + Math.log(2) : Math.log(x + Math.sqrt((x - 1) * (x + 1)));
    }

    /** The inverse hyperbolic tangent: infinite at -1 and 1, 22003 beyond them, as in PostgreSQL. */
    public static Double atanh(Double x) throws SQLException {
        if (x == null || x.isNaN()) {
            return x;
        }
        if (Math.abs(x) > 1) {
            throw new SQLException("input is out of range", "22003");
        }
        if (Math.abs(x) == 1) {
            return Math.copySign(Double.POSITIVE_INFINITY, x);
        }
        // on |x|, as C libraries compute it (the last digit follows them)
        double a = Math.abs(x);
        double r = a < 0.5 ? 0.5 * Math.log1p(2 * a + 2 * a * a / (1 - a)) : 0.5 * Math.log1p(2 * a / (1 - a));
        return Math.copySign(r, x);
    }

    public static Integer scale(BigDecimal x) {
        return x == null ? null : Math.max(x.scale(), 0);
    }

    /** The smallest scale that shows the value exactly. */
    public static Integer min_scale(BigDecimal x) {
        return x == null ? null : Math.max(x.stripTrailingZeros().scale(), 0);
    }

    public static BigDecimal trim_scale(BigDecimal x) {
        if (x == null) {
            return null;
        }
        BigDecimal s = x.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    public static BigDecimal factorial(Long n) throws SQLException {
        if (n == null) {
            return null;
        }
        if (n < 0) {
            throw new SQLException("factorial of a negative number is undefined", "22003");
        }
        // 32177! is the last factorial with fewer than 131072 digits before the decimal point
        if (n > 32177) {
            throw new SQLException("value overflows numeric format", "22003");
        }
        BigInteger f = BigInteger.ONE;
        for (long i = 2; i <= n; i++) {
            f = f.multiply(BigInteger.valueOf(i));
        }
        return new BigDecimal(f);
    }

    private static SQLException bucketError(String message) {
        return new SQLException(message, "2201G");
    }

    /** width_bucket(operand, low, high, count): the bucket of count equal ones between low and high, 0 below, count+1 above. */
    public static Integer width_bucket(Value operand, Value low, Value high, Integer count) throws SQLException {
        if (isNull(operand) || isNull(low) || isNull(high) || count == null) {
            return null;
        }
        if (count <= 0) {
            throw bucketError("count must be greater than zero");
        }
        if (isFloat(operand) || isFloat(low) || isFloat(high)) {
            return floatBucket(operand.getDouble(), low.getDouble(), high.getDouble(), count);
        }
        BigDecimal x = operand.getBigDecimal();
        BigDecimal lo = low.getBigDecimal();
        BigDecimal hi = high.getBigDecimal();
        int cmp = lo.compareTo(hi);
        if (cmp == 0) {
            throw bucketError("lower bound cannot equal upper bound");
        }
        boolean up = cmp < 0;
        if (up ? x.compareTo(lo) < 0 : x.compareTo(lo) > 0) {
            return 0;
        }
        if (up ? x.compareTo(hi) >= 0 : x.compareTo(hi) <= 0) {
            return above(count);
        }
        // exact: floor(count * (x - lo) / (hi - lo)) + 1
        BigDecimal n = BigDecimal.valueOf(count).multiply(x.subtract(lo));
        BigDecimal d = hi.subtract(lo);
        return n.divide(d, 0, RoundingMode.FLOOR).intValueExact() + 1;
    }

    private static int above(int count) throws SQLException {
        if (count == Integer.MAX_VALUE) {
            throw new SQLException("integer out of range", "22003");
        }
        return count + 1;
    }

    private static Integer floatBucket(double x, double lo, double hi, int count) throws SQLException {
        if (Double.isNaN(x) || Double.isNaN(lo) || Double.isNaN(hi)) {
            throw bucketError("operand, lower bound, and upper bound cannot be NaN");
        }
        if (Double.isInfinite(lo) || Double.isInfinite(hi)) {
            throw bucketError("lower and upper bounds must be finite");
        }
        if (lo == hi) {
            throw bucketError("lower bound cannot equal upper bound");
        }
        if (lo < hi) {
            if (x < lo) {
                return 0;
            }
            if (x >= hi) {
                return above(count);
            }
            return (int) (((x - lo) / (hi - lo)) * count) + 1;
        }
        if (x > lo) {
            return 0;
        }
        if (x <= hi) {
            return above(count);
        }
        return (int) (((lo - x) / (lo - hi)) * count) + 1;
    }

    /** width_bucket(operand, thresholds): how many of the sorted thresholds are at or below the operand. */
    public static Integer width_bucket(Value operand, Value thresholds) throws SQLException {
        if (isNull(operand) || isNull(thresholds)) {
            return null;
        }
        int t = operand.getValueType();
        if (t == Value.VARCHAR || t == Value.CHAR || t == Value.VARCHAR_IGNORECASE) {
            // PostgreSQL resolves no width_bucket(text, anyarray): text has no implicit cast to the elements' type
            throw new SQLException("function width_bucket(text, " + (thresholds instanceof ValueArray a && a.getList().length > 0
                    ? TypeMapping.formatType(TypeMapping.oid(a.getList()[0].getType()), -1) + "[]" : "anyarray") + ") does not exist", "42883");
        }
        if (!(thresholds instanceof ValueArray a)) {
            throw new SQLException("thresholds must be one-dimensional array", "2202E");
        }
        Value[] items = a.getList();
        for (Value item : items) {
            if (item instanceof ValueArray) {
                throw new SQLException("thresholds must be one-dimensional array", "2202E");
            }
            if (isNull(item)) {
                throw new SQLException("thresholds array must not contain NULLs", "22004");
            }
        }
        // the first threshold greater than the operand, by binary search as the thresholds are sorted
        int lo = 0;
        int hi = items.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(operand, items[mid]) >= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int compare(Value a, Value b) {
        if (isFloat(a) || isFloat(b)) {
            // PostgreSQL orders NaN above every number
            return Double.compare(a.getDouble(), b.getDouble());
        }
        if (isInteger(a) || a.getValueType() == Value.NUMERIC || a.getValueType() == Value.DECFLOAT) {
            return a.getBigDecimal().compareTo(b.getBigDecimal());
        }
        return a.compareTo(b.convertTo(a.getType()), null, null);
    }
}
