package borealis.engine.pg.catalog;

import java.util.ArrayList;
import java.util.List;
import java.sql.Connection;
import java.sql.SQLException;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueNull;

/**
 * Calls whose last argument is written {@code VARIADIC array} (concat, concat_ws, format,
 * json(b)_build_array, json(b)_build_object): the array's elements are the arguments, a
 * multidimensional array's in row-major order, and a NULL array makes the result NULL, as in
 * PostgreSQL. The translator calls these in place of the plain functions.
 */
public final class VariadicCalls {

    private VariadicCalls() {}

    /** The elements of the VARIADIC argument, flattened; null for SQL NULL. */
    private static Value[] elements(Value array) {
        if (array == null || array == ValueNull.INSTANCE) {
            return null;
        }
        if (!(array instanceof ValueArray a)) {
            return new Value[] {array};
        }
        List<Value> out = new ArrayList<>();
        flatten(a, out);
        return out.toArray(new Value[0]);
    }

    private static void flatten(ValueArray a, List<Value> out) {
        for (Value v : a.getList()) {
            if (v instanceof ValueArray inner) {
                flatten(inner, out);
            } else {
                out.add(v);
            }
        }
    }

    private static Value[] joined(Value[] fixed, Value array) {
        Value[] rest = elements(array);
        if (rest == null) {
            return null;
        }
        Value[] all = new Value[fixed.length + rest.length];
        System.arraycopy(fixed, 0, all, 0, fixed.length);
        System.arraycopy(rest, 0, all, fixed.length, rest.length);
        return all;
    }

    public static String concat_variadic(Value array) {
        Value[] e = elements(array);
        if (e == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (Value v : e) {
            if (v != null && v != ValueNull.INSTANCE) {
                sb.append(text(v));
            }
        }
        return sb.toString();
    }

    public static String concat_ws_variadic(String separator, Value array) {
        Value[] e = elements(array);
        if (e == null || separator == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (Value v : e) {
            if (v != null && v != ValueNull.INSTANCE) {
                sb.append(first ? "" : separator).append(text(v));
                first = false;
            }
        }
        return sb.toString();
    }

    /** A value's text as PostgreSQL's output function writes it where H2's differs (booleans). */
    private static String text(Value v) {
        return v.getValueType() == Value.BOOLEAN ? (v.getBoolean() ? "t" : "f") : v.getString();
    }

    public static String json_build_array_variadic(Connection c, Value array) throws SQLException {
        Value[] e = elements(array);
        return e == null ? null : JsonFunctions.json_build_array(c, e);
    }

    public static String jsonb_build_array_variadic(Connection c, Value array) throws SQLException {
        Value[] e = elements(array);
        return e == null ? null : JsonFunctions.jsonb_build_array(c, e);
    }

    public static String json_build_object_variadic(Connection c, Value array) throws SQLException {
        Value[] e = elements(array);
        return e == null ? null : JsonFunctions.json_build_object(c, e);
    }

    public static String jsonb_build_object_variadic(Connection c, Value array) throws SQLException {
        Value[] e = elements(array);
        return e == null ? null : JsonFunctions.jsonb_build_object(c, e);
    }

    public static String format_variadic(String format, Value array) throws java.sql.SQLException {
        Value[] all = joined(new Value[0], array);
        return FormatFunction.format(format, all == null ? new Value[0] : all);
    }
}
