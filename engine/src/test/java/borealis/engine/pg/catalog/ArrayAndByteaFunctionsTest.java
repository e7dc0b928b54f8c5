package borealis.engine.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.HexFormat;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueInteger;
import org.h2.value.ValueNull;
import org.h2.value.ValueNumeric;
import org.h2.value.ValueVarchar;
import org.junit.jupiter.api.Test;

/** Array and bytea functions against PostgreSQL 15's answers (psql 15.18, 2026-12-06). */
class ArrayAndByteaFunctionsTest {

    private static Value ints(Integer... v) {
        Value[] e = new Value[v.length];
        for (int i = 0; i < v.length; i++) {
            e[i] = v[i] == null ? ValueNull.INSTANCE : ValueInteger.get(v[i]);
        }
        return ValueArray.get(e, null);
    }

    private static void fails(String state, String message, org.junit.jupiter.api.function.Executable call) {
        SQLException e = assertThrows(SQLException.class, call);
        assertEquals(state, e.getSQLState());
        assertEquals(message, e.getMessage());
    }

    @Test
    void positionsRemovalsAndReplacements() throws SQLException {
        // array_positions(ARRAY[1,2,3,NULL,5,6,1,2,3,NULL,5,6], NULL) = {4,10}; ARRAY[1,2,3,4,5,6,1,2,3,4,5,6], NULL = {}
        assertArrayEquals(new Integer[] {4, 10}, ArrayFunctions.array_positions(ints(1, 2, 3, null, 5, 6, 1, 2, 3, null, 5, 6), ValueNull.INSTANCE));
        assertArrayEquals(new Integer[] {}, ArrayFunctions.array_positions(ints(1, 2, 3), ValueNull.INSTANCE));
        assertArrayEquals(new Integer[] {4, 10}, ArrayFunctions.array_positions(ints(1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6), ValueInteger.get(4)));
        assertNull(ArrayFunctions.array_positions(ValueNull.INSTANCE, ValueInteger.get(10)));
        fails("0A000", "searching for elements in multidimensional arrays is not supported",
                () -> ArrayFunctions.array_positions(ValueArray.get(new Value[] {ints(1, 2), ints(3, 4)}, null), ValueInteger.get(4)));
        // array_remove(array[1,2,2,3], 2) = {1,3}; array[1,NULL,NULL,3], NULL = {1,3}; array[1.0, 2.1, 3.3], 1 = {2.1,3.3}
        assertArrayEquals(new Integer[] {1, 4}, ArrayFunctions.array_remove_keep(ints(1, 2, 2, 3), ValueInteger.get(2)));
        assertArrayEquals(new Integer[] {1, 4}, ArrayFunctions.array_remove_keep(ints(1, null, null, 3), ValueNull.INSTANCE));
        Value decimals = ValueArray.get(new Value[] {ValueNumeric.get(new BigDecimal("1.0")), ValueNumeric.get(new BigDecimal("2.1")),
            ValueNumeric.get(new BigDecimal("3.3"))}, null);
        assertArrayEquals(new Integer[] {2, 3}, ArrayFunctions.array_remove_keep(decimals, ValueInteger.get(1)));
        fails("0A000", "removing elements from multidimensional arrays is not supported",
                () -> ArrayFunctions.array_remove_keep(ValueArray.get(new Value[] {ints(1, 2, 2), ints(1, 4, 3)}, null), ValueInteger.get(2)));
        // array_replace(array[1,2,NULL,4,NULL],NULL,5) = {1,2,5,4,5}
        assertArrayEquals(new Boolean[] {false, false, true, false, true},
                ArrayFunctions.array_replace_hits(ints(1, 2, null, 4, null), ValueNull.INSTANCE));
        assertArrayEquals(new Boolean[] {false, true, false, true}, ArrayFunctions.array_replace_hits(
                ValueArray.get(new Value[] {ValueVarchar.get("A"), ValueVarchar.get("B"), ValueVarchar.get("DD"), ValueVarchar.get("B")}, null),
                ValueVarchar.get("B")));
    }

    @Test
    void arrayFillDimensionsAndRefusals() throws SQLException {
        assertEquals(3, ArrayFunctions.array_fill_length(ints(3, 2), null, false, 1, 2));
        assertEquals(2, ArrayFunctions.array_fill_length(ints(3, 2), null, false, 2, 2));
        // array_fill(42, array[0]) and array_fill(42, '{}', '{}') are '{}'
        assertEquals(0, ArrayFunctions.array_fill_length(ints(0), null, false, 1, 1));
        assertEquals(0, ArrayFunctions.array_fill_length(ValueVarchar.get("{}"), ValueVarchar.get("{}"), true, 1, 1));
        fails("22004", "dimension array or low bound array cannot be null",
                () -> ArrayFunctions.array_fill_length(ValueNull.INSTANCE, ints(2, 2), true, 1, 1));
        fails("22004", "dimension array or low bound array cannot be null",
                () -> ArrayFunctions.array_fill_length(ints(2, 2), ValueNull.INSTANCE, true, 1, 2));
        fails("2202E", "wrong number of array subscripts", () -> ArrayFunctions.array_fill_length(ints(2, 2), ValueVarchar.get("{}"), true, 1, 2));
        fails("2202E", "wrong number of array subscripts", () -> ArrayFunctions.array_fill_length(ints(3, 3), ints(1, 1, 1), true, 1, 2));
        fails("22004", "dimension values cannot be null", () -> ArrayFunctions.array_fill_length(ints(1, 2, null), null, false, 1, 3));
        fails("2202E", "wrong number of array subscripts",
                () -> ArrayFunctions.array_fill_length(ValueArray.get(new Value[] {ints(1, 2), ints(3, 4)}, null), null, false, 1, 2));
    }

    @Test
    void digestsAndBits() throws Exception {
        byte[] fox = "The quick brown fox jumps over the lazy dog.".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HexFormat hex = HexFormat.of();
        assertEquals("619cba8e8e05826e9b8c519c0a5c68f4fb653e8a3d8aa04bb2c8cd4c", hex.formatHex(ByteaFunctions.sha224(fox)));
        assertEquals("ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c", hex.formatHex(ByteaFunctions.sha256(fox)));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex.formatHex(ByteaFunctions.sha256(new byte[0])));
        byte[] b = hex.parseHex("1234567890abcdef00");
        assertEquals(1, ByteaFunctions.get_bit(b, 43L));
        assertEquals("1234567890a3cdef00", hex.formatHex(ByteaFunctions.set_bit(b, 43L, 0)));
        assertEquals(120, ByteaFunctions.get_byte(b, 3));
        assertEquals("1234567890abcd0b00", hex.formatHex(ByteaFunctions.set_byte(b, 7, 11)));
        assertEquals(15L, ByteaFunctions.bit_count(hex.parseHex("1234567890")));
        fails("2202E", "index 99 out of valid range, 0..71", () -> ByteaFunctions.get_bit(b, 99L));
        fails("2202E", "index 99 out of valid range, 0..71", () -> ByteaFunctions.set_bit(b, 99L, 0));
        fails("2202E", "index 99 out of valid range, 0..8", () -> ByteaFunctions.set_byte(b, 99, 11));
    }
}
