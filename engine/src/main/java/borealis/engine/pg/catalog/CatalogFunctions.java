package borealis.engine.pg.catalog;

import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.sql.CatalogNames;
import borealis.engine.pg.sql.QualifiedName;
import borealis.engine.pg.sql.SqlQuoting;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.h2.api.Interval;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.util.json.JSONArray;
import org.h2.util.json.JSONObject;
import org.h2.util.json.JSONString;
import org.h2.util.json.JSONStringSource;
import org.h2.util.json.JSONValue;
import org.h2.util.json.JSONValueTarget;
import org.h2.value.Value;
import org.h2.value.ValueNull;

/**
 * The catalog functions clients call (pg_get_userbyid, format_type, pg_get_indexdef,
 * pg_get_constraintdef, pg_table_is_visible, reg* casts...): Java functions H2 calls, installed by
 * {@link PgCatalog}. They take the caller's connection, so they read the same catalog rows as the
 * query that calls them.
 */
public final class CatalogFunctions {

    private CatalogFunctions() {}

    // ---- catalog functions ----

    public static String pg_encoding_to_char(Integer encoding) {
        return encoding == null ? null : encoding == 6 ? "UTF8" : "SQL_ASCII";
    }

    public static String pg_get_userbyid(Connection c, Integer oid) throws SQLException {
        if (oid == null) {
            return null;
        }
        String name = scalar(c, "SELECT rolname FROM " + CatalogNames.SCHEMA + ".pg_roles WHERE oid = ?", oid);
        return name != null ? name : "unknown (OID=" + oid + ")";
    }

    public static String format_type(Integer oid, Integer typmod) {
        return oid == null ? null : TypeMapping.formatType(oid, typmod);
    }

    public static String pg_get_expr(String expr, Integer relation) {
        return expr;
    }

    public static String pg_get_expr(String expr, Integer relation, Boolean pretty) {
        return expr;
    }

    /**
     * Refuses to create the unique partial index {@code index} when rows it would cover already
     * share a key ({@code duplicate}: that key's text, or null), as PostgreSQL refuses, before
     * Borealis adds the index's hidden columns.
     */
    public static Boolean unique_index_check(String index, String columns, String duplicate) throws SQLException {
        if (duplicate != null) {
            throw new SQLException("could not create unique index \"" + index + "\" (Key (" + columns + ")=(" + duplicate
                    + ") is duplicated.)", "23505");
        }
        return true;
    }

    public static String pg_get_indexdef(Connection c, Integer oid) throws SQLException {
        return scalar(c, "SELECT borealis_def FROM " + CatalogNames.SCHEMA + ".pg_index WHERE indexrelid = ?", oid);
    }

    public static String pg_get_indexdef(Connection c, Integer oid, Integer column, Boolean pretty) throws SQLException {
        if (column == null || column == 0) {
            String def = pg_get_indexdef(c, oid);
            int where = def == null ? -1 : def.indexOf(" WHERE (");
            // pretty-printed (psql's \d): a partial index's predicate without its outer parentheses
            return Boolean.TRUE.equals(pretty) && where > 0 && def.endsWith(")") // sql-built: display text of a stored definition
                    ? def.substring(0, where) + " WHERE " + def.substring(where + " WHERE (".length(), def.length() - 1) : def;
        }
        return scalar(c, "SELECT a.attname FROM " + CatalogNames.SCHEMA + ".pg_index i JOIN " + CatalogNames.SCHEMA
                + ".pg_index_keys k ON k.indexrelid = i.indexrelid JOIN " + CatalogNames.SCHEMA
                + ".pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.x WHERE i.indexrelid = ? AND k.n = ?", oid, column);
    }

    public static String pg_get_constraintdef(Connection c, Integer oid) throws SQLException {
        return scalar(c, "SELECT borealis_def FROM " + CatalogNames.SCHEMA + ".pg_constraint WHERE oid = ?", oid);
    }

    public static String pg_get_constraintdef(Connection c, Integer oid, Boolean pretty) throws SQLException {
        return pg_get_constraintdef(c, oid);
    }

    public static String pg_get_viewdef(Connection c, Integer oid) throws SQLException {
        return scalar(c, "SELECT v.definition FROM " + CatalogNames.SCHEMA + ".pg_views v JOIN " + CatalogNames.SCHEMA
                + ".pg_class c ON c.relname = v.viewname WHERE c.oid = ?", oid);
    }

    public static String pg_get_viewdef(Connection c, Integer oid, Boolean pretty) throws SQLException {
        return pg_get_viewdef(c, oid);
    }

    public static Boolean pg_table_is_visible(Connection c, Integer oid) throws SQLException {
        if (oid == null) {
            return null;
        }
        String ns = scalar(c, "SELECT relnamespace FROM " + CatalogNames.SCHEMA + ".pg_class WHERE oid = ?", oid);
        return ns != null && (Integer.parseInt(ns) == CatalogBuilder.PUBLIC_NS || Integer.parseInt(ns) == CatalogBuilder.PG_CATALOG_NS);
    }

    public static Boolean pg_type_is_visible(Integer oid) {
        return oid == null ? null : true;
    }

    public static Boolean pg_function_is_visible(Integer oid) {
        return oid == null ? null : true;
    }

    /** Collations all live in pg_catalog, which is always on the search path. */
    public static Boolean pg_collation_is_visible(Integer oid) {
        return oid == null ? null : true;
    }

    public static String pg_get_function_result(Integer oid) {
        return null;
    }

    public static String pg_get_function_arguments(Integer oid) {
        return null;
    }

    public static String pg_get_function_identity_arguments(Integer oid) {
        return null;
    }

    public static String pg_get_triggerdef(Integer oid) {
        return null;
    }

    public static String pg_get_triggerdef(Integer oid, Boolean pretty) {
        return null;
    }

    public static Boolean pg_relation_is_publishable(Value oid) {
        return false;
    }

    public static String pg_get_statisticsobjdef_columns(Integer oid) {
        return null;
    }

    public static String pg_get_partkeydef(Integer oid) {
        return null;
    }

    /** A relation is its own (only) ancestor: Borealis has no partitions. */
    public static Integer pg_partition_ancestors(Value oid) {
        return oid == null || oid == ValueNull.INSTANCE ? null : Integer.valueOf(oid.getString().trim());
    }

    public static String obj_description(Connection c, Integer oid, String catalog) throws SQLException {
        return scalar(c, "SELECT description FROM " + CatalogNames.SCHEMA + ".pg_description WHERE objoid = ? AND objsubid = 0", oid);
    }

    public static String obj_description(Connection c, Integer oid) throws SQLException {
        return obj_description(c, oid, null);
    }

    public static String col_description(Connection c, Integer oid, Integer column) throws SQLException {
        return scalar(c, "SELECT description FROM " + CatalogNames.SCHEMA + ".pg_description WHERE objoid = ? AND objsubid = ?", oid,
                column == null ? -1 : column);
    }

    public static String shobj_description(Integer oid, String catalog) {
        return null;
    }

    public static Boolean has_table_privilege(Value... args) {
        return true;
    }

    public static Boolean has_schema_privilege(Value... args) {
        return true;
    }

    public static Boolean has_database_privilege(Value... args) {
        return true;
    }

    public static Boolean has_column_privilege(Value... args) {
        return true;
    }

    public static Boolean has_sequence_privilege(Value... args) {
        return true;
    }

    public static Boolean has_function_privilege(Value... args) {
        return true;
    }

    public static long pg_total_relation_size(Value oid) {
        return 8192;
    }

    public static long pg_relation_size(Value oid) {
        return 8192;
    }

    public static long pg_table_size(Value oid) {
        return 8192;
    }

    public static long pg_indexes_size(Value oid) {
        return 8192;
    }

    public static long pg_database_size(Value db) {
        return 8192;
    }

    public static Integer pg_relation_filenode(Integer oid) {
        return oid;
    }

    public static String pg_size_pretty(Long bytes) {
        if (bytes == null) {
            return null;
        }
        long b = bytes;
        String[] units = {"bytes", "kB", "MB", "GB", "TB"};
        int u = 0;
        while (Math.abs(b) >= 10 * 1024 && u < units.length - 1) {
            b = (b + 512) / 1024;
            u++;
        }
        return b + " " + units[u];
    }

    public static String pg_tablespace_location(Integer oid) {
        return "";
    }

    public static Boolean pg_is_other_temp_schema(Integer oid) {
        return false;
    }

    public static int pg_my_temp_schema() {
        return 0;
    }

    public static String pg_get_serial_sequence(Connection c, String table, String column) throws SQLException {
        return SerialSequences.serialSequence(c, table, column);
    }

    public static Integer to_regclass(Connection c, String name) throws SQLException {
        return regclass_lookup(c, name);
    }

    public static Integer to_regtype(Connection c, String name) throws SQLException {
        return regtype_lookup(c, name);
    }

    /** The value the session's last nextval gave, of any sequence (a serial or identity default too). */
    public static Long lastval(Connection c) throws SQLException {
        SessionLocal session = session(c);
        org.h2.value.Value last = session.getLastIdentity();
        org.h2.value.Value ours = session.getVariable(SystemFunctions.LASTVAL);
        if (ours != org.h2.value.ValueNull.INSTANCE && java.util.Objects.equals(session.getVariable(SystemFunctions.LASTVAL_BESIDE), last)) {
            return ours.getLong(); // nextval('s') gave the last value (no identity insert since)
        }
        if (last == null || last == org.h2.value.ValueNull.INSTANCE) {
            throw new SQLException("lastval is not yet defined in this session", "55000");
        }
        return last.getLong();
    }

    // ---- reg* types: 'name'::regclass is an OID, oid::regclass prints a name ----

    public static Integer regclass_oid(Connection c, String name) throws SQLException {
        Integer oid = regclass_lookup(c, name);
        if (oid == null) {
            throw new SQLException("relation \"" + name + "\" does not exist", "42P01");
        }
        return oid;
    }

    private static Integer regclass_lookup(Connection c, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String n = name.trim();
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
            return Integer.valueOf(n);
        }
        String schema = null;
        int dot = n.lastIndexOf('.');
        if (dot > 0 && !n.endsWith("\"")) {
            schema = unquote(n.substring(0, dot));
            n = n.substring(dot + 1);
        }
        n = unquote(n);
        if ((schema == null || schema.equals("pg_catalog")) && CatalogNames.RELATIONS.contains(n)) {
            return builtinRelationOid(n);
        }
        String sql = "SELECT c.oid FROM " + CatalogNames.SCHEMA + ".pg_class c JOIN " + CatalogNames.SCHEMA
                + ".pg_namespace s ON s.oid = c.relnamespace WHERE c.relname = ? AND s.nspname = ?";
        String oid = scalar(c, sql, n, schema == null ? "public" : schema);
        return oid == null ? null : Integer.valueOf(oid);
    }

    private static int builtinRelationOid(String name) {
        return switch (name) {
            case "pg_class" -> 1259;
            case "pg_type" -> 1247;
            case "pg_attribute" -> 1249;
            case "pg_proc" -> 1255;
            case "pg_namespace" -> 2615;
            case "pg_constraint" -> 2606;
            case "pg_index" -> 2610;
            case "pg_database" -> 1262;
            case "pg_description" -> 2609;
            default -> 1000 + Math.floorMod(name.hashCode(), 999);
        };
    }

    private static String unquote(String s) {
        String t = s.trim();
        if (t.startsWith("\"") && t.endsWith("\"")) {
            return t.substring(1, t.length() - 1).replace("\"\"", "\"");
        }
        return t.toLowerCase(Locale.ROOT);
    }

    public static String regclass_name(Connection c, Integer oid) throws SQLException {
        if (oid == null) {
            return null;
        }
        String name = scalar(c, "SELECT CASE WHEN s.nspname IN ('public', 'pg_catalog') THEN c.relname ELSE s.nspname || '.' || c.relname END"
                + " FROM " + CatalogNames.SCHEMA + ".pg_class c JOIN " + CatalogNames.SCHEMA
                + ".pg_namespace s ON s.oid = c.relnamespace WHERE c.oid = ?", oid);
        return name != null ? name : oid.toString();
    }

    /** Input of regtype: a type name or an OID; an unknown name is an error, as in PostgreSQL. */
    public static Integer regtype_oid(Connection c, String name) throws SQLException {
        Integer oid = regtype_lookup(c, name);
        if (oid == null && name != null) {
            throw new SQLException("type \"" + name.trim() + "\" does not exist", "42704");
        }
        return oid;
    }

    /** A built-in type by its name, else a user type (enum, domain) in pg_type, by [schema.]name. */
    private static Integer regtype_lookup(Connection c, String name) throws SQLException {
        Integer builtin = builtinType(name);
        if (builtin != null || name == null) {
            return builtin;
        }
        QualifiedName q;
        try {
            q = QualifiedName.parse(name.trim());
        } catch (SQLException e) {
            return null;
        }
        String oid = scalar(c, "SELECT t.oid FROM " + CatalogNames.SCHEMA + ".pg_type t JOIN " + CatalogNames.SCHEMA
                + ".pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = ? AND (n.nspname = ? OR ? = '') ORDER BY n.nspname <> 'public'",
                q.name(), q.schema() == null ? "" : q.schema(), q.schema() == null ? "" : q.schema());
        return oid == null ? null : Integer.valueOf(oid);
    }

    private static Integer builtinType(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("pg_catalog.")) {
            n = n.substring("pg_catalog.".length());
        }
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
            return Integer.valueOf(n);
        }
        for (borealis.engine.pg.types.PgType t : borealis.engine.pg.types.PgType.values()) {
            if (t.typname.equals(n) || TypeMapping.formatType(t.oid, -1).equals(n)) {
                return t.oid;
            }
        }
        return switch (n) {
            case "int" -> 23;
            case "character varying" -> 1043;
            case "timestamp" -> 1114;
            default -> null;
        };
    }

    /** A type's name: built-in ones as format_type prints them, user types (enums, domains) by their pg_type name. */
    public static String regtype_name(Connection c, Integer oid) throws SQLException {
        if (oid == null) {
            return null;
        }
        if (oid >= 16384) {
            String name = scalar(c, "SELECT typname FROM " + CatalogNames.SCHEMA + ".pg_type WHERE oid = ?", oid);
            if (name != null) {
                return SqlQuoting.displayIdentifier(name);
            }
        }
        return TypeMapping.formatType(oid, -1);
    }

    /** Input of regnamespace: a schema name or an OID; an unknown name is an error. */
    public static Integer regnamespace_oid(Connection c, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String n = name.trim();
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
            return Integer.valueOf(n);
        }
        String oid = scalar(c, "SELECT oid FROM " + CatalogNames.SCHEMA + ".pg_namespace WHERE nspname = ?", unquote(n));
        if (oid == null) {
            throw new SQLException("schema \"" + unquote(n) + "\" does not exist", "3F000");
        }
        return Integer.valueOf(oid);
    }

    public static String regnamespace_name(Connection c, Integer oid) throws SQLException {
        String name = scalar(c, "SELECT nspname FROM " + CatalogNames.SCHEMA + ".pg_namespace WHERE oid = ?", oid);
        return name != null ? name : oid == null ? null : oid.toString();
    }

    /** Input of regproc: an OID, or a function name (the first of that name in pg_proc). */
    public static Integer regproc_oid(Connection c, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String n = name.trim();
        if (n.equals("-") || !n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
            return n.equals("-") ? 0 : Integer.valueOf(n);
        }
        int dot = n.lastIndexOf('.');
        String fn = unquote(dot > 0 ? n.substring(dot + 1) : n);
        String oid = scalar(c, "SELECT MIN(oid) FROM " + CatalogNames.SCHEMA + ".pg_proc WHERE proname = ?", fn);
        if (oid == null) {
            throw new SQLException("function \"" + n + "\" does not exist", "42883");
        }
        return Integer.valueOf(oid);
    }

    /** Input of regrole: a role name or an OID; an unknown name is an error. */
    public static Integer regrole_oid(Connection c, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String n = name.trim();
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
            return Integer.valueOf(n);
        }
        String oid = scalar(c, "SELECT oid FROM " + CatalogNames.SCHEMA + ".pg_roles WHERE rolname = ?", unquote(n));
        if (oid == null) {
            throw new SQLException("role \"" + unquote(n) + "\" does not exist", "42704");
        }
        return Integer.valueOf(oid);
    }

    public static String regproc_name(Connection c, Integer oid) throws SQLException {
        if (oid == null || oid == 0) {
            return oid == null ? null : "-";
        }
        String name = scalar(c, "SELECT proname FROM " + CatalogNames.SCHEMA + ".pg_proc WHERE oid = ?", oid);
        return name != null ? name : oid.toString();
    }

    public static String regrole_name(Connection c, Integer oid) throws SQLException {
        return pg_get_userbyid(c, oid);
    }

    // ---- helpers ----

    static SessionLocal session(Connection c) throws SQLException {
        return (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
    }

    private static String scalar(Connection c, String sql, Object... args) throws SQLException {
        if (args[0] == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
