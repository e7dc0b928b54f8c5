package borealis.engine.pg.catalog;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The SQL/JSON path items {@link JsonPath} works on (JsonTree values: Map, List, Raw scalars):
 * their types as {@code type()} names them, their numbers, an object's members in jsonb's order,
 * comparison of two items as PostgreSQL's compareItems does, and like_regex's pattern.
 */
final class JsonPathItems {

    private JsonPathItems() {}

    static Pattern regex(String pattern, String flags) throws SQLException {
        int f = 0;
        for (char c : flags.toCharArray()) {
            switch (c) {
                case 'i' -> f |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                case 's' -> f |= Pattern.DOTALL;
                case 'm' -> f |= Pattern.MULTILINE;
                case 'x' -> f |= Pattern.COMMENTS;
                case 'q' -> f |= Pattern.LITERAL;
                default -> throw new SQLException("invalid input syntax for type jsonpath\n"
                        + "DETAIL: Unrecognized flag character \"" + c + "\" in LIKE_REGEX predicate.", "42601");
            }
        }
        try {
            return Pattern.compile(pattern, f);
        } catch (PatternSyntaxException e) {
            throw new SQLException("invalid regular expression: " + e.getDescription(), "2201B");
        }
    }

    static JsonPath.Truth compare(String op, Object l, Object r) {
        String lt = type(l);
        String rt = type(r);
        if (!lt.equals(rt)) {
            if (lt.equals("null") || rt.equals("null")) {
                return op.equals("!=") ? JsonPath.Truth.TRUE : JsonPath.Truth.FALSE;
            }
            return JsonPath.Truth.UNKNOWN;
        }
        int cmp;
        switch (lt) {
            case "null" -> cmp = 0;
            case "boolean" -> cmp = Boolean.compare(((JsonTree.Raw) l).json().equals("true"), ((JsonTree.Raw) r).json().equals("true"));
            case "number" -> cmp = number(l).compareTo(number(r));
            case "string" -> cmp = Integer.signum(((JsonTree.Raw) l).text().compareTo(((JsonTree.Raw) r).text()));
            default -> {
                return JsonPath.Truth.UNKNOWN;
            }
        }
        boolean result = switch (op) {
            case "==" -> cmp == 0;
            case "!=" -> cmp != 0;
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case ">" -> cmp > 0;
            default -> cmp >= 0;
        };
        return result ? JsonPath.Truth.TRUE : JsonPath.Truth.FALSE;
    }

    /** An object's member values in jsonb's key order (shorter keys first), as PostgreSQL visits them. */
    static List<Object> values(Map<?, ?> object) {
        List<String> keys = new ArrayList<>();
        for (Object k : object.keySet()) {
            keys.add((String) k);
        }
        keys.sort(borealis.engine.pg.types.PgJsonb::compareKeys);
        List<Object> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            out.add(object.get(k));
        }
        return out;
    }

    static String type(Object item) {
        if (item instanceof Map<?, ?>) {
            return "object";
        }
        if (item instanceof List<?>) {
            return "array";
        }
        String json = ((JsonTree.Raw) item).json();
        return switch (json.charAt(0)) {
            case '"' -> "string";
            case 't', 'f' -> "boolean";
            case 'n' -> "null";
            default -> "number";
        };
    }

    /** The item's number, or null when it is not a JSON number. */
    static BigDecimal number(Object item) {
        if (item instanceof JsonTree.Raw r && type(r).equals("number")) {
            return new BigDecimal(r.json());
        }
        return null;
    }

    static JsonTree.Raw numberItem(BigDecimal d) {
        return new JsonTree.Raw(d.toPlainString());
    }
}
