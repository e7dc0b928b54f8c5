package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** numeric values sent with the scale PostgreSQL 15 gives them. */
class PgNumericsTest {

    private static String pg(String value, int precision, int scale) {
        return PgNumerics.asPostgres(new BigDecimal(value), precision, scale).toPlainString();
    }

    @Test
    void anUnconstrainedNumericKeepsItsOwnScale() {
        assertEquals("-123.4500", pg("-123.4500", 2000, 1000));
        assertEquals("1.50", pg("1.50", 2000, 1000));
        assertEquals("2", pg("2", 2000, 1000));
    }

    @Test
    void aConstrainedNumericIsPaddedToItsScale() {
        assertEquals("1.50", pg("1.5", 10, 2));
        assertEquals("3.00", pg("3", 20, 2));
        assertEquals("1.555", pg("1.555", 10, 2), "never rounded here: H2 rounds on assignment");
    }

    @Test
    void aQuotientGetsPostgresDivisionScale() {
        // H2 divides to the scale of its result type (1020 digits for numeric / int)
        assertEquals("2.5000000000000000", pg(new BigDecimal("2.5").setScale(1020).toPlainString(), 2020, 1020));
        assertEquals("0.33333333333333333333", PgNumerics.quotient(new BigDecimal("0." + "3".repeat(1020))).toPlainString());
        assertEquals("33333.333333333333", PgNumerics.quotient(new BigDecimal("33333." + "3".repeat(1015))).toPlainString());
        assertEquals("0.00000000000000000000", PgNumerics.quotient(BigDecimal.ZERO.setScale(1020)).toPlainString());
    }

    @Test
    void declaredPrecisionAndScaleOfAnArrayType() {
        assertArrayEquals(new int[] {10, 2}, PgNumerics.declared("NUMERIC(10, 2) ARRAY"));
        assertArrayEquals(new int[] {2000, 1000}, PgNumerics.declared("NUMERIC(2000, 1000) ARRAY"));
        assertNull(PgNumerics.declared("DECFLOAT ARRAY"));
    }
}
