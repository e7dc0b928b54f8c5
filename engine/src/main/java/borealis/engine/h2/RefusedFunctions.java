package borealis.engine.h2;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.h2.value.Value;

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

    // Arguments as H2 values: a Java Object parameter would be a JAVA_OBJECT, which H2 would try to convert to.

    public static String file_read(Value... args) throws SQLException {
        throw refused("file_read");
    }

    public static Long file_write(Value... args) throws SQLException {
        throw refused("file_write");
    }

    public static ResultSet csvread(Value... args) throws SQLException {
        throw refused("csvread");
    }

    public static Integer csvwrite(Value... args) throws SQLException {
        throw refused("csvwrite");
    }

    public static ResultSet link_schema(Value... args) throws SQLException {
        throw refused("link_schema");
    }
}
