package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code (a, b) NOT IN (SELECT x, y ...)}: H2 answers NULL for every left row as soon as one row of
 * the subquery holds a NULL, so the predicate drops rows PostgreSQL keeps ({@code (1, 0) NOT IN
 * (VALUES (0, NULL))} is true: 1 = 0 is false whatever the NULL). Written out with H2's row
 * comparison, which is three-valued as PostgreSQL's: false when some subquery row is equal, NULL
 * when none is but some comparison is unknown, true otherwise.
 */
final class RowNotIn {

    private RowNotIn() {}

    /**
     * For a plain {@code SELECT items FROM ... [WHERE ...]}, the EXISTS body that compares the row
     * with the items inside the subquery (so it may read the outer query's columns), open for the
     * IS TRUE / IS NULL that ends it; null for anything else.
     */
    private static String simpleMatch(TokenList t, int select, int close, String left) {
        if (!t.is(select, "SELECT") || t.is(select + 1, "DISTINCT") || t.is(select + 1, "ALL")
                || t.findAny(select + 1, close, "GROUP", "HAVING", "LIMIT", "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "WINDOW",
                "ORDER", "FOR") >= 0) {
            return null;
        }
        int from = t.find(select + 1, close, "FROM");
        if (from < 0 || t.get(select + 1).isOp("*") || t.get(from - 1).isOp("*")) {
            return null;
        }
        for (int k = select + 1; k < from; k++) {
            if (t.get(k).isWord() && RecursiveTerms.AGGREGATES.contains(t.get(k).text.toUpperCase(java.util.Locale.ROOT))
                    && t.get(k + 1) != null && t.get(k + 1).isOpen()) {
                return null; // an aggregate's one row: compared as a derived table
            }
        }
        String items = t.text(select + 1, from);
        int where = t.find(from, close, "WHERE");
        String source = t.text(from + 1, where < 0 ? close : where);
        String condition = where < 0 ? "" : "(" + t.text(where + 1, close) + ") AND ";
        return "(SELECT 1 FROM " + source + " WHERE " + condition + "(" + left + " = (" + items + ")) IS ";
    }

    static void apply(TokenList t) {
        for (int i = 0; i + 3 < t.size(); i++) {
            if (!t.is(i, "NOT") || !t.is(i + 1, "IN") || !t.get(i + 2).isOpen()
                    || !(t.is(i + 3, "SELECT") || t.is(i + 3, "WITH") || t.is(i + 3, "VALUES"))) {
                continue;
            }
            Tok before = t.get(i - 1);
            if (before == null || !before.isClose()) {
                continue;
            }
            int leftOpen = t.opening(i - 1);
            int leftStart = t.is(leftOpen - 1, "ROW") ? leftOpen - 1 : leftOpen;
            List<Integer> items = t.splitCommas(leftOpen + 1, i - 1);
            if (items.size() < 3 || leftStart > 0 && t.get(leftStart - 1).isName() && !t.is(leftStart - 1, "ROW")
                    && !Keywords.isReserved(t.get(leftStart - 1).name())) {
                continue; // one value, or a function's arguments
            }
            int n = items.size() - 1;
            int subClose = t.closing(i + 2);
            String left = t.text(leftOpen, i);
            String match = simpleMatch(t, i + 3, subClose, left);
            if (match == null) {
                // the subquery as a derived table (it may not then read the outer query's columns)
                List<String> names = new ArrayList<>();
                for (int c = 1; c <= n; c++) {
                    names.add("\"__c" + c + "\"");
                }
                match = "(SELECT 1 FROM (" + t.text(i + 3, subClose) + ") AS \"__s\"(" + String.join(", ", names) + ") WHERE (" + left
                        + " = (" + String.join(", ", names) + ")) IS ";
            }
            t.replace(leftStart, subClose + 1, "(CASE WHEN EXISTS " + match + "TRUE) THEN FALSE WHEN EXISTS " + match
                    + "NULL) THEN NULL ELSE TRUE END)");
        }
    }
}
