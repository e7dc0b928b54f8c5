package borealis.engine.pg.catalog;

import borealis.engine.pg.sql.CorrelatedSubqueries;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Runs a scalar subquery the translator moved out of its statement (see
 * {@link CorrelatedSubqueries}) for one outer row, on the session's own connection. The value comes
 * back as text (elements as text for an array) because an H2 function has one declared type: the
 * translator casts it back to the subquery's type.
 */
public final class Subqueries {

    private Subqueries() {}

    public static String subquery_value(Connection c, String sql, String mac, String... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, mac, args); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            String v = rs.getString(1);
            single(rs);
            return v;
        }
    }

    public static String[] subquery_array(Connection c, String sql, String mac, String... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, mac, args); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            Array a = rs.getArray(1);
            single(rs);
            if (a == null) {
                return null;
            }
            Object[] elements = (Object[]) a.getArray();
            String[] out = new String[elements.length];
            for (int i = 0; i < elements.length; i++) {
                out[i] = elements[i] == null ? null : elements[i].toString();
            }
            return out;
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, String mac, String[] args) throws SQLException {
        if (!CorrelatedSubqueries.signed(sql, mac)) {
            throw new SQLException("permission denied for function subquery_value", "42501");
        }
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setString(i + 1, args[i]);
        }
        return ps;
    }

    private static void single(ResultSet rs) throws SQLException {
        if (rs.next()) {
            throw new SQLException("more than one row returned by a subquery used as an expression", "21000");
        }
    }
}
