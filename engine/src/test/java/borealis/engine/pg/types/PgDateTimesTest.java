package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** infinity, -infinity and BC years, read and shown as PostgreSQL 15 does (DateStyle ISO, TimeZone UTC). */
class PgDateTimesTest {

    @Test
    void infinitiesAndBcYearsBecomeTextH2Reads() {
        assertEquals("999999999-12-31", PgDateTimes.h2Text("DATE", "infinity"));
        assertEquals("-999999999-01-01", PgDateTimes.h2Text("DATE", " -Infinity "));
        assertEquals("+999999999-12-31 23:59:59.999999", PgDateTimes.h2Text("TIMESTAMP", "infinity"));
        assertEquals("-999999999-01-01 00:00:00+00", PgDateTimes.h2Text("TIMESTAMP WITH TIME ZONE", "-infinity"));
        assertEquals("-0043-03-15", PgDateTimes.h2Text("DATE", "0044-03-15 BC"));
        assertEquals("0000-01-01", PgDateTimes.h2Text("DATE", "0001-01-01 BC"), "1 BC is year 0");
        assertEquals("2024-01-10", PgDateTimes.h2Text("DATE", "2024-01-10 +00"), "a date with a zone");
        assertEquals("-0043-03-15 10:00:00", PgDateTimes.h2Text("TIMESTAMP", "0044-03-15 10:00 BC"));
        assertNull(PgDateTimes.h2Text("DATE", "2024-01-10"), "H2 reads a plain date itself");
        assertNull(PgDateTimes.h2Text("TIMESTAMP", "2024-01-10 10:00"));
        assertEquals("TIMESTAMP WITH TIME ZONE", PgDateTimes.h2Type("timestamp  with time zone"));
        assertNull(PgDateTimes.h2Type("text"));
    }

    @Test
    void shownAsPostgresShowsThem() {
        assertEquals("infinity", PgDateTimes.formatDate(PgDateTimes.DATE_INFINITY));
        assertEquals("-infinity", PgDateTimes.formatDate(PgDateTimes.DATE_MINUS_INFINITY));
        assertEquals("0044-03-15 BC", PgDateTimes.formatDate(LocalDate.of(-43, 3, 15)));
        assertEquals("10000-01-01", PgDateTimes.formatDate(LocalDate.of(10000, 1, 1)));
        assertEquals("infinity", PgDateTimes.formatTimestamp(PgDateTimes.TIMESTAMP_INFINITY, ""));
        assertEquals("0044-03-15 10:00:00 BC", PgDateTimes.formatTimestamp(LocalDateTime.of(-43, 3, 15, 10, 0), ""));
        assertEquals("0044-03-15 10:00:00+00 BC",
                PgDateTimes.formatTimestamptz(OffsetDateTime.of(-43, 3, 15, 10, 0, 0, 0, ZoneOffset.UTC)));
        assertEquals("-infinity", PgDateTimes.formatTimestamptz(PgDateTimes.TIMESTAMP_MINUS_INFINITY.atOffset(ZoneOffset.UTC)));
    }

    @Test
    void binaryInfinitiesAreTheIntegerExtremes() {
        LocalDate epoch = LocalDate.of(2000, 1, 1);
        assertEquals(Integer.MAX_VALUE, PgDateTimes.binaryDate(PgDateTimes.DATE_INFINITY, 0));
        assertEquals(Integer.MIN_VALUE, PgDateTimes.binaryDate(PgDateTimes.DATE_MINUS_INFINITY, 0));
        assertEquals(PgDateTimes.DATE_INFINITY, PgDateTimes.fromBinaryDate(Integer.MAX_VALUE, epoch));
        assertEquals(epoch.plusDays(9), PgDateTimes.fromBinaryDate(9, epoch));
    }
}
