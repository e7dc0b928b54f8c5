package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.types.DateOrder;
import borealis.engine.pg.types.DateTimeInput;
import borealis.engine.pg.types.PgDateTimes;
import java.sql.SQLException;

/**
 * Date, timestamp and timestamptz literals of one translation, read as PostgreSQL reads them
 * under the session's DateStyle order. A translation where that order decided a literal
 * ({@link #usedOrder}) holds only for sessions with the same order, so it is not cached by text.
 */
final class DateTimeLiterals {

    private final DateOrder order;
    /** Some literal's reading depended on the DateStyle order. */
    boolean usedOrder;

    DateTimeLiterals(DateOrder order) {
        this.order = order;
    }

    /** The session's order; a translation without a session (null lookup) reads as PostgreSQL's default, MDY. */
    static DateOrder orderOf(ColumnLookup lookup) {
        return lookup == null ? DateOrder.MDY : lookup.dateOrder();
    }

    /** {@code H2TYPE 'text'} for a literal of the PostgreSQL type {@code pgType}, or null when H2 reads it as it is. */
    String literal(String pgType, String value) {
        String h2Type = PgDateTimes.h2Type(pgType);
        return h2Type == null ? null : expression(h2Type, value);
    }

    /**
     * What H2 evaluates to the literal's value as PostgreSQL reads it, or null when H2 reads it
     * alike: a typed literal, or, for one that names the current time ({@code 'now'},
     * {@code 'tomorrow 10:00'}), a call that reads it when the statement runs (the translation is
     * cached by text, so it cannot hold today's date).
     */
    String expression(String h2Type, String value) {
        if (clock(h2Type, value)) {
            return CatalogNames.SCHEMA + "." + clockFunction(h2Type) + "(" + SqlQuoting.literal(value) + ", "
                    + SqlQuoting.literal(order.name()) + ")";
        }
        String text = h2Text(h2Type, value);
        return text == null ? null : h2Type + " " + SqlQuoting.literal(text);
    }

    /** The catalog's function (DateTimeInputFunctions) that reads such a literal for {@code h2Type}. */
    private static String clockFunction(String h2Type) {
        return switch (h2Type) {
            case "DATE" -> "date_input_now";
            case "TIME" -> "time_input_now";
            case "TIMESTAMP" -> "timestamp_input_now";
            default -> "timestamptz_input_now";
        };
    }

    private boolean clock(String h2Type, String value) {
        try {
            return DateTimeInput.readLiteral(h2Type, value, order).clock();
        } catch (SQLException e) {
            return false; // h2Text reports it
        }
    }

    /**
     * What this class writes for a year before 1 or an infinity ({@code -0043-03-15}, {@code 0000-01-01},
     * {@code +999999999-12-31 ...}, a date's {@code 999999999-12-31}): an assigned literal, rewritten first, meets the typed-literal rule
     * again and is left as it is. PostgreSQL rejects these forms, so a client's such literal is the only
     * one read otherwise than PostgreSQL would (accepted instead of refused).
     */
    private static final java.util.regex.Pattern H2_FORM =
            java.util.regex.Pattern.compile("(?:[+-]\\d{4,}|\\d{5,}|0000)-\\d\\d-\\d\\d(?: \\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,6})?)?(?:\\+00)?");

    /** The text H2 reads as the value PostgreSQL reads, or null when H2 reads {@code value} alike; PostgreSQL's error otherwise. */
    String h2Text(String h2Type, String value) {
        if (H2_FORM.matcher(value).matches()) {
            return null;
        }
        try {
            DateTimeInput.Read read = DateTimeInput.readLiteral(h2Type, value, order);
            if (read.clock()) {
                return null;
            }
            usedOrder |= read.orderDependent();
            return read.h2Text();
        } catch (SQLException e) {
            usedOrder = true; // the error may be the order's (1/18/1999 under YMD): not cached either way
            String hint = e instanceof DateTimeInput.InputException input ? input.hint : null;
            throw new PgException(new PgError("ERROR", e.getSQLState(), e.getMessage(), null, hint));
        }
    }

    /** Whether a string assigned to a column may be a date/time H2 would misread: it needs the column's type. */
    boolean candidate(String value) {
        // a time of day only with a colon: '1234' is 12:34 too, but a number is assigned far more often
        return candidate("TIMESTAMP", value) || value.indexOf(':') >= 0 && candidate("TIME", value);
    }

    private boolean candidate(String h2Type, String value) {
        try {
            DateTimeInput.Read read = DateTimeInput.readLiteral(h2Type, value, order);
            return read.clock() || read.h2Text() != null;
        } catch (SQLException e) {
            return "22008".equals(e.getSQLState()); // a date out of range: PostgreSQL's error, not H2's
        }
    }
}
