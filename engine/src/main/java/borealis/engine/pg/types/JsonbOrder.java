package borealis.engine.pg.types;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.h2.util.json.JSONArray;
import org.h2.util.json.JSONBoolean;
import org.h2.util.json.JSONNumber;
import org.h2.util.json.JSONObject;
import org.h2.util.json.JSONString;
import org.h2.util.json.JSONStringSource;
import org.h2.util.json.JSONValue;
import org.h2.util.json.JSONValueTarget;

/**
 * PostgreSQL's ordering of jsonb values (its btree operator class, compareJsonbContainers) as a
 * byte string whose unsigned order is that ordering, so that H2, which compares JSON values by
 * their bytes, sorts and compares jsonb as PostgreSQL does. The ordering: Object > Array > Boolean
 * > Number > String > Null; containers of the same kind by their element (pair) count, then element
 * by element (objects: key, value, in jsonb's key order, shorter keys first); numbers numerically,
 * strings by their code points (the C collation); a top-level scalar is a one-element pseudo array,
 * above an empty top-level array and below any other top-level array.
 */
public final class JsonbOrder {

    private JsonbOrder() {}

    // Type tags, in jsonb's order of types.
    private static final int NULL = 1;
    private static final int STRING = 2;
    private static final int NUMBER = 3;
    private static final int BOOLEAN = 4;
    private static final int ARRAY = 5;
    private static final int OBJECT = 6;

    /** The sort key of a JSON document's text; throws IllegalArgumentException when it is not JSON. */
    public static byte[] sortKey(String json) {
        JSONValue v;
        try {
            v = JSONStringSource.parse(PgValues.unwrapJson(json), new JSONValueTarget());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid input syntax for type json", e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length() + 16);
        if (v instanceof JSONArray a) {
            JSONValue[] items = a.getArray();
            out.write(ARRAY);
            count(items.length, out);
            out.write(1); // a real array sorts after a scalar's one-element pseudo array
            for (JSONValue item : items) {
                write(item, out);
            }
        } else if (v instanceof JSONObject) {
            write(v, out);
        } else {
            out.write(ARRAY);
            count(1, out);
            out.write(0);
            write(v, out);
        }
        return out.toByteArray();
    }

    /** jsonb comparison: negative, zero or positive. */
    public static int compare(String a, String b) {
        return Integer.signum(Arrays.compareUnsigned(sortKey(a), sortKey(b)));
    }

    private static void write(JSONValue v, ByteArrayOutputStream out) {
        if (v instanceof JSONObject o) {
            Map<String, JSONValue> members = new LinkedHashMap<>();
            for (Map.Entry<String, JSONValue> m : o.getMembers()) {
                members.remove(m.getKey());
                members.put(m.getKey(), m.getValue()); // a repeated key keeps its last value, as jsonb does
            }
            List<String> keys = Arrays.asList(members.keySet().toArray(new String[0]));
            keys.sort(JsonbOrder::storedKeyOrder);
            out.write(OBJECT);
            count(keys.size(), out);
            for (String k : keys) {
                string(k, out);
                write(members.get(k), out);
            }
        } else if (v instanceof JSONArray a) {
            JSONValue[] items = a.getArray();
            out.write(ARRAY);
            count(items.length, out);
            for (JSONValue item : items) {
                write(item, out);
            }
        } else if (v instanceof JSONString s) {
            out.write(STRING);
            string(s.getString(), out);
        } else if (v instanceof JSONNumber n) {
            out.write(NUMBER);
            number(n.getBigDecimal(), out);
        } else if (v instanceof JSONBoolean b) {
            out.write(BOOLEAN);
            out.write(b == JSONBoolean.TRUE ? 1 : 0);
        } else {
            out.write(NULL);
        }
    }

    /** The order jsonb stores an object's keys in (and compares pairs in): by length in bytes, then bytewise. */
    private static int storedKeyOrder(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
    }

    private static void count(int n, ByteArrayOutputStream out) {
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
    }

    /** UTF-8 (bytewise order is code point order), 0 escaped as 0 255, ended by 0 0: no key is a prefix of another. */
    private static void string(String s, ByteArrayOutputStream out) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.write(b);
            if (b == 0) {
                out.write(255);
            }
        }
        out.write(0);
        out.write(0);
    }

    /**
     * A number: its sign class, then for a positive one its decimal exponent and digits (each digit
     * + 1, ended by 0, so that 0.12 sorts before 0.123); a negative one is the complement of its
     * magnitude's bytes, which reverses their order.
     */
    private static void number(BigDecimal n, ByteArrayOutputStream out) {
        int sign = n.signum();
        out.write(sign + 2);
        if (sign == 0) {
            return;
        }
        BigDecimal m = n.abs().stripTrailingZeros();
        String digits = m.unscaledValue().toString();
        long exponent = (long) digits.length() - m.scale(); // m = 0.digits x 10^exponent
        byte[] magnitude = new byte[4 + digits.length() + 1];
        int e = (int) (exponent + Integer.MIN_VALUE); // biased: unsigned order is numeric order
        magnitude[0] = (byte) (e >>> 24);
        magnitude[1] = (byte) (e >>> 16);
        magnitude[2] = (byte) (e >>> 8);
        magnitude[3] = (byte) e;
        for (int i = 0; i < digits.length(); i++) {
            magnitude[4 + i] = (byte) (digits.charAt(i) - '0' + 1);
        }
        magnitude[magnitude.length - 1] = 0;
        for (byte b : magnitude) {
            out.write(sign < 0 ? ~b & 0xff : b & 0xff);
        }
    }
}
