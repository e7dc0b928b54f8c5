package borealis.engine.pg.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** array_remove, array_replace, array_fill and date_bin become SQL that keeps their arguments' types. */
class ArrayCallsTest {

    private static String h2(String sql) {
        return SqlTranslator.translateUncached(sql, table -> List.of("id", "v")).engineSql();
    }

    @Test
    void arrayRemoveAndReplacePickTheArgumentsOwnElements() {
        String remove = h2("select array_remove(v, $1) from t");
        assertTrue(remove.contains("ARRAY(SELECT (v)[k.p] FROM UNNEST(array_remove_keep((v), (?1))) WITH ORDINALITY AS k(p, o) ORDER BY k.o)"),
                remove);
        String replace = h2("select array_replace(array[1,2,5,4], 5, 3)");
        assertTrue(replace.contains("THEN (3) ELSE (array[1,2,5,4])[k.o] END FROM UNNEST(array_replace_hits("), replace);
    }

    @Test
    void arrayFillNestsOneSubqueryPerListedDimension() {
        String two = h2("select array_fill(7, array[3,3])");
        assertEquals(2, two.split("ARRAY\\(SELECT", -1).length - 1, two);
        assertTrue(two.contains("array_fill_length((array[3,3]), NULL, FALSE, 2, 2)"), two);
        String untyped = h2("select array_fill(42, '{}', '{}')");
        assertTrue(untyped.contains("array_fill_length(('{}'), ('{}'), TRUE, 1, 1)"), untyped);
    }

    @Test
    void dateBinAddsTheOffsetToTheOrigin() {
        String bin = h2("select date_bin('5 min'::interval, ts, $1) from t");
        assertTrue(bin.contains("((?1) + date_bin_offset("), bin);
        assertTrue(h2("select date_bin(a, b) from t").contains("date_bin(a, b)"), "not PostgreSQL's three arguments: left to fail");
    }
}
