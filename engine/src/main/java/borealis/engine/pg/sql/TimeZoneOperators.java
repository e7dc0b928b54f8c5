package borealis.engine.pg.sql;

import java.util.Locale;
import java.util.Set;

/**
 * {@code x AT TIME ZONE zone} becomes the catalog's conversion for x's type
 * ({@code timezone_of_timestamp} or {@code timezone_of_timestamptz}): H2's operator of that name
 * keeps the instant and only changes the offset, so a timestamp came back unchanged and a
 * timestamptz never became the zone's wall-clock time. The operand's type is read from what the
 * statement says: a cast or typed literal, a date/time function, a column of a table it names (an
 * untyped string is a timestamptz, and a date is promoted to one, as PostgreSQL resolves them).
 * An operand of no type known here (and time/timetz) is left to H2.
 */
final class TimeZoneOperators {

    private static final String CAT = CatalogNames.SCHEMA;
    private static final Set<String> TIMESTAMPTZ_FUNCTIONS = Set.of("now", "transaction_timestamp", "statement_timestamp",
            "clock_timestamp", "make_timestamptz", "to_timestamp");
    private static final Set<String> TIMESTAMP_FUNCTIONS = Set.of("make_timestamp");

    private enum Type { TIMESTAMP, TIMESTAMPTZ }

    private final TokenList t;
    private final ComparedLiterals columns;
    /** Whether the operand typed last is a date column (promoted to timestamptz first). */
    private boolean dateColumn;

    TimeZoneOperators(TokenList t, ComparedLiterals columns) {
        this.t = t;
        this.columns = columns;
    }

    void rewrite() {
        // right to left: an operand may itself hold an AT TIME ZONE already rewritten
        for (int i = t.size() - 4; i >= 1; i--) {
            if (!(t.is(i, "AT") && t.is(i + 1, "TIME") && t.is(i + 2, "ZONE"))) {
                continue;
            }
            int start = t.primaryStart(i);
            dateColumn = false;
            Type type = typeOf(start, i);
            if (type == null) {
                continue;
            }
            int zoneStart = i + 3;
            int zoneEnd = zoneEnd(zoneStart);
            String fn = type == Type.TIMESTAMP ? "timezone_of_timestamp" : "timezone_of_timestamptz";
            String operand = t.text(start, i);
            // an untyped string or a date is read as a timestamptz first
            if (start + 1 == i && t.get(start).isString()) {
                operand = operand + "::timestamptz";
            } else if (endsWithCastTo(start, i, "date") || t.is(start, "DATE") && start + 2 == i || dateColumn) {
                operand = "(" + operand + ")::timestamptz";
            }
            t.replace(start, zoneEnd, CAT + "." + fn + "(" + t.text(zoneStart, zoneEnd) + ", " + operand + ")");
        }
    }

    /**
     * date_trunc(field, timestamptz, zone): truncated as wall-clock time in the zone, and read back
     * as a timestamptz there (H2's DATE_TRUNC takes two arguments).
     */
    static void zonedDateTrunc(TokenList t) {
        for (int i = 0; i + 1 < t.size(); i++) {
            if (!t.is(i, "DATE_TRUNC") || !t.get(i + 1).isOpen() || i > 0 && t.get(i - 1).isDot()) {
                continue;
            }
            int close = t.closing(i + 1);
            java.util.List<Integer> args = t.splitCommas(i + 2, close);
            if (args.size() != 4) {
                continue;
            }
            String field = t.text(args.get(0), args.get(1) - 1);
            String value = t.text(args.get(1), args.get(2) - 1);
            String zone = t.text(args.get(2), close);
            t.replace(i, close + 1, CAT + ".timezone_of_timestamp(" + zone + ", date_trunc(" + field + ", " + CAT
                    + ".timezone_of_timestamptz(" + zone + ", (" + value + ")::timestamptz)))");
        }
    }

    /** The end of the zone operand: a primary with its casts, or INTERVAL '...' [qualifier]. */
    private int zoneEnd(int start) {
        int end;
        if (t.is(start, "INTERVAL") && t.get(start + 1) != null && t.get(start + 1).isString()) {
            end = start + 2;
            while (t.get(end) != null && t.get(end).isWord() && IntervalFields.contains(t.get(end).text.toUpperCase(Locale.ROOT))) {
                end++;
            }
        } else {
            end = t.primaryEnd(start);
        }
        while (t.get(end) != null && t.get(end).isOp("::") && t.get(end + 1) != null && t.get(end + 1).isName()) {
            end += 2;
        }
        return end;
    }

    private static final Set<String> IntervalFields = Set.of("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "TO");

    /** The type of the operand in [start, end), or null when the statement does not say. */
    private Type typeOf(int start, int end) {
        Tok first = t.get(start);
        String cast = lastCast(start, end);
        if (cast != null) {
            return typeNamed(cast);
        }
        if (first.isString() && start + 1 == end) {
            return Type.TIMESTAMPTZ;
        }
        if (first.isWord() && t.get(start + 1) != null && t.get(start + 1).isString() && start + 2 == end) {
            return typeNamed(first.text);
        }
        if (t.is(start, "TIMESTAMP") && t.is(start + 1, "WITH") && t.get(end - 1).isString()) {
            return Type.TIMESTAMPTZ;
        }
        if (first.isWord() && (start + 1 == end || t.get(start + 1).isOpen() && t.closing(start + 1) == end - 1)) {
            String name = first.text.toLowerCase(Locale.ROOT);
            if (name.equals("current_timestamp") || TIMESTAMPTZ_FUNCTIONS.contains(name) && start + 1 < end) {
                return Type.TIMESTAMPTZ;
            }
            if (name.equals("localtimestamp") || TIMESTAMP_FUNCTIONS.contains(name) && start + 1 < end) {
                return Type.TIMESTAMP;
            }
            if (name.equals("cast") && start + 1 < end) {
                int as = t.findAny(start + 2, end - 1, "AS");
                return as < 0 ? null : typeNamed(t.text(as + 1, end - 1));
            }
        }
        if (first.isOpen() && t.closing(start) == end - 1) {
            // (date + interval): the type of its first operand, a date plus an interval being a timestamp
            int innerEnd = end - 1;
            int opAt = start + 1 < innerEnd ? t.primaryEnd(start + 1) : innerEnd;
            opAt = castEnd(opAt, innerEnd);
            if (opAt >= innerEnd) {
                return typeOf(start + 1, innerEnd);
            }
            if (t.get(opAt).isOp("+") || t.get(opAt).isOp("-")) {
                String firstCast = lastCast(start + 1, opAt);
                if (firstCast != null && firstCast.equals("date")) {
                    return Type.TIMESTAMP;
                }
                return typeOf(start + 1, opAt);
            }
            return null;
        }
        if (first.isName() && columns != null) {
            boolean qualified = start + 3 == end && t.get(start + 1).isDot();
            if (start + 1 == end || qualified) {
                AssignedLiterals.Kind kind = columns.columnKind(qualified ? first.name() : null, t.get(end - 1).name());
                if (kind == AssignedLiterals.Kind.TIMESTAMP) {
                    return Type.TIMESTAMP;
                }
                if (kind == AssignedLiterals.Kind.TIMESTAMPTZ) {
                    return Type.TIMESTAMPTZ;
                }
                if (kind == AssignedLiterals.Kind.DATE) {
                    dateColumn = true;
                    return Type.TIMESTAMPTZ;
                }
            }
        }
        return null;
    }

    private int castEnd(int i, int limit) {
        while (i + 1 < limit && t.get(i).isOp("::") && t.get(i + 1).isName()) {
            i += 2;
            while (i < limit && t.get(i).isWord() && !t.get(i).isOp("+")) {
                i++; // timestamp with time zone
            }
        }
        return i;
    }

    /** The type of the last {@code ::type} of the operand, lower case, or null. */
    private String lastCast(int start, int end) {
        for (int i = end - 1; i > start; i--) {
            if (t.get(i).isOp("::")) {
                return t.text(i + 1, end).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
            }
            if (!t.get(i).isWord()) {
                return null;
            }
        }
        return null;
    }

    private boolean endsWithCastTo(int start, int end, String type) {
        return type.equals(lastCast(start, end));
    }

    private static Type typeNamed(String name) {
        return switch (name.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")) {
            case "timestamp", "timestamp without time zone" -> Type.TIMESTAMP;
            case "timestamptz", "timestamp with time zone", "date" -> Type.TIMESTAMPTZ;
            default -> null;
        };
    }
}
