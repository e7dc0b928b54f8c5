package borealis.engine.pg.sql;

import java.util.List;

/**
 * {@code WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT * FROM t LIMIT 10},
 * the usual series generator: PostgreSQL computes the recursion only as far as the LIMIT reads
 * it; H2 computes it to the end, which here is never (the statement ran until the heap guard
 * cancelled it, out of memory). Each round of the recursion adds at least one row or ends it, so
 * the first n rows come from the first n rounds: a round counter ({@code "__depth"}) stops the
 * recursion there. Only that plain form is rewritten: one CTE with a column list, UNION ALL, and
 * a query that reads nothing else (no WHERE, ORDER BY, GROUP BY or DISTINCT) with a LIMIT of a
 * number (and an OFFSET of one).
 */
final class RecursiveLimit {

    private static final String DEPTH = "\"__depth\"";
    private static final String[] CLAUSES = {"WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION",
        "INTERSECT", "EXCEPT", "FOR"};

    private final TokenList t;

    RecursiveLimit(TokenList t) {
        this.t = t;
    }

    void rewrite() {
        if (!t.is(0, "WITH") || !t.is(1, "RECURSIVE") || t.get(2) == null || !t.get(2).isName() || t.get(3) == null || !t.get(3).isOpen()) {
            return;
        }
        String name = t.get(2).name();
        int colsClose = t.closing(3);
        if (!t.is(colsClose + 1, "AS") || t.get(colsClose + 2) == null || !t.get(colsClose + 2).isOpen()) {
            return;
        }
        int bodyOpen = colsClose + 2;
        int bodyClose = t.closing(bodyOpen);
        int main = bodyClose + 1;
        if (!t.is(main, "SELECT") || t.is(main + 1, "DISTINCT")) {
            return;
        }
        long bound = mainLimit(t, main, name);
        if (bound < 0) {
            return;
        }
        // the body: base UNION ALL recursive, neither with clauses of its own after its FROM's end
        int union = t.find(bodyOpen + 1, bodyClose, "UNION");
        if (union < 0 || !t.is(union + 1, "ALL") || t.find(union + 2, bodyClose, "UNION") >= 0) {
            return;
        }
        int rec = union + 2;
        if (!t.is(rec, "SELECT") || t.findAny(rec, bodyClose, "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH", "WINDOW") >= 0
                || t.is(rec + 1, "DISTINCT")) {
            return;
        }
        int recFrom = t.find(rec, bodyClose, "FROM");
        if (recFrom < 0) {
            return;
        }
        int base = bodyOpen + 1;
        List<Integer> valuesRows = null;
        int baseListEnd;
        if (t.is(base, "VALUES")) {
            valuesRows = t.splitCommas(base + 1, union);
            for (int r = 0; r + 1 < valuesRows.size(); r++) {
                if (t.get(valuesRows.get(r)) == null || !t.get(valuesRows.get(r)).isOpen()) {
                    return;
                }
            }
            baseListEnd = -1;
        } else if (t.is(base, "SELECT")) {
            int e = t.findAny(base, union, "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT");
            baseListEnd = e < 0 ? union : e;
        } else {
            return;
        }
        String columns = t.text(4, colsClose);
        List<String> names = new java.util.ArrayList<>();
        for (int c = 4; c < colsClose; c++) {
            if (t.get(c).isName()) {
                names.add(t.get(c).text);
            }
        }
        // edits, the last first
        int where = t.find(recFrom, bodyClose, "WHERE");
        if (where < 0) {
            t.insert(bodyClose, " WHERE " + DEPTH + " < " + bound + " ");
        } else {
            t.insert(bodyClose, ") ");
            t.insert(where + 1, DEPTH + " < " + bound + " AND (");
        }
        t.insert(recFrom, ", " + DEPTH + " + 1 ");
        if (valuesRows != null) {
            for (int r = valuesRows.size() - 2; r >= 0; r--) {
                int open = valuesRows.get(r);
                t.insert(t.closing(open), ", 0");
            }
        } else {
            t.insert(baseListEnd, ", 0 ");
        }
        t.insert(colsClose, ", " + DEPTH);
        // the main query's * stands for the CTE's own columns only
        int mainStart = t.find(0, t.size(), "SELECT") < 0 ? -1 : lastMainSelect();
        if (mainStart >= 0 && t.get(mainStart + 1).isOp("*") && t.is(mainStart + 2, "FROM")) {
            t.replace(mainStart + 1, mainStart + 2, columns);
        } else if (mainStart >= 0 && t.get(mainStart + 1).isName() && t.get(mainStart + 2).isDot() && t.get(mainStart + 3).isOp("*")
                && t.is(mainStart + 4, "FROM")) {
            String q = t.get(mainStart + 1).text;
            t.replace(mainStart + 1, mainStart + 4, String.join(", ", names.stream().map(n -> q + "." + n).toList()));
        }
    }

    /**
     * How many rows the main query at {@code main} reads at most when it is {@code SELECT ... FROM
     * cte [alias] LIMIT n [OFFSET m]} and nothing else (no WHERE, ORDER BY, GROUP BY, DISTINCT);
     * -1 otherwise. Also for {@link RecursiveUnion}.
     */
    static long mainLimit(TokenList t, int main, String cte) {
        if (!t.is(main, "SELECT") || t.is(main + 1, "DISTINCT")) {
            return -1;
        }
        int from = t.find(main, t.size(), "FROM");
        if (from < 0 || t.get(from + 1) == null || !t.get(from + 1).isName() || !t.get(from + 1).name().equals(cte)) {
            return -1;
        }
        int k = from + 2;
        if (t.is(k, "AS")) {
            k++;
        }
        if (t.get(k) != null && t.get(k).isName() && !t.is(k, "LIMIT")) {
            k++;
        }
        if (!t.is(k, "LIMIT") || !isNumber(t, k + 1)) {
            return -1;
        }
        long bound = Long.parseLong(t.get(k + 1).text);
        int end = k + 2;
        if (t.is(end, "OFFSET") && isNumber(t, end + 1)) {
            bound += Long.parseLong(t.get(end + 1).text);
            end += 2;
        }
        while (t.get(end) != null && t.get(end).kind == SqlLexer.Kind.SEMICOLON) {
            end++;
        }
        return end == t.size() && bound <= 1_000_000 ? bound : -1;
    }

    /** The SELECT of the main query: the first at depth 0 after the WITH list. */
    private int lastMainSelect() {
        int close = t.closing(t.find(0, t.size(), "AS") + 1);
        return t.is(close + 1, "SELECT") ? close + 1 : -1;
    }

    private static boolean isNumber(TokenList t, int i) {
        Tok k = t.get(i);
        return k != null && k.kind == SqlLexer.Kind.NUMBER && k.text.chars().allMatch(Character::isDigit) && k.text.length() < 10;
    }
}
