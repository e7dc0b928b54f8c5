package borealis.engine.pg.types;

import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's date input as drivers send it in text parameters: ISO {@code 2024-01-10}; with a
 * zone, as pgjdbc's {@code setDate} sends it ({@code 2024-01-10 +00}); a timestamp whose date part
 * is taken, as postgres.js sends a JavaScript Date ({@code 2024-01-10T00:00:00.000Z}); {@code BC}
 * years; and the month/day/year form of DateStyle MDY ({@code 1/10/2024}).
 */
final class PgDates {

    private PgDates() {}

    /** y-m-d, then anything a timestamp or a zone may add (a time, T, an offset, a zone name). */
    private static final Pattern ISO = Pattern.compile("^(\\d{1,7})-(\\d{1,2})-(\\d{1,2})(?:(?:[ t]|(?=[+-])).*)?$");
    private static final Pattern MDY = Pattern.compile("^(\\d{1,2})/(\\d{1,2})/(\\d{1,7})$");

    static LocalDate parse(String text) throws SQLException {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int inf = PgDateTimes.infinity(s);
        if (inf != 0) {
            return inf > 0 ? PgDateTimes.DATE_INFINITY : PgDateTimes.DATE_MINUS_INFINITY;
        }
        boolean bc = s.endsWith(" bc");
        if (bc) {
            s = s.substring(0, s.length() - 3).trim();
        }
        try {
            Matcher m = ISO.matcher(s);
            if (m.find()) {
                return date(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), bc);
            }
            m = MDY.matcher(s);
            if (m.find()) {
                return date(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), bc);
            }
        } catch (DateTimeException | NumberFormatException e) {
            throw new SQLException("date/time field value out of range: \"" + text + "\"", "22008");
        }
        throw new SQLException("invalid input syntax for type date: \"" + text + "\"", "22007");
    }

    /** Year 1 BC is year 0 of the proleptic calendar. */
    private static LocalDate date(int year, int month, int day, boolean bc) {
        return LocalDate.of(bc ? 1 - year : year, month, day);
    }
}
