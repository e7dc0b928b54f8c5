package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.CatalogNames;
import borealis.engine.pg.sql.SqlQuoting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code search_path} applied to the engine, as PostgreSQL resolves it: the schemas of the list
 * that exist ({@code $user} standing for the session's user, {@code pg_catalog} always implicit)
 * in order; the first is where unqualified objects are created (H2's current schema), and every
 * one is searched for unqualified names (H2's schema search path). PostgreSQL resolves the list at
 * each lookup; here it is resolved when it is set, at session start, on RESET and DISCARD, and
 * after the session creates or renames a schema, which covers the order migration tools use
 * (create the schema, then set the path); a schema another session creates later is seen from
 * the next SET. A list naming no existing schema leaves nothing to create in: the
 * current schema becomes the read-only catalog, so a CREATE fails instead of landing in
 * {@code public} (PostgreSQL: 3F000).
 */
final class SearchPath {

    private SearchPath() {}

    /** The names of a search_path value, in order: identifiers lower-cased unless quoted. */
    static List<String> parse(String value) {
        List<String> names = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            while (i < n && (Character.isWhitespace(value.charAt(i)) || value.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder name = new StringBuilder();
            if (value.charAt(i) == '"') {
                i++;
                while (i < n) {
                    char c = value.charAt(i++);
                    if (c == '"') {
                        if (i < n && value.charAt(i) == '"') {
                            name.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        name.append(c);
                    }
                }
                names.add(name.toString());
            } else {
                while (i < n && value.charAt(i) != ',') {
                    name.append(value.charAt(i++));
                }
                names.add(name.toString().trim().toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /** Resolves {@code value} for {@code user} against the schemas that exist, and sets the engine's to match. */
    static void apply(Connection conn, String value, String user) throws SQLException {
        if (value == null) {
            value = "\"$user\", public";
        }
        List<String> wanted = parse(value);
        for (String name : wanted) {
            if (name.isEmpty()) {
                throw new PgException(PgError.error("22023", "invalid value for parameter \"search_path\": \"" + value + "\""));
            }
        }
        Set<String> existing = new HashSet<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                existing.add(rs.getString(1));
            }
        }
        List<String> resolved = new ArrayList<>();
        for (String name : wanted) {
            String schema = name.equals("$user") ? user : name;
            if (schema != null && existing.contains(schema) && !schema.equals("pg_catalog") && !resolved.contains(schema)) {
                resolved.add(schema);
            }
        }
        String current = resolved.isEmpty() ? CatalogNames.SCHEMA : resolved.get(0);
        try (Statement s = conn.createStatement()) {
            // sql-built: schema names that exist in the engine, each quoted by SqlQuoting.
            s.execute("SET SCHEMA " + SqlQuoting.identifier(current));
            List<String> path = new ArrayList<>(resolved);
            path.add(CatalogNames.SCHEMA);
            s.execute("SET SCHEMA_SEARCH_PATH " + SqlQuoting.identifiers(path));
        }
    }
}
