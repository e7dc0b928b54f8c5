package borealis.engine.pg.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import borealis.engine.pg.PgException;
import org.junit.jupiter.api.Test;

class IntervalLiteralTest {

    @Test
    void postgresIntervalInput() {
        assertEquals("INTERVAL '1 00:00:00' DAY TO SECOND", IntervalLiteral.toH2("1 day"));
        assertEquals("INTERVAL '-3:00:00' HOUR TO SECOND", IntervalLiteral.toH2("-3 hours"));
        assertEquals("INTERVAL '0:01:30' HOUR TO SECOND", IntervalLiteral.toH2("90 seconds"));
        assertEquals("INTERVAL '2 04:05:06.500000' DAY TO SECOND", IntervalLiteral.toH2("2 days 04:05:06.5"));
        assertEquals("(INTERVAL '14' MONTH + INTERVAL '3 00:00:00' DAY TO SECOND)", IntervalLiteral.toH2("1 year 2 mons 3 days"));
        assertEquals("INTERVAL '-1 00:00:00' DAY TO SECOND", IntervalLiteral.toH2("1 day ago"));
        assertEquals("INTERVAL '1 02:00:00' DAY TO SECOND", IntervalLiteral.toH2("P1DT2H"));
        assertEquals("INTERVAL '7 00:00:00' DAY TO SECOND", IntervalLiteral.toH2("1 week"));
        assertEquals("22007", assertThrows(PgException.class, () -> IntervalLiteral.toH2("soon")).error.sqlState());
        assertEquals("22015", assertThrows(PgException.class, () -> IntervalLiteral.toH2("2147483648 days")).error.sqlState());
        assertEquals("INTERVAL '2147483647 00:00:00' DAY TO SECOND", IntervalLiteral.toH2("2147483647 days"));
    }
}
