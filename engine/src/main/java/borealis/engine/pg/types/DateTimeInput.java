package borealis.engine.pg.types;

import borealis.engine.pg.types.DateTimeFieldReader.DecodeException;
import borealis.engine.pg.types.DateTimeDecoder.Decoded;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.JulianFields;

/**
 * A date, timestamp or timestamptz input as PostgreSQL reads it ({@link DateTimeDecoder}), in
 * the form H2 reads as the same value; PostgreSQL's errors for what it rejects.
 */
public final class DateTimeInput {

    private DateTimeInput() {}

    /**
     * {@code h2Text}: what H2 reads, or null when it reads the input itself alike (plain ISO).
     * {@code orderDependent}: the DateStyle order decided it. {@code clock}: read as a statement's
     * literal, it names the current time ({@code now}, {@code today}, {@code tomorrow},
     * {@code yesterday}), which only the running statement can read ({@link #value}); h2Text is null.
     */
    public record Read(String h2Text, boolean orderDependent, boolean clock) {
        Read(String h2Text, boolean orderDependent) {
            this(h2Text, orderDependent, false);
        }
    }

    /** PostgreSQL's error for an input it rejects, with its hint when it gives one. */
    public static final class InputException extends SQLException {
        public final String hint;

        InputException(String message, String sqlState, String hint) {
            super(message, sqlState);
            this.hint = hint;
        }
    }

    /** The first day PostgreSQL's dates and timestamps hold, 4714-11-24 BC, is Julian day 0. */
    private static final LocalDate FIRST_DAY = LocalDate.MIN.with(JulianFields.JULIAN_DAY, 0);

    /**
     * A value given when the statement runs (a parameter, COPY): {@code now} and {@code today} are
     * the node's clock's. {@code h2Type}: DATE, TIME, TIMESTAMP or TIMESTAMP WITH TIME ZONE ({@link PgDateTimes#h2Type}).
     */
    public static Read read(String h2Type, String text, DateOrder order) throws SQLException {
        return read(h2Type, text, order, java.time.ZonedDateTime.now());
    }

    /** A literal in a statement's text, translated once: what names the current time is marked {@link Read#clock}, not read. */
    public static Read readLiteral(String h2Type, String text, DateOrder order) throws SQLException {
        return read(h2Type, text, order, null);
    }

    /**
     * The value of a literal that names the current time, as of {@code clock} (the transaction's
     * start in the session's zone): a LocalDate, LocalTime, LocalDateTime or OffsetDateTime as
     * {@code h2Type} says.
     */
    public static Object value(String h2Type, String text, DateOrder order, java.time.ZonedDateTime clock) throws SQLException {
        Read r = read(h2Type, text, order, clock);
        String v = r.h2Text() == null ? text.strip() : r.h2Text();
        return switch (h2Type) {
            case "DATE" -> LocalDate.parse(v);
            case "TIME" -> java.time.LocalTime.parse(v);
            case "TIMESTAMP" -> LocalDateTime.parse(v.replace(' ', 'T'));
            default -> v.endsWith("+00") ? LocalDateTime.parse(v.substring(0, v.length() - 3).replace(' ', 'T')).atOffset(java.time.ZoneOffset.UTC)
                    : LocalDateTime.parse(v.replace(' ', 'T')).atZone(clock.getZone()).toOffsetDateTime();
        };
    }

    private static Read read(String h2Type, String text, DateOrder order, java.time.ZonedDateTime clock) throws SQLException {
        String pgType = switch (h2Type) {
            case "DATE" -> "date";
            case "TIMESTAMP" -> "timestamp";
            case "TIME" -> "time";
            default -> "timestamp with time zone";
        };
        Decoded d;
        try {
            d = DateTimeDecoder.decode(text, order, h2Type.equals("TIME"), clock);
        } catch (DecodeException e) {
            if (e.failure == DateTimeFieldReader.Failure.UNSUPPORTED) {
                return new Read(null, false, true); // now, today: the running statement's to read
            }
            throw error(e, pgType, text);
        }
        String out = h2Text(h2Type, pgType, text, d);
        String s = text.strip();
        // what H2 reads alike is left as written: a plain ISO date keeps an INSERT's translation cacheable
        boolean same = out.equals(s) || out.equals(s.replace('T', ' ')) || out.equals(s + " 00:00:00") || out.equals(s + ":00");
        return new Read(same ? null : out, d.usedOrder());
    }

    private static SQLException error(DecodeException e, String pgType, String text) {
        return switch (e.failure) {
            case FIELD_OVERFLOW -> new SQLException("date/time field value out of range: \"" + text + "\"", "22008");
            // a month or day past its range may be the DateStyle order's doing
            case MD_FIELD_OVERFLOW -> new InputException("date/time field value out of range: \"" + text + "\"", "22008",
                    "Perhaps you need a different \"datestyle\" setting.");
            case TZDISP_OVERFLOW -> new SQLException("time zone displacement out of range: \"" + text + "\"", "22009");
            case ZONE_UNKNOWN -> new SQLException("time zone \"" + e.detail + "\" not recognized", "22023");
            default -> new SQLException("invalid input syntax for type " + pgType + ": \"" + text + "\"", "22007");
        };
    }

    private static String h2Text(String h2Type, String pgType, String text, Decoded d) throws SQLException {
        if (h2Type.equals("TIME")) {
            if (d.special() != null) {
                throw new SQLException("invalid input syntax for type " + pgType + ": \"" + text + "\"", "22007");
            }
            // 24:00:00, which PostgreSQL keeps and H2 has no notation for, is left to H2 to refuse
            return d.local().getDayOfMonth() != 1 ? text : clock(d.local());
        }
        boolean date = h2Type.equals("DATE");
        boolean zoned = h2Type.equals("TIMESTAMP WITH TIME ZONE");
        if (d.special() != null) {
            return switch (d.special()) {
                case EPOCH -> date ? "1970-01-01" : "1970-01-01 00:00:00" + (zoned ? "+00" : "");
                case INFINITY -> date ? isoDate(PgDateTimes.DATE_INFINITY)
                        : "+999999999-12-31 23:59:59.999999" + (zoned ? "+00" : "");
                case MINUS_INFINITY -> date ? isoDate(PgDateTimes.DATE_MINUS_INFINITY)
                        : "-999999999-01-01 00:00:00" + (zoned ? "+00" : "");
            };
        }
        LocalDateTime v = date ? d.date().atStartOfDay() : d.local();
        if (zoned && d.offset() != null) {
            v = v.minusSeconds(d.offset()); // as UTC: the instant is what is kept
        }
        // PostgreSQL's range: from Julian day 0 to 5874897 AD for dates, 294276 AD for timestamps
        if (v.toLocalDate().isBefore(FIRST_DAY) || v.getYear() > (date ? 5874897 : 294276)) {
            throw new SQLException((date ? "date" : "timestamp") + " out of range: \"" + text + "\"", "22008");
        }
        if (date) {
            return isoDate(v.toLocalDate());
        }
        return isoDate(v.toLocalDate()) + " " + clock(v) + (zoned && d.offset() != null ? "+00" : "");
    }

    private static String clock(LocalDateTime v) {
        String time = String.format("%02d:%02d:%02d", v.getHour(), v.getMinute(), v.getSecond());
        int micros = v.getNano() / 1000;
        return micros == 0 ? time : time + String.format(".%06d", micros);
    }

    /** A date as H2 reads it: a year before 1 is negative (1 BC is year 0). */
    static String isoDate(LocalDate d) {
        int y = d.getYear();
        return (y < 0 ? String.format("-%04d", -y) : String.format("%04d", y))
                + String.format("-%02d-%02d", d.getMonthValue(), d.getDayOfMonth());
    }
}
