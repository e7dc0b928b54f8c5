package borealis.engine.pg.sql;

import borealis.engine.pg.types.PgDateTimes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A quoted literal assigned to a column takes the column's type, as PostgreSQL reads an "unknown"
 * literal with the target type's input function: {@code '{1,2}'} into an int4[] column is an array of
 * two, {@code '\x00ff'} into a bytea column is two bytes. H2 converts character strings by its own
 * rules (a one-element array holding the text; the text's UTF-8 bytes), silently storing something
 * else. The literals of INSERT ... VALUES rows and UPDATE ... SET, and a column's DEFAULT in CREATE
 * TABLE / ALTER TABLE, are rewritten into the form H2 reads as PostgreSQL would.
 */
final class AssignedLiterals {

    /** What a column's type makes of a literal. */
    enum Kind {
        ARRAY, BYTEA, JSON, INTERVAL, DATE("DATE"), TIME("TIME"), TIMESTAMP("TIMESTAMP"), TIMESTAMPTZ("TIMESTAMP WITH TIME ZONE"), FLOAT, OTHER;

        /** The H2 type a date/time kind's literal is written as. */
        final String h2Type;

        Kind() {
            this(null);
        }

        Kind(String h2Type) {
            this.h2Type = h2Type;
        }
    }

    private final TokenList t;
    private final ColumnLookup lookup;
    /** The session's reading of date/time literals (its DateStyle order); the lookup keeps such a translation out of the cache. */
    private final DateTimeLiterals dates;
    /** Whether the rewrite depended on the tables' current columns (the translation cannot be cached). */
    boolean usedLookup;

    AssignedLiterals(TokenList t, ColumnLookup lookup) {
        this.t = t;
        this.lookup = lookup;
        this.dates = new DateTimeLiterals(DateTimeLiterals.orderOf(lookup));
    }

    void rewrite() {
        if (t.is(0, "INSERT") && t.is(1, "INTO") && hasCandidate()) {
            insert();
        } else if (t.is(0, "UPDATE") && hasCandidate()) {
            update();
        } else if ((t.is(0, "CREATE") || t.is(0, "ALTER")) && hasCandidate()) {
            defaults();
        }
    }

    /** Only statements with a literal that could need it look the table up. */
    private boolean hasCandidate() {
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.isString() && candidate(k.stringValue())) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.regex.Pattern INTERVAL_WORDS = java.util.regex.Pattern.compile("(?i)\\s*@?\\s*[-+]?\\d[^']*?\\s*"
            + "(years?|mons?|months?|weeks?|days?|hours?|mins?|minutes?|secs?|seconds?|milliseconds?|microseconds?|decades?|centur(y|ies)"
            + "|millenni(um|a))\\b.*");

    /** Whether the text reads as an interval with unit words (what H2's interval input refuses). */
    static boolean looksLikeInterval(String v) {
        // an interval's text is short; a 4 MB literal must not cost a regular expression's scan per statement
        return v.length() <= MAX_INTERVAL_TEXT && !v.isEmpty() && INTERVAL_WORDS.matcher(v).matches();
    }

    private static final int MAX_INTERVAL_TEXT = 200;

    private boolean candidate(String v) {
        // arrays and JSON objects, JSON arrays and strings, bytea's hex form: what H2 would misread
        return v.startsWith("{") || v.startsWith("[") || v.startsWith("\"") || v.indexOf('\\') >= 0 // bytea's hex and escape forms
                || looksLikeInterval(v) // '1 day 2 hours', '@ 3 months ago' into an interval column
                || dates.candidate(v) // 'infinity', '0044-03-15 BC', 'January 8, 1999'
                || FloatLiterals.special(v) != null // ' -INF ', 'nan'
                || v.endsWith(" "); // 'abcd    ' into varchar(4): the spaces past the length go
    }

    private void insert() {
        int i = 2;
        int tableEnd = nameEnd(i);
        if (tableEnd <= i) {
            return;
        }
        String table = t.text(i, tableEnd);
        int j = tableEnd;
        if (t.is(j, "AS")) {
            j += 2;
        } else if (t.get(j) != null && t.get(j).isName() && !t.is(j, "VALUES") && !t.is(j, "SELECT") && !t.is(j, "DEFAULT")
                && !t.is(j, "OVERRIDING")) {
            j++;
        }
        List<String> columns = new ArrayList<>();
        if (t.get(j) != null && t.get(j).isOpen()) {
            int close = t.closing(j);
            for (int k = j + 1; k < close; k++) {
                if (t.get(k).isName()) {
                    columns.add(t.get(k).name());
                }
            }
            j = close + 1;
        }
        if (t.is(j, "OVERRIDING")) {
            j += 3;
        }
        if (!t.is(j, "VALUES")) {
            return;
        }
        Map<String, Kind> kinds = kinds(table);
        if (kinds.isEmpty()) {
            return;
        }
        List<String> targets = columns.isEmpty() ? new ArrayList<>(kinds.keySet()) : columns;
        int k = j + 1;
        while (t.get(k) != null && t.get(k).isOpen()) {
            int close = t.closing(k);
            List<Integer> starts = t.splitCommas(k + 1, close);
            // right to left: a replacement keeps the earlier positions valid
            for (int v = starts.size() - 2; v >= 0; v--) {
                int from = starts.get(v);
                int to = starts.get(v + 1) - 1;
                if (to == from + 1 && v < targets.size()) {
                    replace(from, kinds.get(targets.get(v)), elementTypes.get(targets.get(v)));
                    trimToLength(from, lengths.get(targets.get(v)));
                }
            }
            k = t.closing(k) + 1;
            if (!(t.get(k) != null && t.get(k).isComma())) {
                break;
            }
            k++;
        }
    }

    private void update() {
        int tableEnd = nameEnd(1);
        if (tableEnd <= 1) {
            return;
        }
        int set = t.find(tableEnd, t.size(), "SET");
        if (set < 0) {
            return;
        }
        Map<String, Kind> kinds = kinds(t.text(1, tableEnd));
        int end = t.findAny(set + 1, t.size(), "WHERE", "FROM", "RETURNING");
        end = end < 0 ? t.size() : end;
        List<Integer> starts = t.splitCommas(set + 1, end);
        for (int a = starts.size() - 2; a >= 0; a--) {
            int from = starts.get(a);
            int to = starts.get(a + 1) - 1;
            // col = 'literal'
            if (to == from + 3 && t.get(from).isName() && t.get(from + 1).isOp("=")) {
                replace(from + 2, kinds.get(t.get(from).name()), elementTypes.get(t.get(from).name()));
                trimToLength(from + 2, lengths.get(t.get(from).name()));
            }
        }
    }

    /** {@code col type[] ... DEFAULT '{}'} and {@code col bytea DEFAULT '\x..'} in a column definition. */
    private void defaults() {
        for (int i = 1; i + 1 < t.size(); i++) {
            if (!t.is(i, "DEFAULT") || !t.get(i + 1).isString() || t.get(i + 2) != null && t.get(i + 2).isOp("::")) {
                continue;
            }
            // the column's type: the tokens between its name and its first constraint word
            int start = i - 1;
            while (start > 0 && !t.get(start - 1).isComma() && !t.get(start - 1).isOpen()) {
                start--;
            }
            Kind kind = Kind.OTHER;
            String element = null;
            for (int k = start; k < i; k++) {
                if (t.get(k).isOp("[") || t.is(k, "ARRAY")) {
                    element = kind == Kind.ARRAY ? element : t.text(start + 1, k);
                    kind = Kind.ARRAY;
                } else if (t.is(k, "bytea")) {
                    kind = Kind.BYTEA;
                } else if (t.is(k, "jsonb")) { // json keeps the literal's text
                    kind = kind == Kind.ARRAY ? kind : Kind.JSON;
                } else if (kind == Kind.OTHER && PgDateTimes.h2Type(t.text(k, i)) != null) {
                    kind = dateTimeKind(PgDateTimes.h2Type(t.text(k, i)));
                } else if (kind == Kind.OTHER && PgDateTimes.h2Type(t.get(k).text) != null) {
                    kind = dateTimeKind(PgDateTimes.h2Type(t.get(k).text));
                }
            }
            replace(i + 1, kind, element);
        }
    }

    /** {@code elementType}: the PostgreSQL type of an array column's elements, which decides how its literal's elements read. */
    private void replace(int at, Kind kind, String elementType) {
        Tok k = t.get(at);
        if (kind == null || !k.isString()) {
            return;
        }
        String v = k.stringValue();
        if (kind == Kind.ARRAY && v.startsWith("{")) {
            t.replace(at, at + 1, Casts.arrayLiteral(v, elementType));
        } else if (kind == Kind.JSON) {
            t.replace(at, at + 1, "(" + k.text + " FORMAT JSON)"); // parsed, not wrapped in a JSON string
        } else if (kind == Kind.INTERVAL) {
            t.replace(at, at + 1, IntervalLiteral.toH2(v)); // PostgreSQL's interval input ('@ 1 minute', '1 day 2 hours')
        } else if (kind == Kind.BYTEA) {
            t.replace(at, at + 1, Casts.byteaLiteral(v)); // hex or escape format, as byteain reads it
        } else if (kind == Kind.FLOAT && FloatLiterals.special(v) != null) {
            t.replace(at, at + 1, SqlQuoting.literal(FloatLiterals.special(v)));
        } else if (kind.h2Type != null) {
            String e = dates.expression(kind.h2Type, v);
            if (e != null) {
                t.replace(at, at + 1, e);
            }
        }
    }

    /**
     * A string longer than its varchar(n) or char(n) column only by trailing spaces is cut to the
     * length, as PostgreSQL's assignment does (H2 refuses it as too long); other excess stays an error.
     */
    private void trimToLength(int at, Integer length) {
        Tok k = t.get(at);
        if (length == null || k == null || !k.isString()) {
            return;
        }
        String v = k.stringValue();
        int n = v.codePointCount(0, v.length());
        if (n <= length) {
            return;
        }
        int cut = v.offsetByCodePoints(0, length);
        if (v.substring(cut).chars().allMatch(c -> c == ' ')) {
            t.replace(at, at + 1, SqlQuoting.literal(v.substring(0, cut)));
        }
    }

    /** The declared lengths of the varchar(n) and char(n) columns of the table {@link #kinds} looked up last. */
    private Map<String, Integer> lengths = new java.util.HashMap<>();

    private static final java.util.regex.Pattern BOUNDED = java.util.regex.Pattern.compile("^(?:CHARACTER VARYING|CHARACTER)\\((\\d+)\\)$");

    /** The element types of the array columns of the table {@link #kinds} looked up last. */
    private Map<String, String> elementTypes = new java.util.HashMap<>();

    /** The table's columns in order, by what their type makes of a literal. */
    private Map<String, Kind> kinds(String table) {
        usedLookup = true;
        Map<String, Kind> out = new java.util.LinkedHashMap<>();
        elementTypes = new java.util.HashMap<>();
        lengths = new java.util.HashMap<>();
        for (Map.Entry<String, String> c : lookup.columnTypes(table).entrySet()) {
            String type = c.getValue().toUpperCase(java.util.Locale.ROOT);
            java.util.regex.Matcher bounded = BOUNDED.matcher(type);
            if (bounded.matches() && bounded.group(1).length() < 9) {
                lengths.put(c.getKey(), Integer.parseInt(bounded.group(1)));
            }
            if (type.endsWith(" ARRAY")) {
                borealis.engine.pg.types.PgType element = borealis.engine.pg.types.PgType.arrayElement(type);
                elementTypes.put(c.getKey(), element == null ? null : element.typname);
            }
            out.put(c.getKey(), kindOf(type));
        }
        return out;
    }

    /** What a column of the engine type {@code type} (upper case, as H2 names it) makes of a literal. */
    static Kind kindOf(String type) {
        return type.endsWith(" ARRAY") ? Kind.ARRAY
                : type.startsWith("BINARY") || type.startsWith("VARBINARY") || type.startsWith("BLOB") ? Kind.BYTEA
                : type.startsWith("JSON") ? Kind.JSON
                : type.startsWith("INTERVAL") ? Kind.INTERVAL
                : type.startsWith("DATE") ? Kind.DATE
                : type.startsWith("TIMESTAMP") ? (type.endsWith("WITH TIME ZONE") ? Kind.TIMESTAMPTZ : Kind.TIMESTAMP)
                : type.equals("TIME") || type.startsWith("TIME(") ? Kind.TIME
                : type.equals("DOUBLE PRECISION") || type.equals("REAL") || type.startsWith("FLOAT") ? Kind.FLOAT
                : Kind.OTHER;
    }

    private static Kind dateTimeKind(String h2Type) {
        return switch (h2Type) {
            case "DATE" -> Kind.DATE;
            case "TIME" -> Kind.TIME;
            case "TIMESTAMP" -> Kind.TIMESTAMP;
            default -> Kind.TIMESTAMPTZ;
        };
    }

    /** End (exclusive) of a possibly qualified name starting at {@code i}. */
    private int nameEnd(int i) {
        if (t.get(i) == null || !t.get(i).isName()) {
            return i;
        }
        int j = i + 1;
        while (t.get(j) != null && t.get(j).isDot() && t.get(j + 1) != null && t.get(j + 1).isName()) {
            j += 2;
        }
        return j;
    }
}
