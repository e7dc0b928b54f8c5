package borealis.engine.pg.sql;

import borealis.engine.pg.types.PgType;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Functions whose result H2 types otherwise than PostgreSQL, which a client reads by that type:
 * the string-length functions return int4 in PostgreSQL (length, char_length, octet_length,
 * bit_length; H2's return bigint, which node drivers give as a string), and avg of integers is
 * numeric (H2's is double precision). Length calls are cast to INTEGER; avg's argument is
 * multiplied by a numeric 1 typed with a scale of 999 (its value keeps scale 0: the engine converts
 * only to smaller scales), which makes an integer or numeric argument numeric and leaves floats and
 * intervals as they were: H2 divides the sum to the type's scale plus 10, past the 1000 digits
 * PostgreSQL keeps, so the result is sent with the scale of PostgreSQL's division
 * ({@link borealis.engine.pg.types.PgNumerics}: avg(int) of 0 is 0.00000000000000000000, of 2.5
 * 2.5000000000000000; with H2's own scale both had 10 digits). date_bin becomes its origin plus an offset, which keeps the type of
 * the timestamps.
 */
final class FunctionResultTypes {

    private static final Set<String> INT4 = Set.of("LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH", "OCTET_LENGTH", "BIT_LENGTH");

    /** Java functions that return the text of a jsonb or json document: typed so, as PostgreSQL types them. */
    private static final Set<String> JSONB = Set.of("JSONB_SET", "JSONB_SET_LAX", "JSONB_INSERT", "JSONB_DELETE_PATH", "JSONB_DELETE",
            "JSONB_EXTRACT_PATH", "JSONB_STRIP_NULLS", "JSONB_OBJECT",
            "JSONB_PATH_QUERY_ARRAY", "JSONB_PATH_QUERY_FIRST", "JSONB_BUILD_ARRAY_VARIADIC", "JSONB_BUILD_OBJECT_VARIADIC");
    private static final Set<String> JSON = Set.of("JSON_EXTRACT_PATH", "JSON_STRIP_NULLS", "JSON_BUILD_ARRAY_VARIADIC",
            "JSON_BUILD_OBJECT_VARIADIC");

    /** Scale of the numeric 1 avg's argument is multiplied by; above 990 the average's scale passes 1000. */
    private static final int AVG_SCALE_MARK = 999;

    private final TokenList t;

    FunctionResultTypes(TokenList t) {
        this.t = t;
    }

    /**
     * date_bin(stride, source, origin) becomes (origin) + date_bin_offset(stride, source, origin):
     * the sum keeps the type of the timestamps (timestamp or timestamptz), which a Java function
     * cannot (parameters are numbered, so the repeated origin is the same value).
     */
    private void dateBin(int name, int close) {
        int depth = 0;
        int lastComma = -1;
        int commas = 0;
        for (int j = name + 2; j < close; j++) {
            Tok k = t.get(j);
            if (k.isOpen()) {
                depth++;
            } else if (k.isClose()) {
                depth--;
            } else if (depth == 0 && k.isComma()) {
                lastComma = j;
                commas++;
            }
        }
        if (commas != 2) {
            return;
        }
        t.replace(name, close + 1, "((" + t.text(lastComma + 1, close) + ") + date_bin_offset" + t.text(name + 1, close + 1) + ")");
    }

    /** Functions whose text result is a JSON document: json_agg embeds it as JSON, not as a string. */
    private static final Set<String> JSON_TEXT_FUNCTIONS = Set.of("json_build_object", "jsonb_build_object", "json_build_array",
            "jsonb_build_array", "to_json", "to_jsonb", "row_to_json", "array_to_json", "json_object_agg_text");

    /**
     * json_agg(x) and jsonb_agg(x) are H2's JSON_ARRAYAGG with NULL ON NULL (PostgreSQL keeps
     * nulls; H2 drops them by default), an argument that is JSON text embedded as JSON (FORMAT
     * JSON), jsonb_agg typed jsonb and json_agg's elements separated as PostgreSQL separates them.
     */
    private void arrayAgg(int name, int close, boolean jsonb) {
        int argEnd = t.find(name + 2, close, "ORDER");
        argEnd = argEnd < 0 ? close : argEnd;
        int argStart = t.is(name + 2, "DISTINCT") || t.is(name + 2, "ALL") ? name + 3 : name + 2;
        if (argStart >= argEnd) {
            return;
        }
        String arg = t.text(argStart, argEnd);
        String head = t.text(name + 2, argStart);
        String format = jsonText(argStart, argEnd) ? " FORMAT JSON" : "";
        // FILTER (...) and OVER (...) belong to the aggregate, inside the casts
        int end = close + 1;
        String after = "";
        for (String clause : new String[] {"FILTER", "OVER"}) {
            if (t.is(end, clause) && t.get(end + 1) != null && t.get(end + 1).isOpen()) {
                int clauseClose = t.closing(end + 1);
                after += " " + t.text(end, clauseClose + 1);
                end = clauseClose + 1;
            }
        }
        String agg = "JSON_ARRAYAGG(" + head + (head.isEmpty() ? "" : " ") + arg + format
                + (argEnd < close ? " " + t.text(argEnd, close) : "") + " NULL ON NULL)" + after;
        // rows (RowValues' JSON_OBJECT): PostgreSQL starts each after the first on a new line
        boolean rows = t.is(argStart, "JSON_OBJECT") && t.closing(argStart + 1) == argEnd - 1;
        t.replace(name, end, jsonb ? "CAST(" + agg + " AS JSON(" + PgType.JSONB_H2_LENGTH + "))"
                : "CAST(" + CatalogNames.SCHEMA + ".json_agg_text(CAST(" + agg + " AS VARCHAR), " + rows + ") AS "
                + PgType.JSON_TEXT_COLUMN + ")");
    }

    /** Whether [from, to) is one call of a function whose text is JSON, or such text cast to json's varchar. */
    private boolean jsonText(int from, int to) {
        int i = from;
        if (t.is(i, CatalogNames.SCHEMA) && t.get(i + 1) != null && t.get(i + 1).isDot()) {
            i += 2;
        }
        Tok f = t.get(i);
        if (f != null && f.isWord() && JSON_TEXT_FUNCTIONS.contains(f.name()) && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
            return t.closing(i + 1) == to - 1;
        }
        return t.is(from, "CAST") && t.text(from, to).endsWith("AS " + PgType.JSON_TEXT_COLUMN + ")")
                && t.closing(from + 1) == to - 1;
    }

    /**
     * PostgreSQL's week is the ISO week (from Monday; week 1 holds January 4th) in extract,
     * date_part and date_trunc; H2's WEEK follows the JVM's locale (from Sunday in the US:
     * date_trunc('week', Sunday 2004-02-29) gave that Sunday, not Monday the 23rd).
     */
    private void isoWeek(int name) {
        Tok field = t.get(name + 2);
        if (field == null || !(field.isWord() || field.isString())) {
            return;
        }
        String f = field.isString() ? field.stringValue() : field.text;
        if (!f.equalsIgnoreCase("week")) {
            return;
        }
        boolean extract = t.get(name).text.equalsIgnoreCase("EXTRACT");
        if (extract && t.is(name + 3, "FROM")) {
            t.replace(name + 2, name + 3, "ISO_WEEK");
        } else if (!extract && field.isString() && t.get(name + 3) != null && t.get(name + 3).isComma()) {
            t.replace(name + 2, name + 3, "'ISO_WEEK'");
        }
    }

    /**
     * EXTRACT of SECOND, MILLISECOND and MICROSECOND counts the whole seconds field in PostgreSQL
     * (25.575401, 25575.401, 25575401 for 13:30:25.575401); H2's SECOND drops the fraction and its
     * MICROSECOND is the fraction alone. Both of H2's fields make PostgreSQL's, with its scale.
     */
    private void secondFields(int name, int close) {
        Tok field = t.get(name + 2);
        if (field == null || !field.isWord() || !t.is(name + 3, "FROM") || close <= name + 4) {
            return;
        }
        String f = field.text.toUpperCase(Locale.ROOT);
        String source = t.text(name + 4, close);
        String seconds = "EXTRACT(SECOND FROM " + source + ")";
        String micros = "EXTRACT(MICROSECOND FROM " + source + ")";
        String pg = switch (f) {
            case "SECOND", "SECONDS" -> "CAST(" + seconds + " + " + micros + " / 1000000.0 AS NUMERIC(9, 6))";
            case "MILLISECOND", "MILLISECONDS" -> "CAST(" + seconds + " * 1000 + " + micros + " / 1000.0 AS NUMERIC(12, 3))";
            case "MICROSECOND", "MICROSECONDS" -> "CAST(" + seconds + " * 1000000 + " + micros + " AS NUMERIC(15, 0))";
            default -> monthsField(f, name + 4, close, source);
        };
        if (pg != null) {
            t.replace(name, close + 1, "(" + pg + ")");
        }
    }

    /**
     * A year or month field of an interval of months as the literal rules write one (INTERVAL 'n'
     * MONTH): H2 answers 0 years and n months for it, and has no quarter, decade, century or
     * millennium of an interval. PostgreSQL splits the months into years and the rest (both keeping
     * the sign) and counts the larger units from the years, toward zero. Null for anything else.
     */
    private String monthsField(String field, int at, int end, String source) {
        if (end != at + 3 || !t.is(at, "INTERVAL") || !t.get(at + 1).isString() || !t.is(at + 2, "MONTH")) {
            return null;
        }
        String months = "EXTRACT(MONTH FROM " + source + ")";
        String value = switch (field) {
            case "YEAR", "YEARS" -> months + " / 12";
            case "MONTH", "MONTHS" -> "MOD(" + months + ", 12)";
            case "QUARTER" -> "MOD(" + months + ", 12) / 3 + 1";
            case "DECADE", "DECADES" -> months + " / 120";
            case "CENTURY", "CENTURIES" -> months + " / 1200";
            case "MILLENNIUM", "MILLENNIA" -> months + " / 12000";
            default -> null;
        };
        return value == null ? null : "CAST(" + value + " AS NUMERIC)";
    }

    private static final List<String> TRUNC_UNITS = List.of("microseconds", "milliseconds", "second", "minute", "hour", "day",
            "month", "quarter", "year", "decade", "century", "millennium");

    /**
     * date_trunc(unit, x) with a unit that is not a literal (a column: date_bin's tests) becomes a
     * choice among the literal units, which is all H2's DATE_TRUNC takes; an unknown unit fails
     * as in PostgreSQL (22023), a NULL one gives NULL.
     */
    private boolean dynamicUnit(int name, int close) {
        List<Integer> args = t.splitCommas(name + 2, close);
        if (args.size() != 3 || args.get(1) - 1 == name + 3 && t.get(name + 2).isString()) {
            return false;
        }
        String unit = "LOWER(" + t.text(name + 2, args.get(1) - 1) + ")";
        String value = t.text(args.get(1), close);
        StringBuilder sb = new StringBuilder("CASE " + unit);
        for (String u : TRUNC_UNITS) {
            sb.append(" WHEN '").append(u).append("' THEN DATE_TRUNC('").append(u).append("', ").append(value).append(")");
        }
        sb.append(" WHEN 'week' THEN DATE_TRUNC('ISO_WEEK', ").append(value).append(")");
        sb.append(" ELSE CASE WHEN ").append(CatalogNames.SCHEMA).append(".date_trunc_unit(").append(unit).append(") THEN ")
                .append(value).append(" END END");
        t.replace(name, close + 1, "(" + sb + ")");
        return true;
    }

    /** Functions that build a document from their arguments: an argument that is a document goes in as one. */
    private static final Set<String> JSON_BUILDERS = Set.of("JSON_BUILD_OBJECT", "JSONB_BUILD_OBJECT", "JSON_BUILD_ARRAY",
            "JSONB_BUILD_ARRAY", "TO_JSON", "TO_JSONB", "ARRAY_TO_JSON");

    /**
     * Marks the arguments of a JSON-building call that are documents built by another such call
     * (its result is text, which would otherwise go in as a string:
     * jsonb_build_object('a', jsonb_build_object('b', 1)) gave {"a": "{\"b\": 1}"}).
     */
    private void embedJsonArguments(int name, int close) {
        boolean jsonb = t.get(name).text.toUpperCase(Locale.ROOT).contains("JSONB");
        java.util.List<Integer> args = t.splitCommas(name + 2, close);
        for (int a = args.size() - 2; a >= 0; a--) {
            int from = args.get(a);
            int to = args.get(a + 1) - 1;
            if (from < to && jsonText(from, to)) {
                // jsonb is printed canonical anyway; json keeps the argument's text as written
                t.replace(from, to, jsonb ? "(" + t.text(from, to) + " FORMAT JSON)"
                        : CatalogNames.SCHEMA + ".json_embed(" + t.text(from, to) + ")");
            }
        }
    }

    /**
     * json(b)_object_agg(key, value) is H2's JSON_OBJECTAGG(KEY key VALUE value), typed as
     * jsonb or json; left alone with ORDER BY or FILTER inside, or not two arguments.
     */
    private void objectAgg(int name, int close, boolean jsonb) {
        java.util.List<Integer> args = t.splitCommas(name + 2, close);
        if (args.size() != 3 || t.find(name + 2, close, "ORDER") >= 0 || t.is(close + 1, "FILTER") || t.is(close + 1, "OVER")) {
            return;
        }
        String agg = "JSON_OBJECTAGG(KEY (" + t.text(args.get(0), args.get(1) - 1) + ") VALUE (" + t.text(args.get(1), close) + "))";
        t.replace(name, close + 1, jsonb ? "CAST(" + agg + " AS JSON(" + PgType.JSONB_H2_LENGTH + "))"
                : "CAST(" + CatalogNames.SCHEMA + ".json_object_agg_text(CAST(" + agg + " AS VARCHAR)) AS " + PgType.JSON_TEXT_COLUMN + ")");
    }

    void rewrite() {
        for (int i = t.size() - 2; i >= 0; i--) {
            Tok k = t.get(i);
            if (k.isWord() && t.get(i + 1).isOpen() && i >= 2 && t.get(i - 1).isDot() && t.is(i - 2, CatalogNames.SCHEMA)
                    && JSON_BUILDERS.contains(k.text.toUpperCase(Locale.ROOT)) && t.closing(i + 1) > 0) {
                // the catalog's Java functions are qualified by now
                String fn = k.text.toUpperCase(Locale.ROOT);
                embedJsonArguments(i, t.closing(i + 1));
                if (fn.startsWith("JSONB") || fn.equals("TO_JSONB")) {
                    // typed jsonb: printed canonical (keys sorted), and a document where another builder takes it
                    int close = t.closing(i + 1);
                    t.replace(i - 2, close + 1, "CAST((" + t.text(i - 2, close + 1) + " FORMAT JSON) AS JSON(" + PgType.JSONB_H2_LENGTH + "))");
                }
                continue;
            }
            if (!k.isWord() || !t.get(i + 1).isOpen() || i > 0 && (t.get(i - 1).isDot() || t.get(i - 1).isOp("::"))) {
                continue;
            }
            String name = k.text.toUpperCase(Locale.ROOT);
            int close = t.closing(i + 1);
            if (close < 0) {
                continue;
            }
            if (JSON_BUILDERS.contains(name)) {
                embedJsonArguments(i, close);
            }
            if (name.equals("EXTRACT") || name.equals("DATE_TRUNC")) {
                isoWeek(i);
            }
            if (name.equals("DATE_TRUNC") && dynamicUnit(i, close)) {
                continue;
            }
            if (name.equals("EXTRACT")) {
                secondFields(i, close);
            }
            if (name.equals("DATE_BIN")) {
                dateBin(i, close);
            } else if (name.equals("CONCAT") && close > i + 2 && t.splitCommas(i + 2, close).size() == 2 && !t.is(i + 2, "VARIADIC")) {
                t.insert(close, ", ''"); // concat(x): H2's CONCAT wants two arguments; '' changes nothing (NULL is '' to both)
            } else if (name.equals("CONCAT_WS") && close > i + 2 && t.splitCommas(i + 2, close).size() == 3 && !t.is(i + 2, "VARIADIC")) {
                t.insert(close, ", NULL"); // concat_ws(sep, x): H2's wants two values after the separator; a NULL is skipped
            } else if (name.equals("JSONB_AGG") || name.equals("JSON_AGG")) {
                arrayAgg(i, close, name.startsWith("JSONB"));
            } else if (name.equals("JSONB_OBJECT_AGG") || name.equals("JSON_OBJECT_AGG")) {
                objectAgg(i, close, name.startsWith("JSONB"));
            } else if (JSONB.contains(name)) {
                t.replace(i, close + 1, "CAST((" + t.text(i, close + 1) + " FORMAT JSON) AS JSON(" + PgType.JSONB_H2_LENGTH + "))");
            } else if (JSON.contains(name)) {
                t.replace(i, close + 1, "CAST(" + t.text(i, close + 1) + " AS " + PgType.JSON_TEXT_COLUMN + ")");
            } else if (INT4.contains(name)) {
                t.replace(i, close + 1, "CAST(" + t.text(i, close + 1) + " AS INTEGER)");
            } else if (name.equals("AVG") && close > i + 2) {
                int from = t.is(i + 2, "DISTINCT") || t.is(i + 2, "ALL") ? i + 3 : i + 2;
                if (from < close) {
                    t.replace(from, close, "(" + t.text(from, close) + ") * CAST(1 AS NUMERIC(" + (AVG_SCALE_MARK + 1) + ", " + AVG_SCALE_MARK + "))");
                }
            }
        }
    }
}
