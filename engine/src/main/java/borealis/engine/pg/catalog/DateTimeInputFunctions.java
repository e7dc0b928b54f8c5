package borealis.engine.pg.catalog;

import borealis.engine.pg.types.DateOrder;
import borealis.engine.pg.types.DateTimeInput;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.h2.util.JSR310Utils;

/**
 * Date/time literals that name the current time ({@code 'now'}, {@code 'today'},
 * {@code 'tomorrow 10:00'}, {@code 'yesterday'}), read when the statement runs: the translator
 * turns such a literal into a call of one of these, since its translation is kept by text. As in
 * PostgreSQL, {@code now} is the transaction's start; the days are the node's zone's (the session's
 * {@code TimeZone} is not H2's, as for every timestamptz input without a zone).
 */
public final class DateTimeInputFunctions {

    private DateTimeInputFunctions() {}

    public static LocalDate date_input_now(Connection c, String text, String order) throws SQLException {
        return (LocalDate) DateTimeInput.value("DATE", text, DateOrder.valueOf(order), clock(c));
    }

    public static LocalTime time_input_now(Connection c, String text, String order) throws SQLException {
        return (LocalTime) DateTimeInput.value("TIME", text, DateOrder.valueOf(order), clock(c));
    }

    public static LocalDateTime timestamp_input_now(Connection c, String text, String order) throws SQLException {
        return (LocalDateTime) DateTimeInput.value("TIMESTAMP", text, DateOrder.valueOf(order), clock(c));
    }

    public static OffsetDateTime timestamptz_input_now(Connection c, String text, String order) throws SQLException {
        return (OffsetDateTime) DateTimeInput.value("TIMESTAMP WITH TIME ZONE", text, DateOrder.valueOf(order), clock(c));
    }

    /** The transaction's start (H2's CURRENT_TIMESTAMP, what now() is) in the node's zone. */
    private static ZonedDateTime clock(Connection c) throws SQLException {
        OffsetDateTime start = JSR310Utils.valueToOffsetDateTime(CatalogFunctions.session(c).currentTimestamp(), null);
        // to the microsecond as H2 rounds CURRENT_TIMESTAMP and LOCALTIMESTAMP (half up): 'now' equals now()
        int nanos = start.getNano();
        OffsetDateTime micros = start.minusNanos(nanos).plusNanos((nanos + 500L) / 1000 * 1000);
        return micros.atZoneSameInstant(ZoneId.systemDefault());
    }
}
