package borealis.engine.pg.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.h2.tools.SimpleResultSet;

/**
 * PostgreSQL's text-splitting set-returning functions (string_to_table, regexp_split_to_table)
 * for a FROM clause, installed by {@link PgCatalog}: the pieces of string_to_array and
 * regexp_split_to_array, one row each.
 */
public final class TableFunctions {

    private TableFunctions() {}

    /** One text column named after the function; H2 first asks for the columns only, on a connection of its own. */
    private static SimpleResultSet rows(Connection c, String name, List<String> pieces) throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn(name, Types.VARCHAR, Integer.MAX_VALUE, 0);
        if (c.getMetaData().getURL().equals("jdbc:columnlist:connection") || pieces == null) {
            return rs;
        }
        for (String piece : pieces) {
            rs.addRow(piece);
        }
        return rs;
    }

    public static ResultSet string_to_table(Connection c, String s, String delimiter) throws SQLException {
        return string_to_table(c, s, delimiter, null);
    }

    /** A piece equal to {@code nullString} is NULL, as in string_to_array. */
    public static ResultSet string_to_table(Connection c, String s, String delimiter, String nullString) throws SQLException {
        String[] pieces = ScalarFunctions.string_to_array(s, delimiter);
        List<String> out = pieces == null ? null : new java.util.ArrayList<>(List.of(pieces));
        if (out != null && nullString != null) {
            out.replaceAll(p -> p.equals(nullString) ? null : p);
        }
        return rows(c, "string_to_table", out);
    }

    public static ResultSet regexp_split_to_table(Connection c, String s, String pattern) throws SQLException {
        return regexp_split_to_table(c, s, pattern, null);
    }

    public static ResultSet regexp_split_to_table(Connection c, String s, String pattern, String flags) throws SQLException {
        List<String> pieces = s == null || pattern == null ? null
                : RegexpFunctions.split(s, RegexpFunctions.compile(pattern, flags, "regexp_split_to_table"));
        return rows(c, "regexp_split_to_table", pieces);
    }

    /**
     * How many values generate_series(start, stop, step) gives, for its lateral form (FROM t,
     * generate_series(1, t.n)), which reads them by position: numbers, and timestamps or dates
     * stepped by an interval (counted by stepping, at most 10 million).
     */
    public static Long series_length(org.h2.value.Value start, org.h2.value.Value stop, org.h2.value.Value step) throws SQLException {
        if (isNull(start) || isNull(stop) || isNull(step)) {
            return 0L;
        }
        if (step instanceof org.h2.value.ValueInterval interval) {
            boolean months = interval.getQualifier().isYearMonth();
            java.math.BigInteger amount = org.h2.util.IntervalUtils.intervalToAbsolute(interval);
            if (amount.signum() == 0) {
                throw new SQLException("step size cannot equal zero", "22023");
            }
            java.time.LocalDateTime a = org.h2.util.JSR310Utils.valueToLocalDateTime(start, null);
            java.time.LocalDateTime b = org.h2.util.JSR310Utils.valueToLocalDateTime(stop, null);
            boolean up = amount.signum() > 0;
            long n = 0;
            for (java.time.LocalDateTime at = a; up ? !at.isAfter(b) : !at.isBefore(b); n++) {
                if (n >= SERIES_LIMIT) {
                    throw new SQLException("generate_series of more than " + SERIES_LIMIT + " values is not supported laterally", "54000");
                }
                long k = n + 1;
                at = months ? a.plusMonths(amount.longValueExact() * k) : a.plusNanos(amount.longValueExact() * k);
            }
            return n;
        }
        java.math.BigDecimal a = start.getBigDecimal();
        java.math.BigDecimal b = stop.getBigDecimal();
        java.math.BigDecimal s = step.getBigDecimal();
        if (s.signum() == 0) {
            throw new SQLException("step size cannot equal zero", "22023");
        }
        if (s.signum() > 0 ? b.compareTo(a) < 0 : b.compareTo(a) > 0) {
            return 0L;
        }
        return b.subtract(a).divide(s, 0, java.math.RoundingMode.FLOOR).longValueExact() + 1;
    }

    private static final long SERIES_LIMIT = 10_000_000;

    private static boolean isNull(org.h2.value.Value v) {
        return v == null || v == org.h2.value.ValueNull.INSTANCE;
    }
}
