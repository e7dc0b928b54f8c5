package borealis.engine.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.h2.api.Interval;
import org.h2.value.Value;
import org.h2.value.ValueInterval;
import org.h2.value.ValueTimestamp;
import org.h2.value.ValueVarchar;
import org.junit.jupiter.api.Test;

/** make_time, make_timestamp(tz) and date_bin against PostgreSQL 15's answers (psql 15.18, 2026-12-06). */
class DateTimeMakeFunctionsTest {

    private static Value ts(String iso) {
        return org.h2.util.JSR310Utils.localDateTimeToValue(LocalDateTime.parse(iso));
    }

    private static void fails(String state, String message, org.junit.jupiter.api.function.Executable call) {
        SQLException e = assertThrows(SQLException.class, call);
        assertEquals(state, e.getSQLState());
        assertEquals(message, e.getMessage());
    }

    @Test
    void makesTimesAndTimestamps() throws SQLException {
        assertEquals(LocalTime.of(8, 20), DateTimeMakeFunctions.make_time(8, 20, 0.0));
        fails("22008", "time field value out of range: 10:55:100.1", () -> DateTimeMakeFunctions.make_time(10, 55, 100.1));
        fails("22008", "time field value out of range: 24:00:2.1", () -> DateTimeMakeFunctions.make_time(24, 0, 2.1));
        assertEquals(LocalDateTime.parse("2014-12-28T06:30:45.887"), DateTimeMakeFunctions.make_timestamp(2014, 12, 28, 6, 30, 45.887));
        // make_timestamp(-44, 3, 15, 12, 30, 15) = 0044-03-15 12:30:15 BC, ISO year -43
        assertEquals(LocalDateTime.of(-43, 3, 15, 12, 30, 15), DateTimeMakeFunctions.make_timestamp(-44, 3, 15, 12, 30, 15.0));
        fails("22008", "date field value out of range: 0-07-15", () -> DateTimeMakeFunctions.make_timestamp(0, 7, 15, 12, 30, 15.0));
    }

    @Test
    void readsZonesAsPostgreSqlDoes() throws SQLException {
        // make_timestamptz(1973, 07, 15, 08, 15, 55.33, '+2') = '1973-07-15 08:15:55.33+02'
        assertEquals(OffsetDateTime.parse("1973-07-15T08:15:55.330+02:00").toInstant(),
                DateTimeMakeFunctions.make_timestamptz(1973, 7, 15, 8, 15, 55.33, "+2").toInstant());
        // ... AT TIME ZONE 'UTC': Europe/Prague 2014-12-09 23:00:00, Asia/Singapore 1881-12-09 17:04:35, EST 15:10:10
        assertEquals(LocalDateTime.parse("2014-12-09T23:00"), utc(DateTimeMakeFunctions.make_timestamptz(2014, 12, 10, 0, 0, 0.0, "Europe/Prague")));
        assertEquals(LocalDateTime.parse("1881-12-09T17:04:35"), utc(DateTimeMakeFunctions.make_timestamptz(1881, 12, 10, 0, 0, 0.0, "Asia/Singapore")));
        assertEquals(LocalDateTime.parse("2008-12-10T15:10:10"), utc(DateTimeMakeFunctions.make_timestamptz(2008, 12, 10, 10, 10, 10.0, "EST")));
        for (String tz : new String[] {"+10:", "+1000", "+10:00"}) {
            assertEquals(LocalDateTime.parse("2014-12-10T00:10:10"), utc(DateTimeMakeFunctions.make_timestamptz(2014, 12, 10, 10, 10, 10.0, tz)));
        }
        assertEquals(LocalDateTime.parse("2014-12-10T11:40:10"), utc(DateTimeMakeFunctions.make_timestamptz(2014, 12, 10, 10, 10, 10.0, "-1:30")));
        fails("22023", "invalid input syntax for type numeric time zone: \"2\"",
                () -> DateTimeMakeFunctions.make_timestamptz(1973, 7, 15, 8, 15, 55.33, "2"));
        fails("22023", "numeric time zone \"+16\" out of range", () -> DateTimeMakeFunctions.make_timestamptz(2014, 12, 10, 10, 10, 10.0, "+16"));
        fails("22023", "time zone \"Nehwon/Lankhmar\" not recognized",
                () -> DateTimeMakeFunctions.make_timestamptz(1910, 12, 24, 0, 0, 0.0, "Nehwon/Lankhmar"));
    }

    private static LocalDateTime utc(OffsetDateTime t) {
        return t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }

    @Test
    void binsFromTheOrigin() throws SQLException {
        Value fiveMinutes = ValueInterval.from(org.h2.api.IntervalQualifier.MINUTE, false, 5, 0);
        // date_bin('5 min', '2020-02-01 01:01:01', '2020-02-01 00:02:30') = 2020-02-01 00:57:30
        assertEquals(Duration.parse("PT55M"), DateTimeMakeFunctions.date_bin_offset(fiveMinutes, ts("2020-02-01T01:01:01"), ts("2020-02-01T00:02:30")));
        // date_bin('30 minutes', '2024-02-01 15:00:00', '2024-02-01 17:00:00') = 2024-02-01 15:00:00 (source before origin)
        assertEquals(Duration.parse("-PT2H"), DateTimeMakeFunctions.date_bin_offset(ValueVarchar.get("30 minutes"), ts("2024-02-01T15:00"),
                ts("2024-02-01T17:00")));
        assertEquals(Duration.parse("-PT2H30M"), DateTimeMakeFunctions.date_bin_offset(ValueVarchar.get("30 minutes"), ts("2024-02-01T14:59"),
                ts("2024-02-01T17:00")));
        fails("0A000", "timestamps cannot be binned into intervals containing months or years",
                () -> DateTimeMakeFunctions.date_bin_offset(ValueInterval.from(org.h2.api.IntervalQualifier.MONTH, false, 5, 0),
                        ts("2020-02-01T01:01:01"), ts("2001-01-01T00:00")));
        // date_bin('365000 days', '4400-01-01 BC', '4000-01-01 BC'): the bin starts before 4714 BC
        fails("22008", "timestamp out of range", () -> DateTimeMakeFunctions.date_bin_offset(ValueVarchar.get("365000 days"),
                ts("-4399-01-01T00:00"), ts("-3999-01-01T00:00")));
        fails("22008", "stride must be greater than zero", () -> DateTimeMakeFunctions.date_bin_offset(ValueVarchar.get("0 days"),
                ts("1970-01-01T01:00"), ts("1970-01-01T00:00")));
        fails("22008", "stride must be greater than zero", () -> DateTimeMakeFunctions.date_bin_offset(ValueVarchar.get("-2 days"),
                ts("1970-01-01T01:00"), ts("1970-01-01T00:00")));
    }
}
