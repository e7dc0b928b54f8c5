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
}
