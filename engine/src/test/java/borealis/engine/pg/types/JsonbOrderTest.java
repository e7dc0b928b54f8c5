package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** jsonb's ordering, as PostgreSQL 15 answers each case (checked there). */
class JsonbOrderTest {

    private static int cmp(String a, String b) {
        return JsonbOrder.compare(a, b);
    }

    @Test
    void sortsAsPostgresSortsJsonb() {
        // SELECT x FROM (VALUES ...) v(x) ORDER BY x on PostgreSQL 15 gives this order
        List<String> expected = List.of("[]", "null", "\"\"", "\"B\"", "\"a\"", "-5.5", "1", "false", "true", "[1]", "[1, 2]", "{}",
                "{\"a\": 1}");
        List<String> shuffled = new ArrayList<>(expected);
        Collections.reverse(shuffled);
        Collections.swap(shuffled, 2, 9);
        shuffled.sort(JsonbOrder::compare);
        assertEquals(expected, shuffled);
    }

    @Test
    void numbersCompareNumerically() {
        assertTrue(cmp("80", "100") < 0);
        assertTrue(cmp("10", "9") > 0);
        assertEquals(0, cmp("1.0", "1"));
        assertEquals(0, cmp("1e2", "100"));
        assertTrue(cmp("0.12", "0.123") < 0);
        assertTrue(cmp("-0.12", "-0.123") > 0);
        assertTrue(cmp("-100", "-80") < 0);
        assertTrue(cmp("-1", "0") < 0 && cmp("0", "0.0001") < 0);
        assertTrue(cmp("123456789012345678901234567890", "1e29") > 0);
    }

    @Test
    void typesOrderAndTopLevelArrays() {
        assertTrue(cmp("true", "1") > 0);
        assertTrue(cmp("1", "\"a\"") > 0);
        assertTrue(cmp("\"a\"", "null") > 0);
        assertTrue(cmp("[]", "null") < 0, "an empty top-level array sorts below every scalar");
        assertTrue(cmp("[1]", "5") > 0);
        assertTrue(cmp("[1,2]", "\"x\"") > 0);
        assertTrue(cmp("{}", "[1,2,3]") > 0);
        assertTrue(cmp("[[]]", "[1]") > 0, "a nested array is above a number");
        assertTrue(cmp("[1,[2]]", "[1,3]") > 0);
        assertTrue(cmp("[1,\"a\"]", "[1,2]") < 0);
        assertTrue(cmp("[{}]", "[[1,2]]") > 0);
    }

    @Test
    void objectsByPairCountThenPairsInKeyOrder() {
        assertEquals(0, cmp("{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}"));
        assertEquals(0, cmp("{\"a\":1,\"a\":2}", "{\"a\":2}"), "a repeated key keeps its last value");
        assertTrue(cmp("{\"a\":1,\"b\":2}", "{\"c\":1}") > 0);
        assertTrue(cmp("{\"aa\":1}", "{\"b\":1}") < 0);
        assertTrue(cmp("{\"b\":1}", "{\"a\":5}") > 0);
        assertTrue(cmp("\"b\"", "\"abc\"") > 0);
    }
}
