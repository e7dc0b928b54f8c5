package borealis.engine.pg.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueNull;

/**
 * PostgreSQL's array functions H2 lacks (array_positions; the parts of array_fill, array_remove
 * and array_replace the translator's ArrayCalls cannot do in SQL), installed by {@link PgCatalog}.
 * Arrays here have lower bound 1, as everywhere in Borealis.
 */
public final class ArrayFunctions {

    private ArrayFunctions() {}

    private static boolean isNull(Value v) {
        return v == null || v == ValueNull.INSTANCE;
    }

    private static SQLException unsupported(String message) {
        return new SQLException(message, "0A000");
    }

    /** The elements of a one-dimensional array; {@code refusal} names what PostgreSQL refuses on a nested one. */
    private static Value[] flat(Value a, String refusal) throws SQLException {
        if (!(a instanceof ValueArray array)) {
            throw new SQLException("function takes an array argument", "42883");
        }
        Value[] e = array.getList();
        for (Value v : e) {
            if (v instanceof ValueArray) {
                throw unsupported(refusal);
            }
        }
        return e;
    }

    /** Whether an element equals the value searched for as PostgreSQL's = (numbers by value, NULL by IS NOT DISTINCT FROM). */
    private static boolean same(Value element, Value value) {
        if (isNull(element) || isNull(value)) {
            return isNull(element) && isNull(value);
        }
        if (isNumeric(element) && isNumeric(value)) {
            return element.getBigDecimal().compareTo(value.getBigDecimal()) == 0;
        }
        return element.getString().equals(value.getString());
    }

    /** PostgreSQL's error for a dimension or lower-bound array of the wrong shape (its DETAIL says which). */
    private static SQLException subscripts() {
        return new SQLException("wrong number of array subscripts", "2202E");
    }

    private static boolean isNumeric(Value v) {
        return switch (v.getValueType()) {
            case Value.TINYINT, Value.SMALLINT, Value.INTEGER, Value.BIGINT, Value.NUMERIC, Value.DECFLOAT, Value.REAL, Value.DOUBLE -> true;
            default -> false;
        };
    }

    /** A slice's lower bound for ARRAY_SLICE: past the array's end it is cut to one beyond it, giving an empty slice. */
    public static Integer slice_low(Integer low, Integer cardinality) {
        return low == null || cardinality == null ? low : Integer.valueOf(Math.min(low, cardinality + 1));
    }

    /** A slice's upper bound for ARRAY_SLICE: past the array's end it is cut to the end (H2 would fail). */
    public static Integer slice_high(Integer high, Integer cardinality) {
        return high == null || cardinality == null ? high : Integer.valueOf(Math.min(high, cardinality));
    }

    public static Integer[] array_positions(Value a, Value value) throws SQLException {
        if (isNull(a)) {
            return null;
        }
        Value[] e = flat(a, "searching for elements in multidimensional arrays is not supported");
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < e.length; i++) {
            if (same(e[i], value)) {
                at.add(i + 1);
            }
        }
        return at.toArray(new Integer[0]);
    }

    /** The positions array_remove keeps (the translator picks those elements, keeping their type). */
    public static Integer[] array_remove_keep(Value a, Value value) throws SQLException {
        if (isNull(a)) {
            return null;
        }
        Value[] e = flat(a, "removing elements from multidimensional arrays is not supported");
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < e.length; i++) {
            if (!same(e[i], value)) {
                kept.add(i + 1);
            }
        }
        return kept.toArray(new Integer[0]);
    }

    /** For each element, whether array_replace replaces it. */
    public static Boolean[] array_replace_hits(Value a, Value from) throws SQLException {
        if (isNull(a)) {
            return null;
        }
        // PostgreSQL replaces in arrays of any dimension; the translator's subquery builds one
        Value[] e = flat(a, "replacing elements in multidimensional arrays is not supported");
        Boolean[] hits = new Boolean[e.length];
        for (int i = 0; i < e.length; i++) {
            hits[i] = same(e[i], from);
        }
        return hits;
    }

    /**
     * The length of dimension {@code level} of array_fill's result (0: the array is empty), after
     * PostgreSQL's checks of the dimension and lower-bound arrays; {@code depth} is how many
     * dimensions the translator's nested subqueries build.
     */
    public static Integer array_fill_length(Value dims, Value lowerBounds, Boolean withBounds, Integer level, Integer depth)
            throws SQLException {
        if (isNull(dims) || Boolean.TRUE.equals(withBounds) && isNull(lowerBounds)) {
            throw new SQLException("dimension array or low bound array cannot be null", "22004");
        }
        Value[] d = integers(dims);
        if (Boolean.TRUE.equals(withBounds)) {
            Value[] lb = integers(lowerBounds);
            if (lb.length != d.length) {
                throw subscripts();
            }
            for (Value l : lb) {
                if (isNull(l)) {
                    throw new SQLException("dimension values cannot be null", "22004");
                }
                if (l.getInt() != 1) {
                    throw unsupported("arrays with lower bounds other than 1 are not supported");
                }
            }
        }
        int[] lengths = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            if (isNull(d[i])) {
                throw new SQLException("dimension values cannot be null", "22004");
            }
            lengths[i] = d[i].getInt();
            if (lengths[i] <= 0) {
                // PostgreSQL's array with a zero or negative length is the empty array
                return 0;
            }
        }
        if (lengths.length == 0) {
            return 0;
        }
        if (lengths.length != depth) {
            throw unsupported("array_fill takes its dimensions here only as an ARRAY[...] constructor");
        }
        return lengths[level - 1];
    }

    /** A dimension or lower-bound array: an int[] value, or its text ('{}', '{2,2}') when given untyped. */
    private static Value[] integers(Value a) throws SQLException {
        if (!(a instanceof ValueArray array)) {
            String text = a.getString().trim();
            if (!text.startsWith("{") || !text.endsWith("}")) {
                throw new SQLException("malformed array literal: \"" + text + "\"", "22P02");
            }
            String inner = text.substring(1, text.length() - 1).trim();
            if (inner.isEmpty()) {
                return new Value[0];
            }
            String[] parts = inner.split(",");
            Value[] out = new Value[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i].trim();
                out[i] = p.equalsIgnoreCase("NULL") ? ValueNull.INSTANCE : org.h2.value.ValueInteger.get(Integer.parseInt(p));
            }
            return out;
        }
        for (Value v : array.getList()) {
            if (v instanceof ValueArray) {
                throw subscripts();
            }
        }
        return array.getList();
    }
}
