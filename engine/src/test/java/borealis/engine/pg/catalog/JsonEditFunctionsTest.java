package borealis.engine.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import org.h2.value.Value;
import org.h2.value.ValueNull;
import org.h2.value.ValueVarchar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** jsonb_set, jsonb_insert, jsonb_set_lax, #-, extract_path, strip_nulls, jsonb_object, jsonb_pretty against PostgreSQL 15 (psql, 2026-12-06). */
class JsonEditFunctionsTest {

    private static final String DOC = "{\"n\":null, \"a\":1, \"b\":[1,2], \"c\":{\"1\":2}, \"d\":{\"1\":[2,3]}}";

    private static Value v(String s) {
        return s == null ? ValueNull.INSTANCE : ValueVarchar.get(s);
    }

    private static void fails(String state, String message, Executable call) {
        SQLException e = assertThrows(SQLException.class, call);
        assertEquals(state, e.getSQLState());
        assertEquals(message, e.getMessage());
    }

    @Test
    void setsAndInsertsAlongPaths() throws SQLException {
        assertEquals("{\"a\": 1, \"b\": [1, 2], \"c\": {\"1\": 2}, \"d\": {\"1\": [2, 3]}, \"n\": [1, 2, 3]}",
                JsonEditFunctions.jsonb_set(v(DOC), v("{n}"), v("[1,2,3]")));
        assertEquals("{\"a\": 1, \"b\": [1, [1, 2, 3]], \"c\": {\"1\": 2}, \"d\": {\"1\": [2, 3]}, \"n\": null}",
                JsonEditFunctions.jsonb_set(v(DOC), v("{b,-1}"), v("[1,2,3]")));
        assertEquals("{\"a\": 1, \"b\": [{\"foo\": 123}, 0, 1, 2], \"c\": {\"d\": 4}}",
                JsonEditFunctions.jsonb_set(v("{\"a\":1,\"b\":[0,1,2],\"c\":{\"d\":4}}"), v("{b,-33}"), v("{\"foo\":123}")));
        assertEquals("{\"a\": 1, \"b\": [0, 1, 2], \"c\": {\"d\": 4}}",
                JsonEditFunctions.jsonb_set(v("{\"a\":1,\"b\":[0,1,2],\"c\":{\"d\":4}}"), v("{x,y}"), v("{\"foo\":123}")));
        assertEquals("{}", JsonEditFunctions.jsonb_set(v("{}"), v("{a}"), v("\"b\""), false));
        assertEquals("{\"a\": [0, 1, \"new_value\", 2]}", JsonEditFunctions.jsonb_insert(v("{\"a\": [0,1,2]}"), v("{a, -1}"), v("\"new_value\"")));
        assertEquals("{\"a\": [0, 1, 2, \"new_value\"]}",
                JsonEditFunctions.jsonb_insert(v("{\"a\": [0,1,2]}"), v("{a, -1}"), v("\"new_value\""), true));
        assertEquals("{\"a\": [\"new_value\", 0, 1, 2]}", JsonEditFunctions.jsonb_insert(v("{\"a\": [0,1,2]}"), v("{a, -10}"), v("\"new_value\"")));
        assertEquals("{\"a\": 1, \"b\": null}", JsonEditFunctions.jsonb_set_lax(v("{\"a\":1,\"b\":2}"), v("{b}"), ValueNull.INSTANCE));
        assertEquals("{\"a\": 1}", JsonEditFunctions.jsonb_set_lax(v("{\"a\":1,\"b\":2}"), v("{b}"), ValueNull.INSTANCE, true, "delete_key"));
        assertEquals("{\"a\": 1, \"b\": [1], \"c\": {\"1\": 2}, \"d\": {\"1\": [2, 3]}, \"n\": null}",
                JsonEditFunctions.jsonb_delete_path(v(DOC), v("{b,-1}")));
        assertEquals("{\"b\": 2, \"c\": 3}", JsonEditFunctions.jsonb_delete(v("{\"a\":1 , \"b\":2, \"c\":3}"), v("a")));
        assertEquals("[\"a\", \"c\"]", JsonEditFunctions.jsonb_delete(v("[\"a\",\"b\",\"c\"]"), org.h2.value.ValueInteger.get(-2)));
        assertEquals("[\"b\", 1]", JsonEditFunctions.jsonb_concat(v("\"b\""), v("[1]")));
        assertEquals("{\"a\": 2, \"b\": 1}", JsonEditFunctions.jsonb_concat(v("{\"a\":1,\"b\":1}"), v("{\"a\":2}")));
        assertNull(JsonEditFunctions.jsonb_set(v(DOC), v("{n}"), ValueNull.INSTANCE));
        // subscript assignment: created along the path, nulls filling an array's gap, SQL NULL stored as JSON null
        assertEquals("{\"a\": [null, null, {\"b\": 1}]}", JsonEditFunctions.jsonb_subscript_set(ValueNull.INSTANCE, v("{a,2,b}"), "tit", v("1")));
        assertEquals("[0, null, 1]", JsonEditFunctions.jsonb_subscript_set(v("[0]"), v("{2}"), "i", v("1")));
        assertEquals("{\"k\": null}", JsonEditFunctions.jsonb_subscript_set(v("{}"), v("{k}"), "t", ValueNull.INSTANCE));
        assertEquals("22023", org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                () -> JsonEditFunctions.jsonb_subscript_set(v("{\"a\": 1}"), v("{a,b}"), "tt", v("1"))).getSQLState());
    }

    @Test
    void refusesAsPostgreSql() {
        fails("22023", "cannot set path in scalar", () -> JsonEditFunctions.jsonb_set(v("\"a\""), v("{a}"), v("\"b\"")));
        fails("22004", "path element at position 2 is null", () -> JsonEditFunctions.jsonb_set(v(DOC), v("{d,NULL,0}"), v("1")));
        fails("22P02", "path element at position 2 is not an integer: \"non_integer\"",
                () -> JsonEditFunctions.jsonb_set(v("{\"a\": [1, 2, 3]}"), v("{a, non_integer}"), v("\"new_value\"")));
        fails("22023", "cannot replace existing key",
                () -> JsonEditFunctions.jsonb_insert(v("{\"a\": {\"b\": \"value\"}}"), v("{a, b}"), v("\"new_value\"")));
        fails("22004", "JSON value must not be null",
                () -> JsonEditFunctions.jsonb_set_lax(v("{\"a\":1}"), v("{b}"), ValueNull.INSTANCE, true, "raise_exception"));
        fails("22023", "null_value_treatment must be \"delete_key\", \"return_target\", \"use_json_null\", or \"raise_exception\"",
                () -> JsonEditFunctions.jsonb_set_lax(v("{\"a\":1}"), v("{b}"), ValueNull.INSTANCE, true, "no_such_treatment"));
        fails("2202E", "array must have two columns", () -> JsonDocFunctions.jsonb_object(v("{{a},{b}}")));
        fails("2202E", "mismatched array dimensions", () -> JsonDocFunctions.jsonb_object(v("{a,b,c}"), v("{1,2}")));
        fails("22004", "null value not allowed for object key", () -> JsonDocFunctions.jsonb_object(v("{a,NULL}"), v("{1,2}")));
    }

    @Test
    void readsAndReshapesDocuments() throws SQLException {
        String doc = "{\"f2\":[\"f3\",1],\"f4\":{\"f5\":null,\"f6\":\"stringy\"}}";
        assertEquals("\"stringy\"", JsonDocFunctions.jsonb_extract_path(v(doc), "f4", "f6"));
        assertEquals("stringy", JsonDocFunctions.json_extract_path_text(v(doc), "f4", "f6"));
        assertEquals("f3", JsonDocFunctions.jsonb_extract_path_text(v(doc), "f2", "0"));
        assertEquals("null", JsonDocFunctions.json_extract_path(v(doc), "f4", "f5"));
        assertNull(JsonDocFunctions.json_extract_path_text(v(doc), "f4", "f5"));
        assertEquals("{\"a\":1,\"c\":[2,null,3],\"d\":{\"e\":4}}",
                JsonDocFunctions.json_strip_nulls(v("{\"a\":1,\"b\":null,\"c\":[2,null,3],\"d\":{\"e\":4,\"f\":null}}")));
        assertEquals("{\"a\": {}, \"d\": {}}", JsonDocFunctions.jsonb_strip_nulls(v("{\"a\": {\"b\": null, \"c\": null}, \"d\": {} }")));
        assertEquals("{\"3\": null, \"a\": \"1\", \"b\": \"2\", \"d e f\": \"a b c\"}",
                JsonDocFunctions.jsonb_object(v("{{a,1},{b,2},{3,NULL},{\"d e f\",\"a b c\"}}")));
        assertEquals("{\n    \"a\": [\n        \"b\",\n        \"c\"\n    ],\n    \"d\": {\n        \"e\": \"f\"\n    }\n}",
                JsonDocFunctions.jsonb_pretty(v("{\"a\":[\"b\", \"c\"], \"d\": {\"e\":\"f\"}}")));
        assertEquals("{\n    \"a\": {\n    },\n    \"b\": [\n    ]\n}", JsonDocFunctions.jsonb_pretty(v("{\"a\":{},\"b\":[]}")));
    }
}
