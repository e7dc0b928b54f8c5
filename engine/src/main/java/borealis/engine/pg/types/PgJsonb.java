package borealis.engine.pg.types;

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
 * jsonb's text form as PostgreSQL prints it: a value is stored decomposed, so its output is
 * canonical: object keys sorted (shorter first, then by their bytes), a repeated key kept once (its
 * last value), ", " between items and ": " after keys, numbers as numeric prints them ({@code 1e2}
 * is {@code 100}). H2 stores JSON compacted ({"b":1,"a":2}); clients of a jsonb column (Django's
 * JSONField, node-postgres, pgjdbc's PGobject) see what PostgreSQL would have sent.
 */
public final class PgJsonb {

    private PgJsonb() {}

    /** The canonical text of a JSON document; the input unchanged if it does not parse. */
    public static String canonical(String json) {
        JSONValue v;
        try {
            v = JSONStringSource.parse(json, new JSONValueTarget());
        } catch (RuntimeException e) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length() + 16);
        write(v, out);
        return out.toString();
    }

    private static void write(JSONValue v, StringBuilder out) {
        if (v instanceof JSONObject o) {
            Map<String, JSONValue> members = new LinkedHashMap<>();
            for (Map.Entry<String, JSONValue> m : o.getMembers()) {
                members.remove(m.getKey());
                members.put(m.getKey(), m.getValue());
            }
            List<String> keys = Arrays.asList(members.keySet().toArray(new String[0]));
            keys.sort(PgJsonb::compareKeys);
            out.append('{');
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                string(keys.get(i), out);
                out.append(": ");
                write(members.get(keys.get(i)), out);
            }
            out.append('}');
        } else if (v instanceof JSONArray a) {
            out.append('[');
            JSONValue[] items = a.getArray();
            for (int i = 0; i < items.length; i++) {
                if (i > 0) {
                    out.append(", ");
                }
                write(items[i], out);
            }
            out.append(']');
        } else if (v instanceof JSONString s) {
            string(s.getString(), out);
        } else if (v instanceof JSONNumber n) {
            out.append(n.getBigDecimal().toPlainString());
        } else if (v instanceof JSONBoolean b) {
            out.append(b == JSONBoolean.TRUE ? "true" : "false");
        } else {
            out.append("null");
        }
    }

    /** PostgreSQL's order of jsonb keys: by length in bytes, then bytewise. */
    public static int compareKeys(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        return Arrays.compareUnsigned(x, y);
    }

    /** A JSON string as PostgreSQL escapes it: quote, backslash and control characters only. */
    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
