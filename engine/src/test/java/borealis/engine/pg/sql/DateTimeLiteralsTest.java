package borealis.engine.pg.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.engine.pg.PgException;
import borealis.engine.pg.types.DateOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Date/time literals in statements read under the session's DateStyle order, and which translations may be cached. */
class DateTimeLiteralsTest {

    /** A session whose DateStyle has {@code order}, with a table d (a date, b timestamp). */
    private static ColumnLookup session(DateOrder order) {
        return new ColumnLookup() {
            @Override
            public List<String> columns(String table) {
                return List.of("a", "b");
            }

            @Override
            public Map<String, String> columnTypes(String table) {
                return new java.util.LinkedHashMap<>(Map.of("a", "DATE", "b", "TIMESTAMP"));
            }

            @Override
            public DateOrder dateOrder() {
                return order;
            }
        };
    }

    @Test
    void typedLiteralsCastsAndAssignedLiteralsFollowTheOrder() {
        assertTrue(SqlTranslator.translateUncached("select date '01/02/03'", session(DateOrder.MDY)).engineSql()
                .contains("DATE '2003-01-02'"));
        assertTrue(SqlTranslator.translateUncached("select '01/02/03'::date", session(DateOrder.DMY)).engineSql()
                .contains("DATE '2003-02-01'"));
        assertTrue(SqlTranslator.translateUncached("select cast('01/02/03' as timestamp)", session(DateOrder.YMD)).engineSql()
                .contains("TIMESTAMP '2001-02-03 00:00:00'"));
        assertTrue(SqlTranslator.translateUncached("select date 'January 8, 1999'", session(DateOrder.MDY)).engineSql()
                .contains("DATE '1999-01-08'"));
        String insert = SqlTranslator.translateUncached("insert into d (a, b) values ('8/1/1999', 'Jan 8 04:05:06 1999 PST')",
                session(DateOrder.DMY)).engineSql();
        assertTrue(insert.contains("DATE '1999-01-08'") && insert.contains("TIMESTAMP '1999-01-08 04:05:06'"), insert);
        // An infinity as a column default: rewritten once, then left alone by the typed-literal rule.
        String ddl = SqlTranslator.translateUncached("create table dt_inf(id int primary key, d date default 'infinity', ts timestamp)",
                session(DateOrder.MDY)).engineSql();
        assertTrue(ddl.contains("DATE '999999999-12-31'"), ddl);
    }

    @Test
    void errorsAreThoseOfPostgreSql() {
        PgException e = assertThrows(PgException.class,
                () -> SqlTranslator.translateUncached("select date '1/18/1999'", session(DateOrder.YMD)));
        assertEquals("22008", e.error.sqlState());
        assertEquals("date/time field value out of range: \"1/18/1999\"", e.error.message());
        assertEquals("Perhaps you need a different \"datestyle\" setting.", e.error.hint());
        e = assertThrows(PgException.class, () -> SqlTranslator.translateUncached("select 'garbage'::timestamp", null));
        assertEquals("22007", e.error.sqlState());
        assertEquals("invalid input syntax for type timestamp: \"garbage\"", e.error.message());
    }

    @Test
    void aTranslationTheOrderDecidedIsNotCached() {
        assertFalse(SqlTranslator.translateUncached("select date '01/02/03'", session(DateOrder.MDY)).cacheable());
        assertTrue(SqlTranslator.translateUncached("select date '1999-Jan-08'", session(DateOrder.MDY)).cacheable());
        Translation mdy = SqlTranslator.translate("select date '03/04/05' as d", session(DateOrder.MDY));
        Translation ymd = SqlTranslator.translate("select date '03/04/05' as d", session(DateOrder.YMD));
        assertNotSame(mdy, ymd);
        assertTrue(ymd.engineSql().contains("DATE '2003-04-05'"), ymd.engineSql());
        Translation iso = SqlTranslator.translate("select date '2005-03-04 BC' as d", session(DateOrder.MDY));
        assertSame(iso, SqlTranslator.translate("select date '2005-03-04 BC' as d", session(DateOrder.YMD)));
    }
}
