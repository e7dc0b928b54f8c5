package borealis.engine.pg.catalog;

import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.types.JsonbOrder;
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
 * JSON operators and functions (->, ->>, #>, json_typeof, json_build_object...): Java functions
 * H2 calls on JSON text, installed by {@link PgCatalog}.
 */
public final class JsonFunctions {

    private JsonFunctions() {}

    // ---- JSON ----

    private static JSONValue parseJson(String json) {
        return JSONStringSource.parse(borealis.engine.pg.types.PgValues.unwrapJson(json), new JSONValueTarget());
    }

    private static JSONValue member(JSONValue v, String key) {
        if (v instanceof JSONObject o) {
            return o.getFirst(key);
        }
        if (v instanceof JSONArray a) {
            try {
                int i = Integer.parseInt(key.trim());
                JSONValue[] items = a.getArray();
                if (i < 0) {
                    i += items.length;
                }
                return i >= 0 && i < items.length ? items[i] : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    public static String json_get(String json, String key) {
        if (json == null || key == null) {
            return null;
        }
        JSONValue v = member(parseJson(json), key);
        return v == null ? null : v.toString();
    }

    /** {@code ->>}: a jsonb document (H2's JSON; json is kept as text) gives a nested object or array in jsonb's text form. */
    public static String json_get_text(org.h2.value.Value json, String key) {
        if (json == null || json == org.h2.value.ValueNull.INSTANCE || key == null) {
            return null;
        }
        return text(member(parseJson(json.getString()), key), json instanceof org.h2.value.ValueJson);
    }

    private static String text(JSONValue v, boolean jsonb) {
        if (v == null || v == org.h2.util.json.JSONNull.NULL) {
            return null;
        }
        if (v instanceof JSONString s) {
            return s.getString();
        }
        return jsonb && (v instanceof JSONObject || v instanceof JSONArray) ? borealis.engine.pg.types.PgJsonb.canonical(v.toString())
                : v.toString();
    }

    /** The element at a text[] path (an array, or an array literal as text): keys, or array indexes (negative from the end). */
    private static JSONValue path(String json, org.h2.value.Value path) throws java.sql.SQLException {
        String[] steps = JsonTree.textArray(path);
        if (steps == null) {
            return null;
        }
        JSONValue v = parseJson(json);
        for (String step : steps) {
            v = step == null ? null : member(v, step);
            if (v == null) {
                return null;
            }
        }
        return v;
    }

    public static String json_path(String json, org.h2.value.Value path) throws java.sql.SQLException {
        if (json == null) {
            return null;
        }
        JSONValue v = path(json, path);
        return v == null ? null : v.toString();
    }

    public static String json_path_text(org.h2.value.Value json, org.h2.value.Value path) throws java.sql.SQLException {
        if (json == null || json == org.h2.value.ValueNull.INSTANCE) {
            return null;
        }
        return text(path(json.getString(), path), json instanceof org.h2.value.ValueJson);
    }

    public static String json_typeof(String json) {
        if (json == null) {
            return null;
        }
        JSONValue v = parseJson(json);
        if (v instanceof JSONObject) {
            return "object";
        }
        if (v instanceof JSONArray) {
            return "array";
        }
        if (v instanceof JSONString) {
            return "string";
        }
        if (v == org.h2.util.json.JSONNull.NULL) {
            return "null";
        }
        if (v instanceof org.h2.util.json.JSONBoolean) {
            return "boolean";
        }
        return "number";
    }

    public static String jsonb_typeof(String json) {
        return json_typeof(json);
    }

    public static Integer json_array_length(String json) {
        if (json == null) {
            return null;
        }
        JSONValue v = parseJson(json);
        if (!(v instanceof JSONArray a)) {
            throw new IllegalArgumentException(v instanceof JSONObject ? "cannot get array length of a non-array"
                    : "cannot get array length of a scalar");
        }
        return a.getArray().length;
    }

    public static Integer jsonb_array_length(String json) {
        return json_array_length(json);
    }

    // ---- containment: a @> b, a <@ b ----

    /**
     * {@code a @> b}: for arrays, whether every element of b is an element of a; otherwise jsonb
     * containment, as PostgreSQL defines it: an object contains the pairs of another whose values it
     * contains, an array contains every element of another that some element of it contains (and,
     * at the top level, a scalar it holds), and a scalar contains an equal one.
     */
    /** {@code a && b} of arrays: whether they share a non-null element (a side written as a literal takes the other's type). */
    public static Boolean array_overlap(Value a, Value b) {
        if (a == null || b == null || a == ValueNull.INSTANCE || b == ValueNull.INSTANCE) {
            return null;
        }
        Value[] pair = arrayPair(a, b);
        a = pair[0];
        b = pair[1];
        if (!(a instanceof org.h2.value.ValueArray x) || !(b instanceof org.h2.value.ValueArray y)) {
            throw new IllegalArgumentException("operator does not exist: && between " + a.getType() + " and " + b.getType());
        }
        List<Value> have = List.of(x.getList());
        for (Value v : y.getList()) {
            if (v != ValueNull.INSTANCE && have.contains(v)) {
                return true;
            }
        }
        return false;
    }

    public static Boolean jsonb_contains(Value a, Value b) {
        if (a == null || b == null || a == ValueNull.INSTANCE || b == ValueNull.INSTANCE) {
            return null;
        }
        // @> and <@ between arrays: array containment
        Value[] pair = arrayPair(a, b);
        a = pair[0];
        b = pair[1];
        if (a instanceof org.h2.value.ValueArray x && b instanceof org.h2.value.ValueArray y) {
            List<Value> have = List.of(x.getList());
            for (Value v : y.getList()) {
                if (v == ValueNull.INSTANCE || !have.contains(v)) {
                    return false;
                }
            }
            return true;
        }
        JSONValue outer = parseJson(a.getString());
        JSONValue inner = parseJson(b.getString());
        if (outer instanceof JSONArray arr && !(inner instanceof JSONArray) && !(inner instanceof JSONObject)) {
            for (JSONValue item : arr.getArray()) {
                if (jsonEquals(item, inner)) {
                    return true;
                }
            }
            return false;
        }
        return jsonContains(outer, inner);
    }

    // ---- key existence: a ? k, a ?| keys, a ?& keys ----

    /**
     * {@code a ? k}: whether the string k is a key of the object a, an element of the array a, or
     * the string a itself (at the top level only), as PostgreSQL's jsonb ? does.
     */
    public static Boolean jsonb_exists(Value a, String key) {
        if (a == null || a == ValueNull.INSTANCE || key == null) {
            return null;
        }
        JSONValue v = parseJson(a.getString());
        if (v instanceof JSONObject o) {
            return o.getFirst(key) != null;
        }
        if (v instanceof JSONArray arr) {
            for (JSONValue item : arr.getArray()) {
                if (item instanceof JSONString s && s.getString().equals(key)) {
                    return true;
                }
            }
            return false;
        }
        return v instanceof JSONString s && s.getString().equals(key);
    }

    /** {@code a ?| keys}: whether any of the keys exists. */
    public static Boolean jsonb_exists_any(Value a, String[] keys) {
        if (a == null || a == ValueNull.INSTANCE || keys == null) {
            return null;
        }
        for (String k : keys) {
            if (k != null && Boolean.TRUE.equals(jsonb_exists(a, k))) {
                return true;
            }
        }
        return false;
    }

    /** {@code a ?& keys}: whether all of the keys exist. */
    public static Boolean jsonb_exists_all(Value a, String[] keys) {
        if (a == null || a == ValueNull.INSTANCE || keys == null) {
            return null;
        }
        for (String k : keys) {
            if (k != null && !Boolean.TRUE.equals(jsonb_exists(a, k))) {
                return false;
            }
        }
        return true;
    }

    /** {@code a <@ b}: b contains a. */
    /** {@code text}, an array literal, as an array of {@code like}'s element type. */
    /**
     * Two operands of an array operator: a side written as an array literal ('{32,17}') takes the
     * other side's element type, as PostgreSQL's unknown literal does; otherwise as they are.
     */
    private static Value[] arrayPair(Value a, Value b) {
        if (a instanceof org.h2.value.ValueArray x && !(b instanceof org.h2.value.ValueArray)) {
            return new Value[] {a, arrayLike(x, b)};
        }
        if (b instanceof org.h2.value.ValueArray y && !(a instanceof org.h2.value.ValueArray)) {
            return new Value[] {arrayLike(y, a), b};
        }
        return new Value[] {a, b};
    }

    private static Value arrayLike(org.h2.value.ValueArray like, Value text) {
        org.h2.value.TypeInfo element = like.getComponentType();
        List<String> items;
        try {
            items = borealis.engine.pg.types.ArrayLiterals.elements(text.getString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed array literal: \"" + text.getString() + "\"");
        }
        Value[] values = new Value[items.size()];
        for (int i = 0; i < values.length; i++) {
            String item = items.get(i);
            values[i] = item == null ? ValueNull.INSTANCE : org.h2.value.ValueVarchar.get(item).convertTo(element);
        }
        return org.h2.value.ValueArray.get(element, values, null);
    }

    public static Boolean jsonb_contained(Value a, Value b) {
        return jsonb_contains(b, a);
    }

    private static boolean jsonContains(JSONValue a, JSONValue b) {
        if (a instanceof JSONObject x && b instanceof JSONObject y) {
            for (java.util.Map.Entry<String, JSONValue> e : y.getMembers()) {
                JSONValue v = x.getFirst(e.getKey());
                if (v == null || !jsonContains(v, e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof JSONArray x && b instanceof JSONArray y) {
            for (JSONValue want : y.getArray()) {
                boolean found = false;
                for (JSONValue have : x.getArray()) {
                    if (!(want instanceof JSONArray) && !(want instanceof JSONObject) ? jsonEquals(have, want) : jsonContains(have, want)) {
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    return false;
                }
            }
            return true;
        }
        return jsonEquals(a, b);
    }

    /** Scalars compare by value (1 and 1.0 are equal in jsonb); structures by containment both ways. */
    private static boolean jsonEquals(JSONValue a, JSONValue b) {
        if (a instanceof org.h2.util.json.JSONNumber x && b instanceof org.h2.util.json.JSONNumber y) {
            return x.getBigDecimal().compareTo(y.getBigDecimal()) == 0;
        }
        if (a instanceof JSONObject || a instanceof JSONArray) {
            return a.getClass() == b.getClass() && jsonContains(a, b) && jsonContains(b, a);
        }
        return a.getClass() == b.getClass() && a.toString().equals(b.toString()); // strings, booleans, null

    }

    // ---- jsonb ordering: a < b, ORDER BY a ----

    /**
     * jsonb comparison ({@code a > b} is {@code jsonb_cmp(a, b) > 0}) in PostgreSQL's jsonb order
     * ({@link JsonbOrder}); H2 compares JSON values by their bytes ('80' > '100').
     */
    public static Integer jsonb_cmp(Value a, Value b, String op) throws java.sql.SQLException {
        if (a == null || b == null || a == ValueNull.INSTANCE || b == ValueNull.INSTANCE) {
            return null;
        }
        if (!comparable(a) || !comparable(b)) {
            // PostgreSQL has no jsonb operator for another type (jsonb > integer)
            throw new java.sql.SQLException("operator does not exist: " + pgTypeName(a) + " " + op + " " + pgTypeName(b), "42883");
        }
        return Integer.signum(java.util.Arrays.compareUnsigned(sortKey(a), sortKey(b)));
    }

    /** The key ORDER BY sorts a jsonb value by: its bytes' order is jsonb's order. */
    public static byte[] jsonb_sort_key(Value v) throws java.sql.SQLException {
        return v == null || v == ValueNull.INSTANCE ? null : sortKey(v);
    }

    /** jsonb, or text that an unknown-typed literal or parameter gives (PostgreSQL reads it as jsonb). */
    private static boolean comparable(Value v) {
        int type = v.getValueType();
        return type == Value.JSON || type == Value.VARCHAR || type == Value.CHAR || type == Value.VARCHAR_IGNORECASE;
    }

    private static String pgTypeName(Value v) {
        return switch (v.getValueType()) {
            case Value.JSON -> "jsonb";
            case Value.INTEGER -> "integer";
            case Value.BIGINT -> "bigint";
            case Value.SMALLINT -> "smallint";
            case Value.NUMERIC, Value.DECFLOAT -> "numeric";
            case Value.DOUBLE -> "double precision";
            case Value.REAL -> "real";
            default -> v.getType().getDeclaredTypeName().toLowerCase(Locale.ROOT);
        };
    }

    private static byte[] sortKey(Value v) throws java.sql.SQLException {
        try {
            return JsonbOrder.sortKey(v.getString());
        } catch (IllegalArgumentException e) {
            throw new java.sql.SQLException("invalid input syntax for type json", "22P02");
        }
    }

    /**
     * A json document (text) as an argument of another json builder, kept as it was written:
     * PostgreSQL embeds a json value's text unchanged ({"b" : 1} stays so), which FORMAT JSON
     * would compact. The translator wraps such arguments only; the value goes straight into the
     * builder's {@link Value} parameter.
     */
    public static Value json_embed(String json) {
        return json == null ? ValueNull.INSTANCE : org.h2.value.ValueJson.getInternal(json.getBytes(StandardCharsets.UTF_8));
    }

    public static String json_build_object(Connection c, Value... kv) throws SQLException {
        return buildObject(kv, " : ", "argument %d cannot be null", "json_build_object", zone(c));
    }

    public static String jsonb_build_object(Connection c, Value... kv) throws SQLException {
        return buildObject(kv, ": ", "argument %d: key must not be null", "jsonb_build_object", zone(c));
    }

    /** The session's TimeZone, in which a timestamptz is written into JSON (as PostgreSQL's JsonEncodeDateTime does). */
    static java.time.ZoneId zone(Connection c) throws SQLException {
        return java.time.ZoneId.of(CatalogFunctions.session(c).currentTimeZone().getId());
    }

    /** PostgreSQL's json prints {@code "k" : v}, jsonb {@code "k": v}; the separator only, never inside a value. */
    private static String buildObject(Value[] kv, String separator, String nullKey, String function, java.time.ZoneId zone) {
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("argument list must have even number of elements\nHINT: The arguments of " + function
                    + "() must consist of alternating keys and values.");
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i] == null || kv[i] == ValueNull.INSTANCE) {
                throw new IllegalArgumentException(String.format(nullKey, i + 1) + (function.startsWith("jsonb") ? ""
                        : "\nHINT: Object keys should be text."));
            }
            int keyType = kv[i].getValueType();
            if (keyType == Value.ARRAY || keyType == Value.JSON || keyType == Value.ROW) {
                throw new IllegalArgumentException("key value must be scalar, not array, composite, or json");
            }
            sb.append(i > 0 ? ", " : "").append(jsonString(kv[i].getString())).append(separator).append(toJsonText(kv[i + 1], zone));
        }
        return sb.append('}').toString();
    }

    public static String json_build_array(Connection c, Value... values) throws SQLException {
        java.time.ZoneId zone = zone(c);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i > 0 ? ", " : "").append(toJsonText(values[i], zone));
        }
        return sb.append(']').toString();
    }

    public static String jsonb_build_array(Connection c, Value... values) throws SQLException {
        return json_build_array(c, values);
    }

    public static String to_json(Connection c, Value v) throws SQLException {
        return v == null || v == ValueNull.INSTANCE ? null : toJsonText(v, zone(c));
    }

    public static String to_jsonb(Connection c, Value v) throws SQLException {
        return to_json(c, v);
    }

    public static String array_to_json(Connection c, Value v) throws SQLException {
        return to_json(c, v);
    }

    public static String row_to_json(Connection c, Value v) throws SQLException {
        return to_json(c, v);
    }

    static String toJsonText(Value v) {
        return toJsonText(v, ZoneOffset.UTC);
    }

    /** A value's JSON text; date/time values in ISO 8601 as PostgreSQL writes them, a timestamptz in {@code zone}. */
    static String toJsonText(Value v, java.time.ZoneId zone) {
        if (v == null || v == ValueNull.INSTANCE) {
            return "null";
        }
        int t = v.getValueType();
        if (t == Value.BOOLEAN || t == Value.INTEGER || t == Value.BIGINT || t == Value.SMALLINT || t == Value.TINYINT
                || t == Value.NUMERIC || t == Value.DOUBLE || t == Value.REAL || t == Value.DECFLOAT || t == Value.JSON) {
            return t == Value.BOOLEAN ? (v.getBoolean() ? "true" : "false") : v.getString();
        }
        if (v instanceof org.h2.value.ValueArray a) {
            StringBuilder sb = new StringBuilder("[");
            Value[] items = a.getList();
            for (int i = 0; i < items.length; i++) {
                sb.append(i > 0 ? "," : "").append(toJsonText(items[i], zone));
            }
            return sb.append(']').toString();
        }
        String dateTime = JsonDateTimes.text(v, zone);
        if (dateTime != null) {
            return jsonString(dateTime);
        }
        return jsonString(v.getString());
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
