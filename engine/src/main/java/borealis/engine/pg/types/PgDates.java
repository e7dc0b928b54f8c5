package borealis.engine.pg.types;

import java.sql.SQLException;
import java.time.LocalDate;

/**
 * A date in text as drivers send it in parameters and arrays, read as PostgreSQL reads it
 * ({@link DateTimeInput}): ISO {@code 2024-01-10}; with a zone, as pgjdbc's {@code setDate} sends it
 * ({@code 2024-01-10 +00}); a timestamp whose date part is taken, as postgres.js sends a JavaScript
 * Date ({@code 2024-01-10T00:00:00.000Z}); {@code BC} years; month names; DateStyle MDY order.
 */
final class PgDates {

    private PgDates() {}

    static LocalDate parse(String text) throws SQLException {
        return parse(text, DateOrder.MDY);
    }

    /** {@code order}: the session's DateStyle order. */
    static LocalDate parse(String text, DateOrder order) throws SQLException {
        DateTimeInput.Read read = DateTimeInput.read("DATE", text, order);
        if (read == null) {
            throw new SQLException("invalid input syntax for type date: \"" + text + "\"", "22007"); // today: not read here
        }
        String iso = read.h2Text() == null ? text.strip() : read.h2Text();
        boolean negative = iso.startsWith("-");
        String[] ymd = (negative ? iso.substring(1) : iso).split("-");
        int year = Integer.parseInt(ymd[0]);
        return LocalDate.of(negative ? -year : year, Integer.parseInt(ymd[1]), Integer.parseInt(ymd[2]));
    }
}
