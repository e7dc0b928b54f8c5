package borealis.engine.pg.catalog;

import borealis.engine.pg.types.ArrayLiterals;
import borealis.engine.pg.types.PgJsonb;
import borealis.engine.pg.types.PgValues;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.h2.util.json.JSONArray;
import org.h2.util.json.JSONObject;
import org.h2.util.json.JSONStringSource;
import org.h2.util.json.JSONValue;
import org.h2.util.json.JSONValueTarget;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueNull;

/**
 * A JSON document as editable Java collections (H2's JSON tree cannot be built outside its
 * package): objects are LinkedHashMaps (a repeated key keeps its last value, as jsonb does),
 * arrays ArrayLists, scalars {@link Raw} JSON text. Shared by the functions that edit jsonb.
 */
final class JsonTree {

    private JsonTree() {}

    static Object parse(String json) throws SQLException {
        try {
            return of(JSONStringSource.parse(PgValues.unwrapJson(json), new JSONValueTarget()));
        } catch (RuntimeException e) {
            throw new SQLException("invalid input syntax for type json", "22P02");
        }
    }

    /** The document a function argument holds, or null for SQL NULL. */
    static Object parse(Value v) throws SQLException {
        return v == null || v == ValueNull.INSTANCE ? null : parse(v.getString());
    }

    private static Object of(JSONValue v) {
        if (v instanceof JSONObject o) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JSONValue> e : o.getMembers()) {
                m.remove(e.getKey());
                m.put(e.getKey(), of(e.getValue()));
            }
            return m;
        }
        if (v instanceof JSONArray a) {
            List<Object> l = new ArrayList<>();
            for (JSONValue item : a.getArray()) {
                l.add(of(item));
            }
            return l;
        }
        return new Raw(v.toString());
    }

    /** A scalar: its JSON text. */
    record Raw(String json) {
        static final Raw NULL = new Raw("null");

        static Raw string(String s) {
            return new Raw(JsonFunctions.toJsonText(org.h2.value.ValueVarchar.get(s)));
        }

        /** The value as ->> gives it: a string unquoted, anything else its JSON text; null for JSON null. */
        String text() {
            if (isNull()) {
                return null;
            }
            JSONValue v = JSONStringSource.parse(json, new JSONValueTarget());
            return v instanceof org.h2.util.json.JSONString s ? s.getString() : json;
        }

        boolean isNull() {
            return json.equals("null");
        }

        @Override
        public String toString() {
            return json;
        }
    }

    /** Compact JSON text in the tree's own order (json's output for a rebuilt value). */
    static String compact(Object tree) {
        StringBuilder out = new StringBuilder();
        write(tree, out);
        return out.toString();
    }

    /** jsonb's text: keys sorted as jsonb sorts them, ", " and ": " separators. */
    static String jsonb(Object tree) {
        return tree == null ? null : PgJsonb.canonical(compact(tree));
    }

    @SuppressWarnings("unchecked")
    private static void write(Object tree, StringBuilder out) {
        if (tree instanceof Map<?, ?> m) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                out.append(first ? "" : ",").append(Raw.string(e.getKey())).append(':');
                write(e.getValue(), out);
                first = false;
            }
            out.append('}');
        } else if (tree instanceof List<?> l) {
            out.append('[');
            for (int i = 0; i < l.size(); i++) {
                out.append(i > 0 ? "," : "");
                write(l.get(i), out);
            }
            out.append(']');
        } else {
            out.append(tree == null ? "null" : tree.toString());
        }
    }

    /** A text[] argument: an array value, or an array literal given as text; null for SQL NULL. */
    static String[] textArray(Value v) throws SQLException {
        if (v == null || v == ValueNull.INSTANCE) {
            return null;
        }
        if (v instanceof ValueArray a) {
            Value[] items = a.getList();
            String[] out = new String[items.length];
            for (int i = 0; i < items.length; i++) {
                out[i] = items[i] == ValueNull.INSTANCE ? null : items[i].getString();
            }
            return out;
        }
        try {
            Object[] parsed = ArrayLiterals.parse(v.getString());
            String[] out = new String[parsed.length];
            for (int i = 0; i < parsed.length; i++) {
                if (parsed[i] instanceof Object[]) {
                    throw new SQLException("wrong number of array subscripts", "2202E");
                }
                out[i] = (String) parsed[i];
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new SQLException(e.getMessage(), "22P02");
        }
    }
}
