package borealis.engine.insights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TopSqlTest {

    @Test
    void literalsAreRemovedAndListsCollapse() {
        assertEquals("SELECT * FROM t WHERE id = ? AND name = ?", StatementDigest.of("select *  from t where id = 42 and name = 'x'' y'"));
        assertEquals("SELECT * FROM t WHERE id IN (?)", StatementDigest.of("SELECT * FROM t WHERE id IN (1, 2, 3)"));
        assertEquals(StatementDigest.of("select * from t where id in (1)"), StatementDigest.of("select * from t where id in (4,5,6,7)"));
        assertEquals("UPDATE accounts SET balance = balance + $1 WHERE aid = $2",
                StatementDigest.of("update accounts set balance = balance + $1 where aid = $2 -- comment"));
        assertEquals("SELECT count(*) FROM t", StatementDigest.of("SELECT count(*) FROM t /* note */"));
    }

    @Test
    void ranksByTimeCallsAndRowsWithinTheWindow() {
        AtomicLong now = new AtomicLong(0);
        TopSql top = new TopSql(5, now::get);
        for (int i = 0; i < 10; i++) {
            top.record("select * from small where id = " + i, 1_000_000, 1, false);
        }
        top.record("select * from big", 2_000_000_000L, 5000, false);
        top.record("select * from bad", 1000, 0, true);
        List<TopSql.Entry> byTime = top.top(TopSql.Order.TIME, 10);
        assertEquals("SELECT * FROM big", byTime.get(0).statement());
        assertEquals(2.0, byTime.get(0).totalSeconds(), 1e-9);
        assertEquals("SELECT * FROM small WHERE id = ?", top.top(TopSql.Order.CALLS, 1).get(0).statement());
        assertEquals(10, top.top(TopSql.Order.CALLS, 1).get(0).calls());
        assertEquals(5000, top.top(TopSql.Order.ROWS, 1).get(0).rows());
        assertEquals(1, top.top(TopSql.Order.TIME, 10).stream().filter(e -> e.statement().contains("bad")).findFirst().orElseThrow().errors());

        // Six minutes later the window no longer holds any of it.
        now.addAndGet(6 * 60_000_000_000L);
        top.record("select 1", 1000, 1, false);
        assertEquals(List.of("SELECT ?"), top.top(TopSql.Order.TIME, 10).stream().map(TopSql.Entry::statement).toList());
    }

    @Test
    void distinctStatementsAreBounded() {
        TopSql top = new TopSql(5);
        for (int i = 0; i < TopSql.MAX_DIGESTS_PER_BUCKET + 100; i++) {
            top.record("select c" + i + " from t", 1000, 1, false);
        }
        List<TopSql.Entry> all = top.top(TopSql.Order.CALLS, 10_000);
        assertEquals(TopSql.MAX_DIGESTS_PER_BUCKET + 1, all.size());
        assertEquals(TopSql.OTHER, all.get(0).statement());
        assertEquals(100, all.get(0).calls());
    }
}
