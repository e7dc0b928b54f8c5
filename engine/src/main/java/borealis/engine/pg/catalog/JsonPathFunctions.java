package borealis.engine.pg.catalog;

import borealis.engine.pg.types.PgType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.tools.SimpleResultSet;
import org.h2.value.Value;

/**
 * PostgreSQL's SQL/JSON path functions over jsonb (jsonb_path_exists, _match, _query,
 * _query_array, _query_first, with the optional vars object and silent flag) and the operators
 * {@code @?} and {@code @@} (jsonb_path_exists_opr, jsonb_path_match_opr: silent), installed by
 * {@link PgCatalog}. Silent suppresses the errors PostgreSQL's silent does (structural ones and
 * those of evaluation); the answer is then NULL. A path that does not parse is an error either way.
 */
public final class JsonPathFunctions {

    /** Parsed paths by text: a query applies the same path to every row. Bounded; cleared when full. */
    private static final Map<String, JsonPath> PARSED = new ConcurrentHashMap<>();
    private static final int PARSED_LIMIT = 1_000;

    private JsonPathFunctions() {}

    private static JsonPath path(String text) throws SQLException {
        JsonPath p = PARSED.get(text);
        if (p == null) {
            p = JsonPathParser.parse(text);
            if (PARSED.size() >= PARSED_LIMIT) {
                PARSED.clear();
            }
            PARSED.put(text, p);
        }
        return p;
    }

    /** The items, or null when silent swallowed an error (or an argument is SQL NULL). */
    @SuppressWarnings("unchecked")
    private static List<Object> run(Value target, String pathText, Value vars, Boolean silent) throws SQLException {
        Object doc = JsonTree.parse(target);
        if (doc == null || pathText == null) {
            return null;
        }
        JsonPath path = path(pathText);
        Object v = JsonTree.parse(vars);
        if (v != null && !(v instanceof Map<?, ?>)) {
            throw new SQLException("\"vars\" argument is not an object", "22023");
        }
        try {
            return path.evaluate(doc, (Map<String, Object>) v);
        } catch (JsonPath.PathError e) {
            if (Boolean.TRUE.equals(silent) && !e.hard) {
                return null;
            }
            throw e.sql();
        }
    }

    public static Boolean jsonb_path_exists(Value target, String path) throws SQLException {
        return jsonb_path_exists(target, path, null, Boolean.FALSE);
    }

    public static Boolean jsonb_path_exists(Value target, String path, Value vars) throws SQLException {
        return jsonb_path_exists(target, path, vars, Boolean.FALSE);
    }

    public static Boolean jsonb_path_exists(Value target, String path, Value vars, Boolean silent) throws SQLException {
        List<Object> items = run(target, path, vars, silent);
        return items == null ? null : !items.isEmpty();
    }

    /** {@code jsonb @? jsonpath}. */
    public static Boolean jsonb_path_exists_opr(Value target, String path) throws SQLException {
        return jsonb_path_exists(target, path, null, Boolean.TRUE);
    }

    public static Boolean jsonb_path_match(Value target, String path) throws SQLException {
        return jsonb_path_match(target, path, null, Boolean.FALSE);
    }

    public static Boolean jsonb_path_match(Value target, String path, Value vars) throws SQLException {
        return jsonb_path_match(target, path, vars, Boolean.FALSE);
    }

    public static Boolean jsonb_path_match(Value target, String path, Value vars, Boolean silent) throws SQLException {
        List<Object> items = run(target, path, vars, silent);
        if (items == null) {
            return null;
        }
        if (items.size() == 1 && items.get(0) instanceof JsonTree.Raw r && (JsonPathItems.type(r).equals("boolean") || r.isNull())) {
            return r.isNull() ? null : r.json().equals("true");
        }
        if (Boolean.TRUE.equals(silent)) {
            return null;
        }
        throw new SQLException("single boolean result is expected", "22038");
    }

    /** {@code jsonb @@ jsonpath}. */
    public static Boolean jsonb_path_match_opr(Value target, String path) throws SQLException {
        return jsonb_path_match(target, path, null, Boolean.TRUE);
    }

    public static String jsonb_path_query_array(Value target, String path) throws SQLException {
        return jsonb_path_query_array(target, path, null, Boolean.FALSE);
    }

    public static String jsonb_path_query_array(Value target, String path, Value vars) throws SQLException {
        return jsonb_path_query_array(target, path, vars, Boolean.FALSE);
    }

    public static String jsonb_path_query_array(Value target, String path, Value vars, Boolean silent) throws SQLException {
        List<Object> items = run(target, path, vars, silent);
        return items == null ? null : JsonTree.jsonb(items);
    }

    public static String jsonb_path_query_first(Value target, String path) throws SQLException {
        return jsonb_path_query_first(target, path, null, Boolean.FALSE);
    }

    public static String jsonb_path_query_first(Value target, String path, Value vars) throws SQLException {
        return jsonb_path_query_first(target, path, vars, Boolean.FALSE);
    }

    public static String jsonb_path_query_first(Value target, String path, Value vars, Boolean silent) throws SQLException {
        List<Object> items = run(target, path, vars, silent);
        return items == null || items.isEmpty() ? null : JsonTree.jsonb(items.get(0));
    }

    public static ResultSet jsonb_path_query(Connection c, Value target, String path) throws SQLException {
        return jsonb_path_query(c, target, path, null, Boolean.FALSE);
    }

    public static ResultSet jsonb_path_query(Connection c, Value target, String path, Value vars) throws SQLException {
        return jsonb_path_query(c, target, path, vars, Boolean.FALSE);
    }

    /** The items, one jsonb row each. */
    public static ResultSet jsonb_path_query(Connection c, Value target, String path, Value vars, Boolean silent) throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("jsonb_path_query", Types.OTHER, "JSON", (int) PgType.JSONB_H2_LENGTH, 0);
        if (c.getMetaData().getURL().equals("jdbc:columnlist:connection")) {
            return rs;
        }
        List<Object> items = run(target, path, vars, silent);
        if (items != null) {
            for (Object item : items) {
                rs.addRow((Object) JsonTree.jsonb(item).getBytes(StandardCharsets.UTF_8));
            }
        }
        return rs;
    }
}
