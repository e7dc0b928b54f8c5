package borealis.engine.pg.sql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The parameter types PostgreSQL 15 describes for these statements (checked with psql's \gdesc and pgwire-trace). */
class ParameterHintsTest {

    @Test
    void castsNameTheType() {
        assertArrayEquals(new int[] {23}, ParameterHints.of("select $1::int", 1));
        assertArrayEquals(new int[] {20, 1700}, ParameterHints.of("select CAST($1 AS bigint), $2::numeric(12, 4)", 2));
        assertArrayEquals(new int[] {701}, ParameterHints.of("select $1::double precision", 1));
        assertArrayEquals(new int[] {1184}, ParameterHints.of("select $1::timestamp with time zone", 1));
        assertArrayEquals(new int[] {1266}, ParameterHints.of("select $1::time(3) with time zone", 1));
        assertArrayEquals(new int[] {1043}, ParameterHints.of("select $1::character varying(20)", 1));
        assertArrayEquals(new int[] {1007, 1009}, ParameterHints.of("select $1::int[], $2::pg_catalog.text[]", 2));
        assertArrayEquals(new int[] {3802}, ParameterHints.of("select $1::jsonb", 1));
    }

    @Test
    void aParenthesizedParameterIsCastToo() {
        // Django's bulk insert: INSERT ... SELECT * FROM UNNEST((%s)::varchar[], (%s)::integer[])
        assertArrayEquals(new int[] {1015, 1007}, ParameterHints.of("select * from unnest(($1)::varchar[], (($2))::integer[])", 2));
        assertArrayEquals(new int[] {23}, ParameterHints.of("select * from t where ($1)::int > 3", 1));
        // f($1)::int casts what f returns, not the parameter
        assertArrayEquals(new int[] {0}, ParameterHints.of("select lower($1)::int", 1));
    }

    @Test
    void limitAndOffsetAreBigint() {
        assertArrayEquals(new int[] {20, 20}, ParameterHints.of("select * from t limit $1 offset $2", 2));
        assertArrayEquals(new int[] {20}, ParameterHints.of("select * from t fetch first $1 rows only", 1));
    }

    @Test
    void theFirstUseDecidesAndUnknownTypesStayOpen() {
        assertArrayEquals(new int[] {0, 0}, ParameterHints.of("select * from t where a = $1 and b = $2::mood", 2));
        assertArrayEquals(new int[] {0}, ParameterHints.of("select '$1::int', $1", 1));
    }

    @Test
    void anyProbeComparesTheParameterDirectly() {
        assertEquals("select count(*) from t where v = $1", ParameterHints.anyProbe("select count(*) from t where v = any($1)", 1));
        assertEquals("delete from t where id <> $2", ParameterHints.anyProbe("delete from t where id <> ALL ( $2 )", 2));
        assertNull(ParameterHints.anyProbe("select * from t where v = $1", 1));
    }

    @Test
    void valuesAndSetAssignmentsTakeTheColumnsType() {
        assertArrayEquals(new boolean[] {true, true, false}, ParameterHints.assigned(
                "insert into t(a, b) values ($1, $2) on conflict (a) do update set b = t.b || $3", 3));
        assertArrayEquals(new boolean[] {true, false, false}, ParameterHints.assigned("update t set a = $1 where b = $2 and c = $3", 3));
        assertArrayEquals(new boolean[] {false}, ParameterHints.assigned("select * from t where a = $1", 1));
        assertArrayEquals(new boolean[] {false, true}, ParameterHints.assigned("insert into t values ($1 + 1, $2)", 2));
    }

    @Test
    void returningIsCutAtTheTopLevelOnly() {
        assertEquals("insert into t(a) values ($1) ", ParameterHints.withoutReturning("insert into t(a) values ($1) returning a"));
        assertNull(ParameterHints.withoutReturning("select (select 1) as returning_x"));
    }
}
