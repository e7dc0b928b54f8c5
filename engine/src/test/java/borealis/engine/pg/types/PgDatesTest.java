package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Date parameters in the forms drivers send them, read as PostgreSQL 15 reads them. */
class PgDatesTest {

    @Test
    void driverForms() throws SQLException {
        LocalDate d = LocalDate.of(2024, 1, 10);
        assertEquals(d, PgDates.parse("2024-01-10"));
        assertEquals(d, PgDates.parse("2024-01-10 +00"), "pgjdbc setDate");
        assertEquals(d, PgDates.parse("2024-01-10+05:30"));
        assertEquals(d, PgDates.parse("2024-01-10T00:00:00.000Z"), "postgres.js Date");
        assertEquals(d, PgDates.parse("2024-01-10 13:45:30"));
        assertEquals(d, PgDates.parse("1/10/2024"), "DateStyle MDY");
        assertEquals(LocalDate.of(-43, 3, 15), PgDates.parse("0044-03-15 BC"));
    }

    @Test
    void badInputIsRefusedWithPostgresStates() {
        assertEquals("22007", assertThrows(SQLException.class, () -> PgDates.parse("yesterday-ish")).getSQLState());
        assertEquals("22008", assertThrows(SQLException.class, () -> PgDates.parse("2024-02-30")).getSQLState());
    }
}
