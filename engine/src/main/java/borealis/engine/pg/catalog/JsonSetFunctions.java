package borealis.engine.pg.catalog;

import borealis.engine.pg.types.PgJsonb;
import borealis.engine.pg.types.PgType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.tools.SimpleResultSet;
import org.h2.value.Value;

/**
 * json/jsonb's set-returning functions for a FROM clause (json(b)_each(_text),
 * json(b)_array_elements(_text), json(b)_object_keys), installed by {@link PgCatalog}, and the
 * keys array the lateral form reads ({@code FROM t, jsonb_each(t.doc)}: {@code LateralUnnest}).
 * A jsonb value column is H2's JSON of jsonb's marked length, a json one the marked varchar.
 */
public final class JsonSetFunctions {

    private JsonSetFunctions() {}

    /** The value column: jsonb, json, or text (of a jsonb document, or of a json one: JSON_TEXT). */
    private enum Kind { JSONB, JSON, TEXT, JSON_TEXT }

    public static ResultSet jsonb_each(Connection c, Value doc) throws SQLException {
        return each(c, doc, true, Kind.JSONB, "jsonb_each");
    }

    public static ResultSet jsonb_each_text(Connection c, Value doc) throws SQLException {
        return each(c, doc, true, Kind.TEXT, "jsonb_each_text");
    }

    public static ResultSet json_each(Connection c, Value doc) throws SQLException {
        return each(c, doc, false, Kind.JSON, "json_each");
    }

    public static ResultSet json_each_text(Connection c, Value doc) throws SQLException {
        return each(c, doc, false, Kind.JSON_TEXT, "json_each_text");
    }

    public static ResultSet jsonb_array_elements(Connection c, Value doc) throws SQLException {
        return elements(c, doc, Kind.JSONB, "jsonb_array_elements");
    }

    public static ResultSet jsonb_array_elements_text(Connection c, Value doc) throws SQLException {
        return elements(c, doc, Kind.TEXT, "jsonb_array_elements_text");
    }

    public static ResultSet json_array_elements(Connection c, Value doc) throws SQLException {
        return elements(c, doc, Kind.JSON, "json_array_elements");
    }

    public static ResultSet json_array_elements_text(Connection c, Value doc) throws SQLException {
        return elements(c, doc, Kind.JSON_TEXT, "json_array_elements_text");
    }

    public static ResultSet jsonb_object_keys(Connection c, Value doc) throws SQLException {
        return keys(c, doc, true, "jsonb_object_keys");
    }

    public static ResultSet json_object_keys(Connection c, Value doc) throws SQLException {
        return keys(c, doc, false, "json_object_keys");
    }

    /** An object's keys in the order its set-returning functions give them (jsonb's key order for jsonb); null for SQL NULL. */
    public static String[] json_keys(Value doc, Boolean binary) throws SQLException {
        Map<String, Object> object = object(JsonTree.parse(doc), "json_object_keys");
        return object == null ? null : orderedKeys(object, binary == null || binary).toArray(new String[0]);
    }

    private static ResultSet each(Connection c, Value doc, boolean binary, Kind kind, String name) throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("key", Types.VARCHAR, Integer.MAX_VALUE, 0);
        addValueColumn(rs, "value", kind);
        if (describing(c)) {
            return rs;
        }
        Map<String, Object> object = object(JsonTree.parse(doc), name);
        if (object != null) {
            for (String key : orderedKeys(object, binary)) {
                rs.addRow(key, value(object.get(key), kind));
            }
        }
        return rs;
    }

    private static ResultSet elements(Connection c, Value doc, Kind kind, String name) throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        addValueColumn(rs, "value", kind);
        if (describing(c)) {
            return rs;
        }
        Object tree = JsonTree.parse(doc);
        if (tree == null) {
            return rs;
        }
        if (!(tree instanceof List<?> list)) {
            throw new SQLException("cannot extract elements from " + (tree instanceof Map ? "an object" : "a scalar"), "22023");
        }
        for (Object item : list) {
            rs.addRow(value(item, kind));
        }
        return rs;
    }

    private static ResultSet keys(Connection c, Value doc, boolean binary, String name) throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn(name, Types.VARCHAR, Integer.MAX_VALUE, 0);
        if (describing(c)) {
            return rs;
        }
        Map<String, Object> object = object(JsonTree.parse(doc), name);
        if (object != null) {
            for (String key : orderedKeys(object, binary)) {
                rs.addRow(key);
            }
        }
        return rs;
    }

    /** H2 first asks a table function for its columns only, on a connection of its own. */
    private static boolean describing(Connection c) throws SQLException {
        return c.getMetaData().getURL().equals("jdbc:columnlist:connection");
    }

    private static void addValueColumn(SimpleResultSet rs, String name, Kind kind) {
        switch (kind) {
            case JSONB -> rs.addColumn(name, Types.OTHER, "JSON", (int) PgType.JSONB_H2_LENGTH, 0);
            case JSON -> rs.addColumn(name, Types.VARCHAR, (int) PgType.JSON_TEXT_LENGTH, 0);
            case TEXT, JSON_TEXT -> rs.addColumn(name, Types.VARCHAR, Integer.MAX_VALUE, 0);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object tree, String name) throws SQLException {
        if (tree == null) {
            return null;
        }
        if (!(tree instanceof Map<?, ?>)) {
            throw new SQLException("cannot call " + name + " on " + (tree instanceof List ? "a non-object" : "a scalar"), "22023");
        }
        return (Map<String, Object>) tree;
    }

    private static List<String> orderedKeys(Map<String, Object> object, boolean binary) {
        List<String> keys = new ArrayList<>(object.keySet());
        if (binary) {
            keys.sort(PgJsonb::compareKeys);
        }
        return keys;
    }

    /** An element as the value column holds it: jsonb as UTF-8 JSON, json as its text, text as ->> gives it. */
    private static Object value(Object item, Kind kind) {
        return switch (kind) {
            case JSONB -> JsonTree.jsonb(item).getBytes(StandardCharsets.UTF_8);
            case JSON -> JsonTree.compact(item);
            case TEXT -> item instanceof JsonTree.Raw raw ? raw.text() : JsonTree.jsonb(item);
            case JSON_TEXT -> item instanceof JsonTree.Raw raw ? raw.text() : JsonTree.compact(item);
        };
    }
}
