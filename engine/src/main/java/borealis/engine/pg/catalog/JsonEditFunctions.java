package borealis.engine.pg.catalog;

import borealis.engine.pg.catalog.JsonTree.Raw;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.h2.value.Value;
import org.h2.value.ValueNull;

/**
 * The jsonb functions that edit a document along a text[] path (jsonb_set, jsonb_set_lax,
 * jsonb_insert, jsonb_delete_path, jsonb_delete), installed by {@link PgCatalog}. As in
 * PostgreSQL, a path that leads nowhere leaves the document as it was (only the last step may
 * create), array steps must be integers (negative ones count from the end) and a step
 * past either end of an array adds at that end.
 */
public final class JsonEditFunctions {

    private JsonEditFunctions() {}

    private enum Mode { SET, INSERT_BEFORE, INSERT_AFTER, DELETE }

    public static String jsonb_set(Value target, Value path, Value replacement) throws SQLException {
        return jsonb_set(target, path, replacement, Boolean.TRUE);
    }

    public static String jsonb_set(Value target, Value path, Value replacement, Boolean createMissing) throws SQLException {
        Object doc = JsonTree.parse(target);
        String[] steps = JsonTree.textArray(path);
        Object value = JsonTree.parse(replacement);
        if (doc == null || steps == null || value == null || createMissing == null) {
            return null;
        }
        return edit(doc, steps, value, Mode.SET, createMissing, "cannot set path in scalar");
    }

    public static String jsonb_set_lax(Value target, Value path, Value replacement) throws SQLException {
        return jsonb_set_lax(target, path, replacement, Boolean.TRUE, "use_json_null");
    }

    public static String jsonb_set_lax(Value target, Value path, Value replacement, Boolean createMissing) throws SQLException {
        return jsonb_set_lax(target, path, replacement, createMissing, "use_json_null");
    }

    /** jsonb_set whose SQL NULL replacement is handled as {@code treatment} says. */
    public static String jsonb_set_lax(Value target, Value path, Value replacement, Boolean createMissing, String treatment)
            throws SQLException {
        if (treatment == null || !List.of("delete_key", "return_target", "use_json_null", "raise_exception").contains(treatment)) {
            throw new SQLException("null_value_treatment must be \"delete_key\", \"return_target\", \"use_json_null\", or \"raise_exception\"",
                    "22023");
        }
        Object doc = JsonTree.parse(target);
        String[] steps = JsonTree.textArray(path);
        if (doc == null || steps == null || createMissing == null) {
            return null;
        }
        if (replacement != null && replacement != ValueNull.INSTANCE) {
            return jsonb_set(target, path, replacement, createMissing);
        }
        return switch (treatment) {
            case "raise_exception" -> throw new SQLException("JSON value must not be null", "22004");
            case "return_target" -> JsonTree.jsonb(doc);
            case "delete_key" -> edit(doc, steps, null, Mode.DELETE, false, "cannot delete path in scalar");
            default -> edit(doc, steps, Raw.NULL, Mode.SET, createMissing, "cannot set path in scalar");
        };
    }

    public static String jsonb_insert(Value target, Value path, Value value) throws SQLException {
        return jsonb_insert(target, path, value, Boolean.FALSE);
    }

    public static String jsonb_insert(Value target, Value path, Value value, Boolean after) throws SQLException {
        Object doc = JsonTree.parse(target);
        String[] steps = JsonTree.textArray(path);
        Object v = JsonTree.parse(value);
        if (doc == null || steps == null || v == null || after == null) {
            return null;
        }
        return edit(doc, steps, v, after ? Mode.INSERT_AFTER : Mode.INSERT_BEFORE, true, "cannot set path in scalar");
    }

    /** The #- operator: the document without the element at the path. */
    public static String jsonb_delete_path(Value target, Value path) throws SQLException {
        Object doc = JsonTree.parse(target);
        String[] steps = JsonTree.textArray(path);
        if (doc == null || steps == null) {
            return null;
        }
        return edit(doc, steps, null, Mode.DELETE, false, "cannot delete path in scalar");
    }

    /**
     * The - operator: with a text operand an object without that key (an array without those
     * string elements), with a text[] operand without each of them, with an integer operand an
     * array without the element at that index (negative counts from the end).
     */
    @SuppressWarnings("unchecked")
    public static String jsonb_delete(Value target, Value operand) throws SQLException {
        Object doc = JsonTree.parse(target);
        if (doc == null || operand == null || operand == ValueNull.INSTANCE) {
            return null;
        }
        if (operand instanceof org.h2.value.ValueArray || operand.getValueType() == org.h2.value.Value.ARRAY) {
            String[] keys = JsonTree.textArray(operand);
            if (doc instanceof Raw) {
                throw new SQLException("cannot delete from scalar", "22023");
            }
            for (String key : keys) {
                if (key != null) {
                    deleteKey(doc, key);
                }
            }
            return JsonTree.jsonb(doc);
        }
        if (org.h2.value.DataType.isNumericType(operand.getValueType())) {
            if (doc instanceof Map) {
                throw new SQLException("cannot delete from object using integer index", "22023");
            }
            if (!(doc instanceof List<?> raw)) {
                throw new SQLException("cannot delete from scalar", "22023");
            }
            List<Object> l = (List<Object>) raw;
            int index = operand.getInt();
            int at = index < 0 ? l.size() + index : index;
            if (at >= 0 && at < l.size()) {
                l.remove(at);
            }
            return JsonTree.jsonb(doc);
        }
        if (doc instanceof Raw) {
            throw new SQLException("cannot delete from scalar", "22023");
        }
        deleteKey(doc, operand.getString());
        return JsonTree.jsonb(doc);
    }

    private static void deleteKey(Object doc, String key) {
        if (doc instanceof Map<?, ?> m) {
            m.remove(key);
        } else if (doc instanceof List<?> l) {
            l.removeIf(item -> item instanceof Raw r && r.equals(Raw.string(key)));
        }
    }

    /**
     * The jsonb || operator: two objects merge (the right one's keys win), two arrays concatenate,
     * and anything else joins as array elements (an array takes the other operand at its end or
     * start; two non-arrays make a two-element array).
     */
    @SuppressWarnings("unchecked")
    public static String jsonb_concat(Value left, Value right) throws SQLException {
        Object a = JsonTree.parse(left);
        Object b = JsonTree.parse(right);
        if (a == null || b == null) {
            return null;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            ((Map<String, Object>) ma).putAll((Map<String, Object>) mb);
            return JsonTree.jsonb(ma);
        }
        List<Object> out = new java.util.ArrayList<>();
        if (a instanceof List<?> la) {
            out.addAll(la);
        } else {
            out.add(a);
        }
        if (b instanceof List<?> lb) {
            out.addAll(lb);
        } else {
            out.add(b);
        }
        return JsonTree.jsonb(out);
    }

    /**
     * jsonb subscript assignment, {@code doc[k1]...[kn] = value} (PostgreSQL 14): what the path lacks
     * is created (an array where the next subscript is an integer, an object where it is text; a SQL
     * NULL document starts as one), an array index past the end is reached through nulls, a
     * negative one counts from the end. {@code kinds}: 'i' or 't' per subscript. A SQL NULL value
     * is stored as JSON null.
     */
    public static String jsonb_subscript_set(Value target, Value path, String kinds, Value value) throws SQLException {
        String[] steps = JsonTree.textArray(path);
        if (steps == null || kinds == null || steps.length != kinds.length() || steps.length == 0) {
            return null;
        }
        Object v = value == null || value == ValueNull.INSTANCE ? Raw.NULL : JsonTree.parse(value);
        Object doc = JsonTree.parse(target);
        if (doc == null) {
            doc = kinds.charAt(0) == 'i' ? new java.util.ArrayList<>() : new java.util.LinkedHashMap<>();
        }
        if (doc instanceof Raw) {
            throw notComposite();
        }
        assign(doc, steps, kinds, 0, v);
        return JsonTree.jsonb(doc);
    }

    @SuppressWarnings("unchecked")
    private static void assign(Object container, String[] steps, String kinds, int i, Object value) throws SQLException {
        boolean last = i == steps.length - 1;
        if (steps[i] == null) {
            throw new SQLException("jsonb subscript in assignment must not be null", "22004");
        }
        Object child;
        boolean created = false;
        if (container instanceof Map<?, ?> raw) {
            Map<String, Object> m = (Map<String, Object>) raw;
            if (last) {
                m.put(steps[i], value);
                return;
            }
            child = m.get(steps[i]);
            if (child == null) {
                child = kinds.charAt(i + 1) == 'i' ? new java.util.ArrayList<>() : new java.util.LinkedHashMap<>();
                m.put(steps[i], child);
                created = true;
            }
        } else {
            List<Object> l = (List<Object>) container;
            int index = arrayIndex(steps, i);
            if (index < 0) {
                if (-index > l.size()) {
                    throw new SQLException("path element at position " + (i + 1) + " is out of range: " + index, "22023");
                }
                index += l.size();
            }
            boolean existed = index < l.size();
            while (l.size() <= index) {
                l.add(Raw.NULL);
            }
            if (last) {
                l.set(index, value);
                return;
            }
            child = existed ? l.get(index) : null;
            if (child == null) {
                child = kinds.charAt(i + 1) == 'i' ? new java.util.ArrayList<>() : new java.util.LinkedHashMap<>();
                l.set(index, child);
                created = true;
            }
        }
        if (!created && child instanceof Raw) {
            throw notComposite();
        }
        assign(child, steps, kinds, i + 1, value);
    }

    /** Path element {@code i} as an array index (22P02 if it is no integer). */
    private static int arrayIndex(String[] steps, int i) throws SQLException {
        try {
            return Integer.parseInt(steps[i].trim());
        } catch (NumberFormatException e) {
            throw new SQLException("path element at position " + (i + 1) + " is not an integer: \"" + steps[i] + "\"", "22P02");
        }
    }

    private static SQLException notComposite() {
        // PostgreSQL adds: "The path assumes key is a composite object, but it is a scalar value."
        return new SQLException("cannot replace existing key", "22023");
    }

    private static String edit(Object doc, String[] steps, Object value, Mode mode, boolean create, String scalarError)
            throws SQLException {
        if (doc instanceof Raw) {
            throw new SQLException(scalarError, "22023");
        }
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] == null) {
                throw new SQLException("path element at position " + (i + 1) + " is null", "22004");
            }
        }
        if (steps.length > 0) {
            step(doc, steps, 0, value, mode, create);
        }
        return JsonTree.jsonb(doc);
    }

    @SuppressWarnings("unchecked")
    private static void step(Object container, String[] steps, int i, Object value, Mode mode, boolean create) throws SQLException {
        boolean last = i == steps.length - 1;
        if (container instanceof Map<?, ?> raw) {
            Map<String, Object> m = (Map<String, Object>) raw;
            String key = steps[i];
            if (!last) {
                Object next = m.get(key);
                if (next instanceof Map || next instanceof List) {
                    step(next, steps, i + 1, value, mode, create);
                }
            } else if (mode == Mode.DELETE) {
                m.remove(key);
            } else if (m.containsKey(key) && mode != Mode.SET) {
                throw new SQLException("cannot replace existing key", "22023");
            } else if (m.containsKey(key) || create) {
                m.put(key, value);
            }
            return;
        }
        if (!(container instanceof List<?>)) {
            return;
        }
        List<Object> l = (List<Object>) container;
        int index = arrayIndex(steps, i);
        int n = l.size();
        if (index < 0) {
            index += n;
        }
        boolean inside = index >= 0 && index < n;
        if (!last) {
            if (inside && (l.get(index) instanceof Map || l.get(index) instanceof List)) {
                step(l.get(index), steps, i + 1, value, mode, create);
            }
            return;
        }
        switch (mode) {
            case DELETE -> {
                if (inside) {
                    l.remove(index);
                }
            }
            case SET -> {
                if (inside) {
                    l.set(index, value);
                } else if (create) {
                    l.add(index < 0 ? 0 : n, value);
                }
            }
            default -> {
                int at = index < 0 ? 0 : index >= n ? n : mode == Mode.INSERT_AFTER ? index + 1 : index;
                l.add(at, value);
            }
        }
    }
}
