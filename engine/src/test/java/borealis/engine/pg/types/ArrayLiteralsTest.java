package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** PostgreSQL's array text form read as array_in reads it, and arrays written as array_send writes them. */
class ArrayLiteralsTest {

    @Test
    void nestedArraysAreReadByDimension() {
        Object[] a = ArrayLiterals.parse("{{1,2},{3,NULL}}");
        assertArrayEquals(new Object[] {new Object[] {"1", "2"}, new Object[] {"3", null}}, a);
        assertArrayEquals(new Object[] {"a b", null, "NULL", "x\"y", "", "é"}, ArrayLiterals.parse(" { \"a b\" , NULL,\"NULL\", x\\\"y,\"\",é } "));
        assertArrayEquals(new Object[] {"1", "2"}, ArrayLiterals.parse("[1:2]={1,2}"));
        assertArrayEquals(new Object[0], ArrayLiterals.parse("{}"));
    }

    @Test
    void malformedLiteralsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ArrayLiterals.parse("{{1,2},{3}}")); // sub-arrays must match
        assertThrows(IllegalArgumentException.class, () -> ArrayLiterals.parse("{{1},2}"));
        assertThrows(IllegalArgumentException.class, () -> ArrayLiterals.parse("{1,2"));
        assertThrows(IllegalArgumentException.class, () -> ArrayLiterals.parse("{1,,2}"));
        assertThrows(IllegalArgumentException.class, () -> ArrayLiterals.parse("1,2"));
    }

    @Test
    void floatElementsAcceptPostgresSpellingsOfInfinityAndNaN() throws Exception {
        Object[] f = PgArrays.fromText("{inf,-Infinity,NaN,+INF,1.5}", PgType.FLOAT8);
        assertArrayEquals(new Object[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.POSITIVE_INFINITY, 1.5}, f);
        assertEquals("{Infinity,-Infinity,NaN}", PgArrays.text(new Object[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.NaN}, PgType.FLOAT4));
        assertThrows(java.sql.SQLException.class, () -> PgArrays.fromText("{infinite}", PgType.FLOAT4));
    }

    @Test
    void binaryArraysCarryEveryDimensionAndTheElementsBinaryForm() {
        ByteBuffer b = ByteBuffer.wrap(PgArrays.binary(new Object[] {new Object[] {1, 2}, new Object[] {3, null}}, PgType.INT4));
        assertEquals(2, b.getInt()); // ndim
        assertEquals(1, b.getInt()); // has nulls
        assertEquals(PgType.INT4.oid, b.getInt());
        assertEquals(2, b.getInt());
        assertEquals(1, b.getInt());
        assertEquals(2, b.getInt());
        assertEquals(1, b.getInt());
        int[] lengths = new int[4];
        for (int i = 0; i < 4; i++) {
            lengths[i] = b.getInt();
            b.position(b.position() + Math.max(lengths[i], 0));
        }
        assertArrayEquals(new int[] {4, 4, 4, -1}, lengths);
        ByteBuffer d = ByteBuffer.wrap(PgArrays.binary(new Object[] {LocalDate.of(2000, 1, 2)}, PgType.DATE));
        d.position(20);
        assertEquals(4, d.getInt());
        assertEquals(1, d.getInt()); // days since 2000-01-01, not the date's text
    }
}
