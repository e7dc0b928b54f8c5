package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Binary parameters are the client's bytes: dimension counts, element counts, element lengths
 * and widths inside them are checked against PostgreSQL's bounds and against the bytes they came
 * in, before anything is allocated for them.
 */
class BinaryValuesLimitsTest {

    private static final int INT4 = PgType.INT4.oid;

    /** ndim, flags, element oid, then (size, lower bound) per dimension, then {@code tail} bytes. */
    private static byte[] array(int ndim, int flags, int[] sizes, byte[] tail) {
        ByteBuffer b = ByteBuffer.allocate(12 + 8 * sizes.length + tail.length);
        b.putInt(ndim).putInt(flags).putInt(INT4);
        for (int s : sizes) {
            b.putInt(s).putInt(1);
        }
        return b.put(tail).array();
    }

    private static SQLException refused(byte[] bytes) {
        return assertThrows(SQLException.class, () -> BinaryValues.array(bytes, "bind parameter 1"));
    }

    private static void assertError(SQLException e, String state, String... parts) {
        assertEquals(state, e.getSQLState(), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void dimensionsAreBoundedByMaxdim() {
        assertError(refused(array(7, 0, new int[0], new byte[0])), "54000", "number of array dimensions (7) exceeds the maximum allowed (6)");
        assertError(refused(array(Integer.MAX_VALUE, 0, new int[0], new byte[0])), "54000", "exceeds the maximum allowed (6)");
        assertError(refused(array(-1, 0, new int[0], new byte[0])), "22P03", "invalid number of dimensions: -1 (expected: 0..6)");
        // Six dimensions announced, none present.
        assertError(refused(array(6, 0, new int[0], new byte[0])), "22P03", "6 dimensions", "needs 48 bytes but 0 are left");
    }

    @Test
    void elementCountsMustFitTheBytesTheArrayCameIn() {
        // 2^31-1 elements announced in a 12-byte tail: at most 3 (4 bytes each at least) fit.
        assertError(refused(array(1, 0, new int[] {Integer.MAX_VALUE}, new byte[12])), "22P03", "announces 2147483647",
                "(expected: <= 3 in its 12 bytes)");
        // The product of the dimensions, checked as it grows (65536 × 65536 overflows an int).
        assertError(refused(array(2, 0, new int[] {65536, 65536}, new byte[8])), "22P03", "(expected: <= 2");
        assertError(refused(array(1, 0, new int[] {-5}, new byte[0])), "54000", "dimension 1 has -5 elements");
        assertError(refused(array(1, 7, new int[] {1}, new byte[0])), "22P03", "invalid array flags: 7 (expected: 0 or 1)");
    }

    @Test
    void elementLengthsMustFitTheBytesLeft() {
        for (int len : new int[] {-2, Integer.MIN_VALUE, Integer.MAX_VALUE, 5}) {
            byte[] tail = ByteBuffer.allocate(8).putInt(len).putInt(0).array();
            assertError(refused(array(1, 0, new int[] {1}, tail)), "22P03", "array element 1 of bind parameter 1 has length " + len,
                    "(expected: -1 or 0..4)");
        }
        // An int4 element of 2 bytes is not an int4.
        byte[] shortElement = ByteBuffer.allocate(6).putInt(2).putShort((short) 7).array();
        assertError(refused(array(1, 0, new int[] {1}, shortElement)), "22P03", "2 bytes for type int4 (expected: 4)");
        // Bytes after the last element.
        byte[] trailing = ByteBuffer.allocate(9).putInt(4).putInt(42).put((byte) 0).array();
        assertError(refused(array(1, 0, new int[] {1}, trailing)), "22P03", "1 bytes after the last array element");
    }

    @Test
    void wellFormedArraysStillDecode() throws SQLException {
        byte[] tail = ByteBuffer.allocate(12).putInt(4).putInt(42).putInt(-1).array();
        assertArrayEquals(new Object[] {42, null}, BinaryValues.array(array(1, 1, new int[] {2}, tail), "bind parameter 1"));
        assertArrayEquals(new Object[0], BinaryValues.array(array(0, 0, new int[0], new byte[0]), "bind parameter 1"));
        // two dimensions, {{1,2},{3,NULL}}: nested in row-major order
        byte[] four = ByteBuffer.allocate(28).putInt(4).putInt(1).putInt(4).putInt(2).putInt(4).putInt(3).putInt(-1).array();
        assertArrayEquals(new Object[] {new Object[] {1, 2}, new Object[] {3, null}},
                BinaryValues.array(array(2, 1, new int[] {2, 2}, four), "bind parameter 1"));
    }

    @Test
    void scalarsHaveTheirWidthAndNumericsTheirDigits() throws SQLException {
        for (PgType t : new PgType[] {PgType.BOOL, PgType.INT2, PgType.INT4, PgType.INT8, PgType.FLOAT8, PgType.DATE, PgType.TIMESTAMP,
            PgType.UUID}) {
            SQLException e = assertThrows(SQLException.class, () -> BinaryValues.scalar(t, new byte[0], "bind parameter 3"));
            assertError(e, "22P03", "incorrect binary data format in bind parameter 3: 0 bytes for type " + t.typname);
        }
        // numeric: 32767 digits announced in 2 bytes; a display scale beyond 14 bits; a digit beyond 9999.
        assertError(assertThrows(SQLException.class, () -> BinaryValues.numeric(numeric(32767, 0, 0, 1), "p")), "22P03",
                "invalid length in external \"numeric\" value: 32767 digits in 2 bytes");
        assertError(assertThrows(SQLException.class, () -> BinaryValues.numeric(numeric(1, 0, -1, 1), "p")), "22P03",
                "invalid scale in external \"numeric\" value: -1");
        assertError(assertThrows(SQLException.class, () -> BinaryValues.numeric(numeric(1, 0, 0, 10000), "p")), "22P03",
                "invalid digit in external \"numeric\" value: 10000");
        assertEquals(new BigDecimal("1234"), BinaryValues.numeric(numeric(1, 0, 0, 1234), "p"));
        assertEquals(new BigDecimal("12.34"), BinaryValues.numeric(BinaryForms.numericBinary(new BigDecimal("12.34")), "p"));
    }

    private static byte[] numeric(int ndigits, int weight, int dscale, int digit) {
        return ByteBuffer.allocate(10).putShort((short) ndigits).putShort((short) weight).putShort((short) 0).putShort((short) dscale)
                .putShort((short) digit).array();
    }
}
