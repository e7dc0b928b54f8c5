package borealis.engine.pg.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Statements that differ only in integer literals share a translation, and get exactly their own. */
class LiteralShapesTest {

    private static final List<String> PGBENCH = List.of(
            "UPDATE pgbench_accounts SET abalance = abalance + -4321 WHERE aid = 56789;",
            "SELECT abalance FROM pgbench_accounts WHERE aid = 56789;",
            "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (37, 4, 56789, -4321, CURRENT_TIMESTAMP);",
            "select id, name from emp where id in (12, 13, 2147483648) order by 2 limit 21 offset 40");

    private static Translation own(String sql) {
        return SqlTranslator.translateUncached(sql, null);
    }

    @Test
    void literalsWhoseValueATranslationMayReadStayInTheShape() {
        LiteralShapes.Shape s = LiteralShapes.shape(PGBENCH.get(3));
        assertEquals(List.of("12", "13", "2147483648"), s.literals());
        assertEquals("select id, name from emp where id in (\u00004, \u00004, \u00008) order by 2 limit 21 offset 40", s.key());
        assertEquals(List.of("5"), LiteralShapes.shape("select a from t where a = 5 and b = 1 and c = 0 group by a, 7").literals());
        assertNull(LiteralShapes.shape("create table t (a varchar(20), b numeric(10, 2))"));
        assertNull(LiteralShapes.shape("select 'no 12 integers', 1.5, x12 from t"));
        assertEquals(LiteralShapes.shape(PGBENCH.get(0)).key(),
                LiteralShapes.shape("UPDATE pgbench_accounts SET abalance = abalance + -17 WHERE aid = 3;").key());
    }

    @Test
    void aSharedShapeGivesEachStatementItsOwnTranslation() {
        for (String sql : PGBENCH) {
            LiteralShapes.Shape shape = LiteralShapes.shape(sql);
            LiteralShapes.Template template = LiteralShapes.template(shape, sql, own(sql), LiteralShapesTest::own);
            assertNotSame(LiteralShapes.NOT_SHARED, template, sql);
            String other = sql.replace("56789", "98765").replace("4321", "1234").replace("37", "99").replace("12", "31");
            assertEquals(own(other), LiteralShapes.fill(template, LiteralShapes.shape(other)), other);
        }
        // through the translator's caches
        assertEquals(own("SELECT abalance FROM pgbench_accounts WHERE aid = 42"),
                SqlTranslator.translate("SELECT abalance FROM pgbench_accounts WHERE aid = 42", null));
    }

    /** A translation that reads a literal's value is not shared. */
    @Test
    void aTranslationThatReadsTheValueIsNotShared() {
        // a LATERAL subquery's LIMIT 1 is rewritten differently from other limits; here the count is
        // no LIMIT's (it follows a parenthesis), so it is in no shape's key, and the template must fail
        String sql = "select * from t, lateral (select b from u where u.a = t.a order by b limit (3)) x";
        LiteralShapes.Shape shape = LiteralShapes.shape(sql);
        if (shape != null) {
            Translation own;
            try {
                own = own(sql);
            } catch (RuntimeException e) {
                return; // not translated at all: nothing to share
            }
            LiteralShapes.Template template = LiteralShapes.template(shape, sql, own, LiteralShapesTest::own);
            if (template != LiteralShapes.NOT_SHARED) {
                assertEquals(own.engineSql(), LiteralShapes.fill(template, shape).engineSql());
            }
        }
        // a translation that fails for the sentinels is not shared: the statement's own stands
        assertSame(LiteralShapes.NOT_SHARED, LiteralShapes.template(LiteralShapes.shape("select 5"), "select 5", own("select 5"),
                text -> { throw new IllegalStateException("no"); }));
    }

    /**
     * Every statement of the differential corpus with shareable literals, with its literals replaced
     * by other values of the same range: the shared translation equals its own.
     */
    @Test
    void theDifferentialCorpusTranslatesAlikeWithOtherIntegers() throws Exception {
        String corpus = Files.readString(Path.of("..", "actors", "src", "test", "resources", "pgcompat", "differential.sql"));
        Random random = new Random(7);
        int shared = 0;
        int compared = 0;
        for (String sql : SqlLexer.split(corpus)) {
            LiteralShapes.Shape shape = LiteralShapes.shape(sql);
            if (shape == null) {
                continue;
            }
            Translation own;
            try {
                own = own(sql);
            } catch (RuntimeException e) {
                continue;
            }
            LiteralShapes.Template template = LiteralShapes.template(shape, sql, own, LiteralShapesTest::own);
            if (template == LiteralShapes.NOT_SHARED) {
                continue;
            }
            shared++;
            for (int round = 0; round < 3; round++) {
                String other = withOtherLiterals(sql, shape, random);
                Translation expected;
                try {
                    expected = own(other);
                } catch (RuntimeException e) {
                    continue;
                }
                assertEquals(expected.engineSql(), LiteralShapes.fill(template, LiteralShapes.shape(other)).engineSql(), other);
                compared++;
            }
        }
        assertTrue(shared > 100 && compared > 300, shared + " shared, " + compared + " compared");
    }

    private static String withOtherLiterals(String sql, LiteralShapes.Shape shape, Random random) {
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 0; i < shape.literals().size(); i++) {
            int[] span = shape.spans().get(i);
            boolean int4 = shape.key().split("\u0000", -1)[i + 1].charAt(0) == '4';
            long v = int4 ? 2 + random.nextInt(Integer.MAX_VALUE - 2) : Integer.MAX_VALUE + 1L + (random.nextLong() & Long.MAX_VALUE) % 900_000_000_000_000_000L;
            out.append(sql, copied, span[0]).append(v);
            copied = span[1];
        }
        return out.append(sql, copied, sql.length()).toString();
    }
}
