package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Interval input decoded as PostgreSQL 15 decodes it. Every expected value was printed by
 * PostgreSQL 15.18 for {@code select '<input>'::interval} (IntervalStyle postgres), or is the
 * SQLSTATE of its error: client formats (pgjdbc, psycopg, node-postgres), fractions spilled to the
 * next unit, and the field ranges past which values used to wrap around silently.
 */
class IntervalInputTest {

    private static final String[][] CASES = {
            {"1 hours days", "01:00:00"},
            {"days 3", "00:00:03"},
            {"1 day 2 days", "ERROR 22007"},
            {"hours", "ERROR 22007"},
            {"1 day 02:00:00", "1 day 02:00:00"},
            {"-3 hours", "-03:00:00"},
            {"1 year 2 mons", "1 year 2 mons"},
            {"P1DT2H", "1 day 02:00:00"},
            {"0 years 0 mons 3 days 4 hours 0 mins 5.5 secs", "3 days 04:00:05.5"},
            {"-1 days +00:01:00", "-1 days +00:01:00"},
            {"3 days 14405.500000 seconds", "3 days 04:00:05.5"},
            {"3 days 04:00:05.5", "3 days 04:00:05.5"},
            {"@ 1 minute ago", "-00:01:00"},
            {"0.5 weeks", "3 days 12:00:00"},
            {"1.5 years", "1 year 6 mons"},
            {"0.1 months", "3 days"},
            {"1.25 days", "1 day 06:00:00"},
            {"2147483647 days", "2147483647 days"},
            {"1 2:03:04", "1 day 02:03:04"},
            {"1-2", "1 year 2 mons"},
            {"5min", "00:05:00"},
            {"1d", "1 day"},
            {"+2 hours -30 minutes", "01:30:00"},
            {"2147483648 years", "ERROR 22015"},
            {"2147483647 years", "ERROR 22008"},
            {"2147483648 months", "ERROR 22015"},
            {"2562047789 hours", "ERROR 22015"},
            {"9223372036854775807 microseconds", "2562047788:00:54.775807"},
            {"-9223372036854775808 microseconds ago", "ERROR 22015"},
            {"0.1 2562047788:0:54.775807", "ERROR 22015"},
            {"P1W2147483647D", "ERROR 22015"},
            {"P0.5Y", "6 mons"},
            {"PT1.5S", "00:00:01.5"},
            {"-2147483648 months ago", "ERROR 22015"},
            {"1 week 2147483647 days", "ERROR 22015"},
            {"10:20.5", "00:10:20.5"},
            {"1.5 fortnights", "ERROR 22007"},
            {"3 days hours", "3 days"},
            {"12:34:56.7890125", "12:34:56.789012"},
            {"0.0000005 seconds", "00:00:00"},
            {"0.0000015 seconds", "00:00:00.000001"}
    };

    @Test
    void decodesAsPostgres15() {
        List<String> wrong = new ArrayList<>();
        for (String[] c : CASES) {
            String got;
            try {
                IntervalInput.Fields f = IntervalInput.parse(c[0]);
                got = PgIntervals.text(f.months(), f.days(), f.micros());
            } catch (SQLException e) {
                got = "ERROR " + e.getSQLState();
            }
            if (!got.equals(c[1])) {
                wrong.add("'" + c[0] + "': PostgreSQL " + c[1] + ", here " + got);
            }
        }
        assertEquals(List.of(), wrong);
    }
}
