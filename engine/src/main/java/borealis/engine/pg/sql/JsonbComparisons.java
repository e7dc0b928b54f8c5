package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.types.PgType;
import java.util.Set;

/**
 * Comparisons and ORDER BY keys of jsonb expressions in PostgreSQL's jsonb order: H2 compares
 * JSON by its bytes (80 > 100, {"b":1,"a":2} differs from {"a":2,"b":1}). {@code a > b} becomes
 * {@code jsonb_cmp(a, b) > 0} and {@code ORDER BY a} {@code ORDER BY jsonb_sort_key(a)} when a or
 * b is jsonb as written: a {@code ->} or {@code #>} result, or a cast to jsonb. Runs after the other
 * expression rules, on the forms they leave (CAST(... AS JSON(n)) with jsonb's marking length).
 * Comparisons between jsonb columns alone are not seen (the rewriter does not know column types).
 */
final class JsonbComparisons {

    private static final String CAT = CatalogNames.SCHEMA;
    private static final String JSONB_LENGTH = Long.toString(PgType.JSONB_H2_LENGTH);
    private static final String JSON_LENGTH = Long.toString(PgType.JSON_TEXT_LENGTH);
    private static final String NO_OPERATOR_HINT = "No operator matches the given name and argument types. You might need to add explicit type casts.";
    private static final Set<String> COMPARISONS = Set.of("=", "<>", "!=", "<", "<=", ">", ">=");

    private final TokenList t;

    JsonbComparisons(TokenList t) {
        this.t = t;
    }

    void rewrite() {
        between();
        comparisons();
        orderKeys();
    }

    /** a BETWEEN b AND c with a jsonb among them: (a >= b AND a <= c) in jsonb's order. */
    private void between() {
        for (int i = 1; i + 3 < t.size(); i++) {
            if (!t.is(i, "BETWEEN") || t.is(i + 1, "SYMMETRIC") || t.is(i + 1, "ASYMMETRIC")) {
                continue;
            }
            boolean not = t.is(i - 1, "NOT");
            int start = t.primaryStart(not ? i - 1 : i);
            int lowEnd = t.primaryEnd(i + 1);
            if (!t.is(lowEnd, "AND") || lowEnd + 1 >= t.size()) {
                continue;
            }
            int end = t.primaryEnd(lowEnd + 1);
            int aEnd = not ? i - 1 : i;
            if (start >= aEnd || !(isJsonb(start, aEnd) || isJsonb(i + 1, lowEnd) || isJsonb(lowEnd + 1, end))) {
                continue;
            }
            String a = t.text(start, aEnd);
            String call = (not ? "NOT " : "") + "(" + CAT + ".jsonb_cmp(" + a + ", " + t.text(i + 1, lowEnd) + ", '>=') >= 0 AND " + CAT
                    + ".jsonb_cmp(" + a + ", " + t.text(lowEnd + 1, end) + ", '<=') <= 0)";
            t.replace(start, end, call);
            i = start;
        }
    }

    private void comparisons() {
        for (int i = 1; i + 1 < t.size(); i++) {
            Tok op = t.get(i);
            if (op.kind != SqlLexer.Kind.OPERATOR || !COMPARISONS.contains(op.text)) {
                continue;
            }
            int start = t.primaryStart(i);
            int end = t.primaryEnd(i + 1);
            if (start >= i || end <= i + 1 || isAssignment(start, i)) {
                continue;
            }
            boolean jsonLeft = isJson(start, i);
            boolean jsonRight = isJson(i + 1, end);
            if (jsonLeft && (jsonRight || isJsonb(i + 1, end)) || jsonRight && isJsonb(start, i)) {
                // json has no comparison operators in PostgreSQL (its text is kept as given)
                throw new PgException(new PgError("ERROR", "42883", "operator does not exist: " + (jsonLeft ? "json " : "jsonb ") + op.text
                        + (jsonRight ? " json" : " jsonb"), null, NO_OPERATOR_HINT));
            }
            if (!(isJsonb(start, i) || isJsonb(i + 1, end))) {
                continue;
            }
            String call = CAT + ".jsonb_cmp(" + t.text(start, i) + ", " + t.text(i + 1, end) + ", " + SqlQuoting.literal(op.text)
                    + ") " + op.text + " 0";
            t.replace(start, end, call);
            i = start;
        }
    }

    /** UPDATE ... SET col = jsonb: an assignment, not a comparison. */
    private boolean isAssignment(int start, int op) {
        Tok before = t.get(start - 1);
        if (before == null || !(before.is("SET") || before.isComma()) || !t.get(start).isName()) {
            return false;
        }
        int clause = t.enclosingKeyword(start, "SET", "WHERE", "WHEN", "THEN", "ELSE", "ON", "HAVING", "AND", "OR", "NOT", "SELECT",
                "RETURNING", "BY", "VALUES");
        return clause >= 0 && t.get(clause).is("SET");
    }

    /** ORDER BY items (also of windows and aggregates) that are jsonb sort by their jsonb sort key. */
    private void orderKeys() {
        for (int i = 0; i + 1 < t.size(); i++) {
            if (!t.is(i, "ORDER") || !t.is(i + 1, "BY")) {
                continue;
            }
            int from = i + 2;
            int region = t.regionEnd(from);
            int stop = t.findAny(from, region, "LIMIT", "OFFSET", "FETCH", "FOR", "UNION", "EXCEPT", "INTERSECT", "ROWS", "RANGE",
                    "GROUPS");
            int end = stop < 0 ? region : stop;
            while (end > from && t.get(end - 1).kind == SqlLexer.Kind.SEMICOLON) {
                end--;
            }
            int select = t.enclosingKeyword(i, "SELECT");
            if (select >= 0 && t.is(select + 1, "DISTINCT") || t.enclosingKeyword(i, "UNION", "INTERSECT", "EXCEPT") >= 0) {
                continue; // H2 sorts these only by result columns: H2's order stays
            }
            java.util.List<Integer> items = t.splitCommas(from, end);
            // right to left: a replacement changes the indexes after it
            for (int k = items.size() - 2; k >= 0; k--) {
                int s = items.get(k);
                int itemEnd = items.get(k + 1) - 1;
                int modifier = t.findAny(s, itemEnd, "ASC", "DESC", "NULLS", "USING");
                int e = modifier < 0 ? itemEnd : modifier;
                String expression = e > s && isJsonb(s, e) ? t.text(s, e) : e == s + 1 && select >= 0 ? selectedJsonb(select, t.get(s)) : null;
                if (expression != null) {
                    t.replace(s, e, CAT + ".jsonb_sort_key(" + expression + ")");
                }
            }
        }
    }

    /** ORDER BY 2 or ORDER BY alias: the select list's jsonb expression it names, or null. */
    private String selectedJsonb(int select, Tok item) {
        int from = t.findAny(select + 1, t.regionEnd(select + 1), "FROM", "WHERE", "GROUP", "ORDER", "LIMIT");
        java.util.List<Integer> columns = t.splitCommas(select + 1, from < 0 ? t.regionEnd(select + 1) : from);
        for (int c = 0; c + 1 < columns.size(); c++) {
            int s = columns.get(c);
            int e = columns.get(c + 1) - 1;
            int as = e - 2 >= s && t.is(e - 2, "AS") ? e - 2 : e;
            boolean named = item.kind == SqlLexer.Kind.NUMBER ? item.text.equals(Integer.toString(c + 1))
                    : item.isName() && as < e && t.get(e - 1).isName() && t.get(e - 1).name().equals(item.name());
            if (named) {
                return isJsonb(s, as) ? t.text(s, as) : null;
            }
        }
        return null;
    }

    /** Whether [s, e) is a cast to json: CAST(... AS VARCHAR(n)) with json's marking length. */
    private boolean isJson(int s, int e) {
        return isCastTo(s, e, "VARCHAR", JSON_LENGTH);
    }

    /** Whether [s, e) is a jsonb expression as the earlier rules write one: a cast to jsonb, or the COALESCE of a -> result. */
    boolean isJsonb(int s, int e) {
        if (isCastTo(s, e, "JSON", JSONB_LENGTH)) {
            return true;
        }
        while (e - s >= 2 && t.get(s).isOpen() && t.closing(s) == e - 1) {
            s++;
            e--;
        }
        if (e - s >= 4 && t.is(s, "COALESCE") && t.get(s + 1).isOpen() && t.closing(s + 1) == e - 1) {
            java.util.List<Integer> args = t.splitCommas(s + 2, e - 1);
            return args.size() > 2 && isJsonb(s + 2, args.get(1) - 1);
        }
        return false;
    }

    /** Whether [s, e), in parentheses or not, is CAST(... AS type(length)). */
    private boolean isCastTo(int s, int e, String type, String length) {
        while (e - s >= 2 && t.get(s).isOpen() && t.closing(s) == e - 1) {
            s++;
            e--;
        }
        return e - s >= 8 && t.is(s, "CAST") && t.get(s + 1).isOpen() && t.closing(s + 1) == e - 1 && t.is(e - 6, "AS")
                && t.is(e - 5, type) && t.get(e - 4).isOpen() && t.get(e - 3).text.equals(length) && t.get(e - 2).isClose();
    }
}
