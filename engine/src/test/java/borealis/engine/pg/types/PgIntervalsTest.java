package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Interval input in the forms drivers send, read as PostgreSQL reads it (a month stored as 30 days). */
class PgIntervalsTest {

    private static String parsed(String text) throws SQLException {
        return PgIntervals.parseText(text).toString();
    }

    @Test
    void driverForms() throws SQLException {
        String expected = "INTERVAL '3 04:00:05.5' DAY TO SECOND";
        assertEquals(expected, parsed("3 days 04:00:05.5"), "node-postgres");
        assertEquals(expected, parsed("0 years 0 mons 3 days 4 hours 0 mins 5.5 secs"), "pgjdbc");
        assertEquals(expected, parsed("3 days 14405.500000 seconds"), "psycopg");
        assertEquals(expected, parsed("P3DT4H5.5S"), "ISO 8601");
        assertEquals("INTERVAL '-0 23:59:00' DAY TO SECOND", parsed("-1 days +00:01:00"));
        assertEquals("INTERVAL '-2 00:00:00' DAY TO SECOND", parsed("2 days ago"));
        assertEquals("INTERVAL '30 00:00:00' DAY TO SECOND", parsed("1 mon"));
    }

    @Test
    void garbageIs22007() {
        SQLException e = assertThrows(SQLException.class, () -> PgIntervals.parseText("three days"));
        assertEquals("22007", e.getSQLState());
    }
}
