package borealis.engine.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Aliases that shadow H2's built-in functions taking a path or a URL, for every H2 user: with
 * {@code BUILTIN_ALIAS_OVERRIDE} an alias of the same name in the schema a session resolves names
 * in wins over the built-in. H2 already refuses these to non-admin users; this covers the admin
 * contexts too ({@code FILE_WRITE} writes through java.nio, so no file-system scheme sees it).
 */
public final class RefusedFunctions {

    /** Lower-case names, as the aliases are created. */
    static final List<String> NAMES = List.of("file_read", "file_write", "csvread", "csvwrite", "link_schema");

    private RefusedFunctions() {}

    private static SQLException refused(String name) {
        return new SQLException("function " + name + " is not available: SQL cannot reach the server's files or network", "42501");
    }

    public static String file_read(Object... args) throws SQLException {
        throw refused("file_read");
    }

    public static Long file_write(Object... args) throws SQLException {
        throw refused("file_write");
    }

    public static ResultSet csvread(Object... args) throws SQLException {
        throw refused("csvread");
    }

    public static Integer csvwrite(Object... args) throws SQLException {
        throw refused("csvwrite");
    }

    public static ResultSet link_schema(Object... args) throws SQLException {
        throw refused("link_schema");
    }
}
