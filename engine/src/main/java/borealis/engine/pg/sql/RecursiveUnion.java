package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code WITH RECURSIVE t(cols) AS (base UNION recursive)}: PostgreSQL feeds the next round only
 * the rows no earlier round produced, so a recursion that comes back to a row it has seen ends
 * ({@code SELECT 1 UNION SELECT 10 - n FROM t} is {1, 9}). H2 removes duplicates from the result
 * but feeds every row of a round to the next, so that query never ended: it allocated gigabytes
 * until the heap guard cancelled it, and the CPU debt such a cancel leaves held up the session's
 * next statements for 20-30 s (PostgreSQL's with.sql).
 *
 * <p>Rewritten as a UNION ALL CTE {@code t__all} whose rows carry {@code "__new"}: whether the row
 * is new to this run of the recursion ({@code recursion_new_row}, computed once per row produced,
 * in the select list: in WHERE, H2 evaluates it before the join condition and more than once).
 * The recursive term expands only new rows, and {@code t} becomes {@code SELECT cols FROM t__all
 * WHERE "__new"}: the same rows in the same order, and the recursion ends where PostgreSQL's does.
 * With a main query that only reads {@code t} up to a LIMIT, a round counter bounds it as
 * {@link RecursiveLimit} does (each round adds a new row or ends the recursion). Rewritten only
 * where the rows are known: a column list on the CTE, and a recursive term that is a plain SELECT
 * (no DISTINCT, GROUP BY, HAVING or window, no *) reading the CTE once in its FROM.
 */
final class RecursiveUnion {

    private static final String CAT = CatalogNames.SCHEMA;
    private static final String NEW = "\"__new\"";
    private static final String DEPTH = "\"__depth\"";

    private final TokenList t;

    RecursiveUnion(TokenList t) {
        this.t = t;
    }

    void rewrite() {
        if (!t.is(0, "WITH") || !t.is(1, "RECURSIVE")) {
            return;
        }
        List<int[]> ctes = new ArrayList<>();
        int i = 2;
        while (t.get(i) != null && t.get(i).isName() && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
            int colsClose = t.closing(i + 1);
            if (!t.is(colsClose + 1, "AS") || t.get(colsClose + 2) == null || !t.get(colsClose + 2).isOpen()) {
                return;
            }
            int bodyClose = t.closing(colsClose + 2);
            ctes.add(new int[] {i, colsClose, bodyClose});
            if (t.get(bodyClose + 1) == null || !t.get(bodyClose + 1).isComma()) {
                break;
            }
            i = bodyClose + 2;
        }
        long bound = ctes.size() == 1 ? RecursiveLimit.mainLimit(t, ctes.get(0)[2] + 1, t.get(2).name()) : -1;
        // last first: an edit moves what follows it
        for (int c = ctes.size() - 1; c >= 0; c--) {
            rewrite(ctes.get(c), c, bound);
        }
    }

    private void rewrite(int[] cte, int ordinal, long bound) {
        int nameAt = cte[0];
        int colsClose = cte[1];
        int bodyOpen = colsClose + 2;
        int bodyClose = cte[2];
        String name = t.get(nameAt).name();
        int union = -1;
        for (int k = bodyOpen + 1; k < bodyClose; k++) {
            if (t.get(k).isOpen()) {
                k = t.closing(k);
            } else if (t.is(k, "UNION") || t.is(k, "INTERSECT") || t.is(k, "EXCEPT")) {
                if (union >= 0 || !t.is(k, "UNION")) {
                    return;
                }
                union = k;
            }
        }
        if (union < 0 || t.is(union + 1, "ALL")) {
            return;
        }
        int rec = t.is(union + 1, "DISTINCT") ? union + 2 : union + 1;
        if (!t.is(rec, "SELECT") || t.is(rec + 1, "DISTINCT") || t.is(rec + 1, "ALL")) {
            return;
        }
        int from = topLevel(rec + 1, bodyClose, "FROM");
        if (from < 0 || topLevel(rec + 1, bodyClose, "GROUP") >= 0 || topLevel(rec + 1, bodyClose, "HAVING") >= 0
                || topLevel(rec + 1, bodyClose, "WINDOW") >= 0 || topLevel(rec + 1, from, "OVER") >= 0) {
            return;
        }
        int where = topLevel(from, bodyClose, "WHERE");
        int fromEnd = where < 0 ? bodyClose : where;
        int ref = reference(name, from + 1, fromEnd);
        if (ref < 0) {
            return; // no recursion: H2's UNION is PostgreSQL's
        }
        List<String> values = selectValues(rec + 1, from);
        List<String> columns = new ArrayList<>();
        for (int k = nameAt + 2; k < colsClose; k++) {
            if (t.get(k).isName()) {
                columns.add(t.get(k).text);
            }
        }
        if (values == null || columns.size() != values.size()) {
            return;
        }
        Tok after = t.get(ref + 1);
        boolean aliased = t.is(ref + 1, "AS") || after != null && after.isName() && !Keywords.isReserved(after.text);
        String alias = t.is(ref + 1, "AS") ? t.get(ref + 2).text : aliased ? after.text : t.get(ref).text;
        String all = SqlQuoting.identifier(name + "__all");
        String site = SqlQuoting.literal(name + "#" + ordinal);
        String cols = String.join(", ", columns);
        // edits from the right: the wrapper CTE, the recursive term's filter, its FROM, its select list, the base
        t.insert(bodyClose + 1, ", " + t.get(nameAt).text + "(" + cols + ") AS (SELECT " + cols + " FROM " + all + " WHERE " + NEW + ")");
        String expand = alias + "." + NEW + (bound >= 0 ? " AND " + alias + "." + DEPTH + " < " + bound : "");
        if (where < 0) {
            t.insert(bodyClose, " WHERE " + expand + " ");
        } else {
            t.insert(bodyClose, ") AND " + expand + " ");
            t.insert(where + 1, "(");
        }
        t.replace(ref, ref + 1, aliased ? all : all + " AS " + t.get(ref).text);
        t.insert(from, ", " + CAT + ".recursion_new_row(" + site + ", FALSE, ROW(" + String.join(", ", values) + "))"
                + (bound >= 0 ? ", " + alias + "." + DEPTH + " + 1" : "") + " ");
        t.replace(union, rec, "UNION ALL");
        t.insert(union, ") AS \"__base\"(" + cols + ") ");
        t.insert(bodyOpen + 1, "SELECT *, " + CAT + ".recursion_new_row(" + site + ", TRUE, ROW(" + cols + "))"
                + (bound >= 0 ? ", 0" : "") + " FROM (");
        t.replace(colsClose, colsClose + 1, ", " + NEW + (bound >= 0 ? ", " + DEPTH : "") + ")");
        t.replace(nameAt, nameAt + 1, all);
    }

    /** The select list's expressions without their aliases; null if one is a * or cannot be told apart. */
    private List<String> selectValues(int from, int to) {
        List<String> values = new ArrayList<>();
        List<Integer> items = t.splitCommas(from, to);
        for (int k = 0; k + 1 < items.size(); k++) {
            int s = items.get(k);
            int e = items.get(k + 1) - 1;
            if (e - s >= 3 && t.is(e - 2, "AS")) {
                e -= 2;
            } else if (e - s >= 2 && t.get(e - 1).isName() && !t.get(e - 2).isDot() && !t.get(e - 2).isOp("::")
                    && (t.get(e - 2).isName() || t.get(e - 2).isClose() || t.get(e - 2).isString()
                    || t.get(e - 2).kind == SqlLexer.Kind.NUMBER)) {
                e -= 1; // expr alias
            }
            if (e <= s || t.get(e - 1).isOp("*")) {
                return null;
            }
            values.add(t.text(s, e));
        }
        return values;
    }

    /** Where the recursive term's FROM reads the CTE (the only reference PostgreSQL allows), or -1. */
    private int reference(String name, int from, int to) {
        int found = -1;
        for (int k = from; k < to; k++) {
            Tok tok = t.get(k);
            if (tok.isOpen()) {
                k = t.closing(k);
                continue;
            }
            if (tok.isName() && tok.name().equals(name) && !t.get(k - 1).isDot() && (t.get(k + 1) == null || !t.get(k + 1).isDot())) {
                if (found >= 0) {
                    return -1;
                }
                found = k;
            }
        }
        return found;
    }

    /** The keyword's position in [from, to) outside parentheses, or -1. */
    private int topLevel(int from, int to, String keyword) {
        for (int k = from; k < to; k++) {
            if (t.get(k).isOpen()) {
                k = t.closing(k);
            } else if (t.is(k, keyword)) {
                return k;
            }
        }
        return -1;
    }
}
