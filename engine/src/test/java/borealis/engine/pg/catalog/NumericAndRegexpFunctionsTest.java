package borealis.engine.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.sql.SQLException;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueBigint;
import org.h2.value.ValueDouble;
import org.h2.value.ValueInteger;
import org.h2.value.ValueNull;
import org.h2.value.ValueNumeric;
import org.h2.value.ValueVarchar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** gcd, lcm, scale, width_bucket, to_number and the regexp functions against PostgreSQL 15's answers (psql, 2026-12-06). */
class NumericAndRegexpFunctionsTest {

    private static Value n(String s) {
        return ValueNumeric.get(new BigDecimal(s));
    }

    private static void fails(String state, String message, Executable call) {
        SQLException e = assertThrows(SQLException.class, call);
        assertEquals(state, e.getSQLState());
        assertEquals(message, e.getMessage());
    }

    @Test
    void gcdAndLcmAsPostgreSql() throws SQLException {
        assertEquals("1466", NumericFunctions.gcd(ValueInteger.get(61866666), ValueInteger.get(6410818)).toPlainString());
        assertEquals("2310", NumericFunctions.lcm(ValueInteger.get(330), ValueInteger.get(42)).toPlainString());
        assertEquals("6", NumericFunctions.gcd(ValueBigint.get(-12), ValueBigint.get(18)).toPlainString());
        assertEquals("0.75", NumericFunctions.gcd(n("1.5"), n("2.25")).toPlainString());
        assertEquals("4.50", NumericFunctions.lcm(n("1.5"), n("2.25")).toPlainString());
        assertEquals("0.0", NumericFunctions.lcm(n("0.5"), n("0")).toPlainString());
        assertNull(NumericFunctions.gcd(ValueNull.INSTANCE, ValueInteger.get(1)));
        fails("22003", "integer out of range", () -> NumericFunctions.gcd(ValueInteger.get(Integer.MIN_VALUE), ValueInteger.get(0)));
        fails("22003", "integer out of range", () -> NumericFunctions.lcm(ValueInteger.get(2147483647), ValueInteger.get(2147483646)));
        fails("22003", "bigint out of range", () -> NumericFunctions.gcd(ValueBigint.get(Long.MIN_VALUE), ValueBigint.get(Long.MIN_VALUE)));
    }

    @Test
    void scalesAndFactorialAsPostgreSql() throws SQLException {
        assertEquals("110123.12475871856128", NumericFunctions.trim_scale(new BigDecimal("110123.12475871856128000")).toPlainString());
        assertEquals("0", NumericFunctions.trim_scale(new BigDecimal("0.00")).toPlainString());
        assertEquals(1, NumericFunctions.min_scale(new BigDecimal("1.1000")));
        assertEquals(15, NumericFunctions.scale(new BigDecimal("-13.000000000000000")));
        assertEquals("1307674368000", NumericFunctions.factorial(15L).toPlainString());
        fails("22003", "factorial of a negative number is undefined", () -> NumericFunctions.factorial(-4L));
        fails("22003", "value overflows numeric format", () -> NumericFunctions.factorial(100000L));
    }

    @Test
    void widthBucketAsPostgreSql() throws SQLException {
        assertEquals(3, NumericFunctions.width_bucket(n("5.35"), n("0.024"), n("10.06"), 5));
        assertEquals(3, NumericFunctions.width_bucket(ValueDouble.get(5.35), n("0.024"), n("10.06"), 5));
        assertEquals(6, NumericFunctions.width_bucket(n("-0.0000000001"), ValueInteger.get(10), ValueInteger.get(0), 5));
        assertEquals(2, NumericFunctions.width_bucket(ValueDouble.get(7), ValueInteger.get(10), ValueInteger.get(0), 5));
        Value thresholds = ValueArray.get(new Value[] {ValueInteger.get(1), ValueInteger.get(3), ValueInteger.get(5), ValueInteger.get(10)}, null);
        assertEquals(3, NumericFunctions.width_bucket(ValueInteger.get(5), thresholds));
        fails("2201G", "count must be greater than zero", () -> NumericFunctions.width_bucket(n("5.0"), n("3.0"), n("4.0"), 0));
        fails("2201G", "lower bound cannot equal upper bound", () -> NumericFunctions.width_bucket(n("3.5"), n("3.0"), n("3.0"), 888));
        fails("2201G", "lower and upper bounds must be finite",
                () -> NumericFunctions.width_bucket(ValueDouble.get(0), ValueDouble.get(Double.NEGATIVE_INFINITY), ValueDouble.get(4), 888));
        fails("22003", "integer out of range", () -> NumericFunctions.width_bucket(ValueInteger.get(10), ValueInteger.get(1),
                ValueInteger.get(10), Integer.MAX_VALUE));
        Value withNull = ValueArray.get(new Value[] {ValueInteger.get(3), ValueNull.INSTANCE}, null);
        fails("22004", "thresholds array must not contain NULLs", () -> NumericFunctions.width_bucket(ValueInteger.get(5), withNull));
        fails("42883", "function width_bucket(text, integer[]) does not exist",
                () -> NumericFunctions.width_bucket(ValueVarchar.get("5"), thresholds));
    }

    @Test
    void toNumberAsPostgreSql() throws SQLException {
        assertEquals("-34338492.654878", ToNumber.to_number("-34,338,492.654,878", "99G999G999D999G999").toPlainString());
        assertEquals("-564646.654564", ToNumber.to_number("<564646.654564>", "999999.999999PR").toPlainString());
        assertEquals("-0.00001", ToNumber.to_number("0.00001-", "9.999999S").toPlainString());
        assertEquals("-0.01", ToNumber.to_number(" . 0 1-", " 9 9 . 9 9 S").toPlainString());
        assertEquals("-0.01", ToNumber.to_number(".-01", "S99.99").toPlainString());
        assertEquals("544448.78", ToNumber.to_number("5 4 4 4 4 8 . 7 8", "9 9 9 9 9 9 . 9 9").toPlainString());
        assertEquals("1234.56", ToNumber.to_number("$1234.56", "L9,999.99").toPlainString());
        assertEquals("1234.56", ToNumber.to_number("1234.56", "L99,999.99").toPlainString());
        assertEquals("123456", ToNumber.to_number("123456", "999G999").toPlainString());
        assertEquals("123", ToNumber.to_number("123,000", "999G").toPlainString());
        assertEquals("3450", ToNumber.to_number("34,50", "999,99").toPlainString());
        assertEquals("0.0", ToNumber.to_number(".0", "99999999.99999999").toPlainString());
        assertEquals("0", ToNumber.to_number("0", "99.99").toPlainString());
        assertEquals("12", ToNumber.to_number("  12", "9999").toPlainString());
        assertEquals("42", ToNumber.to_number("42nd", "99th").toPlainString());
        fails("22P02", "invalid input syntax for type numeric: \" \"", () -> ToNumber.to_number("abc", "999"));
    }

    @Test
    void regexpFunctionsAsPostgreSql() throws SQLException {
        assertEquals(4, RegexpFunctions.regexp_instr("abcabcabc", "A.C", 1, 2, 0, "i"));
        assertEquals(9, RegexpFunctions.regexp_instr("1234567890", "(123)(4(56)(78))", 1, 1, 1, "i", 0));
        assertEquals(7, RegexpFunctions.regexp_instr("1234567890", "(123)(4(56)(78))", 1, 1, 1, "i", 3));
        assertEquals(0, RegexpFunctions.regexp_instr("1234567890", "(123)(4(56)(78))", 1, 1, 0, "i", 5));
        assertEquals(0, RegexpFunctions.regexp_instr("foo", "foo(bar)?", 1, 1, 0, "", 1));
        assertEquals(5, RegexpFunctions.regexp_count("123123123123123", "(12)3"));
        assertEquals(3, RegexpFunctions.regexp_count("123123123123", "123", 3));
        assertArrayEquals(new String[] {"t", "h", "e", "q", "u", "i", "c", "k", "b", "r", "o", "w", "n"},
                RegexpFunctions.regexp_split_to_array("the quick brown", "\\s*"));
        assertArrayEquals(new String[] {"", "23456"}, RegexpFunctions.regexp_split_to_array("123456", "1"));
        assertArrayEquals(new String[] {"1"}, RegexpFunctions.regexp_split_to_array("1", ""));
        assertEquals("bc", RegexpFunctions.regexp_substr("abcabc", "b.", 1, 2));
        assertNull(RegexpFunctions.regexp_substr("foo", "foo(bar)?", 1, 1, "", 1));
        assertEquals(true, RegexpFunctions.regexp_like("a\nb", "a.b"));
        assertEquals(false, RegexpFunctions.regexp_like("a\nb", "a.b", "n"));
        assertEquals(true, RegexpFunctions.regexp_like("a\nb", "^b", "n"));
        fails("22023", "invalid value for parameter \"start\": 0", () -> RegexpFunctions.regexp_count("123123123123", "123", 0));
        fails("22023", "invalid value for parameter \"endoption\": -1", () -> RegexpFunctions.regexp_instr("abc", "a.c", 1, 1, -1));
        fails("22023", "regexp_instr() does not support the \"global\" option", () -> RegexpFunctions.regexp_instr("abc", "a.c", 1, 1, 0, "g"));
        fails("22023", "invalid regular expression option: \"z\"", () -> RegexpFunctions.regexp_split_to_array("abc", "e", "iz"));
        assertEquals("2201B", assertThrows(SQLException.class, () -> RegexpFunctions.regexp_count("abc", "(b")).getSQLState());
    }
}
