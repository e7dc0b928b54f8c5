package borealis.engine.pg.catalog;

import borealis.engine.pg.catalog.JsonTree.Raw;
import borealis.engine.pg.types.ArrayLiterals;
import borealis.engine.pg.types.PgJsonb;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.h2.value.Value;

/**
 * json/jsonb functions that read or reshape a whole document (json(b)_extract_path(_text),
 * json(b)_strip_nulls, jsonb_object, jsonb_pretty), installed by {@link PgCatalog}.
 */
public final class JsonDocFunctions {

    private JsonDocFunctions() {}

    /** The element at the path, or null: object steps are keys, array steps integers (negative from the end). */
    private static Object at(Value doc, String[] path) throws SQLException {
        Object v = JsonTree.parse(doc);
        if (v == null || path == null) {
            return null;
        }
        for (String step : path) {
            if (step == null) {
                return null;
            }
            if (v instanceof Map<?, ?> m) {
                v = m.get(step);
            } else if (v instanceof List<?> l) {
                try {
                    int i = Integer.parseInt(step.trim());
                    i = i < 0 ? i + l.size() : i;
                    v = i >= 0 && i < l.size() ? l.get(i) : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            } else {
                return null;
            }
            if (v == null) {
                return null;
            }
        }
        return v;
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        return v instanceof Raw r ? r.text() : JsonTree.compact(v);
    }

    public static String json_extract_path(Value doc, String... path) throws SQLException {
        Object v = at(doc, path);
        return v == null ? null : JsonTree.compact(v);
    }

    public static String json_extract_path_text(Value doc, String... path) throws SQLException {
        return text(at(doc, path));
    }

    public static String jsonb_extract_path(Value doc, String... path) throws SQLException {
        return JsonTree.jsonb(at(doc, path));
    }

    public static String jsonb_extract_path_text(Value doc, String... path) throws SQLException {
        Object v = at(doc, path);
        return v instanceof Map || v instanceof List ? JsonTree.jsonb(v) : text(v);
    }

    private static Object stripNulls(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof Raw r && r.isNull())) {
                    out.put((String) e.getKey(), stripNulls(e.getValue()));
                }
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object item : l) {
                out.add(stripNulls(item)); // nulls in arrays stay
            }
            return out;
        }
        return v;
    }

    /**
     * json_object_agg's text as PostgreSQL writes it, {@code { "a" : 1, "b" : null }}, from the
     * compact object H2's JSON_OBJECTAGG gives; each value keeps its own text.
     */
    @SuppressWarnings("unchecked")
    public static String json_object_agg_text(String compact) throws SQLException {
        Object tree = compact == null ? null : JsonTree.parse(compact);
        if (!(tree instanceof Map<?, ?> m)) {
            return compact;
        }
        StringBuilder out = new StringBuilder("{ ");
        boolean first = true;
        for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
            out.append(first ? "" : ", ").append(JsonTree.Raw.string(e.getKey())).append(" : ").append(JsonTree.compact(e.getValue()));
            first = false;
        }
        return out.append(" }").toString();
    }

    /**
     * json_agg's text as PostgreSQL writes it, {@code [1, null, {"a":1}]}, from the compact array
     * JSON_ARRAYAGG gives; {@code rows}: the elements are rows, each after the first on a new line.
     */
    public static String json_agg_text(String compact, Boolean rows) throws SQLException {
        Object tree = compact == null ? null : JsonTree.parse(compact);
        if (!(tree instanceof List<?> l)) {
            return compact;
        }
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) {
            out.append(i == 0 ? "" : rows != null && rows ? ", \n " : ", ").append(JsonTree.compact(l.get(i)));
        }
        return out.append(']').toString();
    }

    public static String json_strip_nulls(Value doc) throws SQLException {
        Object v = JsonTree.parse(doc);
        return v == null ? null : JsonTree.compact(stripNulls(v));
    }

    public static String jsonb_strip_nulls(Value doc) throws SQLException {
        return JsonTree.jsonb(stripNulls(JsonTree.parse(doc)));
    }

    private static Object[] array(Value v) throws SQLException {
        if (v instanceof org.h2.value.ValueArray a) {
            Value[] items = a.getList();
            Object[] out = new Object[items.length];
            for (int i = 0; i < items.length; i++) {
                out[i] = items[i] instanceof org.h2.value.ValueArray ? array(items[i])
                        : items[i] == org.h2.value.ValueNull.INSTANCE ? null : items[i].getString();
            }
            return out;
        }
        try {
            return ArrayLiterals.parse(v.getString());
        } catch (IllegalArgumentException e) {
            throw new SQLException(e.getMessage(), "22P02");
        }
    }

    private static SQLException subscripts(String message) {
        return new SQLException(message, "2202E");
    }

    /** jsonb_object(text[]): alternating keys and values, or {{key, value}, ...}. */
    public static String jsonb_object(Value pairs) throws SQLException {
        if (pairs == null || pairs == org.h2.value.ValueNull.INSTANCE) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        pairs(pairs, keys, values);
        return object(keys, values);
    }

    /** json_object(text[]) (the translator's name for it: H2 parses json_object itself): PostgreSQL's json text, keys as given. */
    public static String json_object_text(Value pairs) throws SQLException {
        if (pairs == null || pairs == org.h2.value.ValueNull.INSTANCE) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        pairs(pairs, keys, values);
        return jsonText(keys, values);
    }

    /** json_object(keys text[], values text[]). */
    public static String json_object_text(Value keys, Value values) throws SQLException {
        if (keys == null || keys == org.h2.value.ValueNull.INSTANCE || values == null || values == org.h2.value.ValueNull.INSTANCE) {
            return null;
        }
        List<String> ks = new ArrayList<>();
        List<String> vs = new ArrayList<>();
        keysAndValues(keys, values, ks, vs);
        return jsonText(ks, vs);
    }

    /** json_object's text: {"a" : "1", "b" : null}, every member in the order given (duplicates kept). */
    private static String jsonText(List<String> keys, List<String> values) throws SQLException {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i) == null) {
                throw new SQLException("null value not allowed for object key", "22004");
            }
            out.append(i > 0 ? ", " : "").append(Raw.string(keys.get(i)).json()).append(" : ")
                    .append(values.get(i) == null ? "null" : Raw.string(values.get(i)).json());
        }
        return out.append('}').toString();
    }

    /** The keys and values of a text[] of alternating keys and values, or of {{key, value}, ...}. */
    private static void pairs(Value pairs, List<String> keys, List<String> values) throws SQLException {
        Object[] a = array(pairs);
        if (a.length > 0 && a[0] instanceof Object[]) {
            for (Object row : a) {
                Object[] r = (Object[]) row;
                if (r.length > 0 && r[0] instanceof Object[]) {
                    throw subscripts("wrong number of array subscripts");
                }
                if (r.length != 2) {
                    throw subscripts("array must have two columns");
                }
                keys.add((String) r[0]);
                values.add((String) r[1]);
            }
        } else {
            if (a.length % 2 != 0) {
                throw subscripts("array must have even number of elements");
            }
            for (int i = 0; i < a.length; i += 2) {
                keys.add((String) a[i]);
                values.add((String) a[i + 1]);
            }
        }
    }

    /** jsonb_object(keys text[], values text[]). */
    public static String jsonb_object(Value keys, Value values) throws SQLException {
        if (keys == null || keys == org.h2.value.ValueNull.INSTANCE || values == null || values == org.h2.value.ValueNull.INSTANCE) {
            return null;
        }
        List<String> ks = new ArrayList<>();
        List<String> vs = new ArrayList<>();
        keysAndValues(keys, values, ks, vs);
        return object(ks, vs);
    }

    private static void keysAndValues(Value keys, Value values, List<String> ks, List<String> vs) throws SQLException {
        Object[] k = array(keys);
        Object[] v = array(values);
        if (k.length > 0 && k[0] instanceof Object[] || v.length > 0 && v[0] instanceof Object[]) {
            throw subscripts("wrong number of array subscripts");
        }
        if (k.length != v.length) {
            throw subscripts("mismatched array dimensions");
        }
        for (int i = 0; i < k.length; i++) {
            ks.add((String) k[i]);
            vs.add((String) v[i]);
        }
    }

    private static String object(List<String> keys, List<String> values) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i) == null) {
                throw new SQLException("null value not allowed for object key", "22004");
            }
            m.remove(keys.get(i));
            m.put(keys.get(i), values.get(i) == null ? Raw.NULL : Raw.string(values.get(i)));
        }
        return JsonTree.jsonb(m);
    }

    /** jsonb_pretty: one member or element per line, four spaces per level. */
    public static String jsonb_pretty(Value doc) throws SQLException {
        Object v = JsonTree.parse(doc);
        if (v == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        pretty(JsonTree.parse(JsonTree.jsonb(v)), 0, out);
        return out.toString();
    }

    private static void pretty(Object v, int depth, StringBuilder out) {
        String pad = "    ".repeat(depth + 1);
        if (v instanceof Map<?, ?> m) {
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.append(i++ > 0 ? ",\n" : "").append(pad).append(Raw.string((String) e.getKey())).append(": ");
                pretty(e.getValue(), depth + 1, out);
            }
            out.append(m.isEmpty() ? "" : "\n").append("    ".repeat(depth)).append('}');
        } else if (v instanceof List<?> l) {
            out.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                out.append(i > 0 ? ",\n" : "").append(pad);
                pretty(l.get(i), depth + 1, out);
            }
            out.append(l.isEmpty() ? "" : "\n").append("    ".repeat(depth)).append(']');
        } else {
            out.append(PgJsonb.canonical(v.toString()));
        }
    }
}
