package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** jsonb's text output, as PostgreSQL 15 printed these inputs (psql, select '...'::jsonb). */
class PgJsonbTest {

    @Test
    void keysSortedShortestFirstLastDuplicateWinsSpacedSeparators() {
        assertEquals("{\"a\": \"dup\\\"q\\\\\\n\", \"b\": 1, \"aa\": {\"y\": true, \"z\": null}}",
                PgJsonb.canonical("{\"b\":1,\"a\":[1,2.50,1e2],\"aa\":{\"z\":null,\"y\":true},\"a\":\"dup\\\"q\\\\\\n\"}"));
    }

    @Test
    void scalarsAndEmptyContainers() {
        assertEquals("\"x\"", PgJsonb.canonical("\"x\""));
        assertEquals("12.0", PgJsonb.canonical("12.0"));
        assertEquals("0.000010", PgJsonb.canonical("1.0e-5"));
        assertEquals("[1, 2.50, 100]", PgJsonb.canonical("[1,2.50,1e2]"));
        assertEquals("[]", PgJsonb.canonical("[]"));
        assertEquals("{}", PgJsonb.canonical("{ }"));
    }
}
