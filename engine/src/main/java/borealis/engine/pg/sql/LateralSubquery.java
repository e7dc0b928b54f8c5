package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A LATERAL subquery taken apart for {@link LateralJoins}: its select list (expressions and the
 * names they go by), FROM, WHERE conjuncts (the equalities that correlate it with the outer query
 * split out as keys), ORDER BY, LIMIT and OFFSET, and whether it aggregates.
 */
final class LateralSubquery {

    private static final Set<String> AGGREGATES = Set.of("count", "sum", "avg", "min", "max", "array_agg", "string_agg", "json_agg",
            "jsonb_agg", "json_object_agg", "jsonb_object_agg", "bool_and", "bool_or", "every", "bit_and", "bit_or");

    final List<String> expressions = new ArrayList<>();
    final List<String> labels = new ArrayList<>();
    int fromStart;
    int fromEnd;
    int end;
    boolean aggregates;
    boolean groupBy;
    boolean distinct;
    String orderBy;
    String limit;
    String offset;
    /** GROUP BY ... HAVING ... as written (kept in the decorrelated form, which refuses aggregates anyway). */
    String tail = "";
    final List<String> remainingWhere = new ArrayList<>();
    final List<String> innerKeys = new ArrayList<>();
    final List<String> outerKeys = new ArrayList<>();
    boolean correlatedOnlyByEqualities = true;
    /**
     * Select-list expressions that read outer columns (by index), as {@link #template}s: a
     * decorrelated subquery cannot compute them, the outer query does.
     */
    final java.util.Map<Integer, String> computedOutside = new java.util.HashMap<>();
    /** Correlated conjuncts that go to the join's ON, reading the inner columns {@link #exposed} by placeholder. */
    final List<String> moved = new ArrayList<>();
    final List<String> exposed = new ArrayList<>();

    boolean noFrom;

    /** Exactly one row: an aggregate without GROUP BY or HAVING, or a select without FROM or WHERE. */
    boolean oneRow() {
        return aggregates && !groupBy && !having || noFrom && !filtered;
    }

    /** At most one row: the same, HAVING or WHERE allowed (which may leave none). */
    boolean atMostOneRow() {
        return aggregates && !groupBy || noFrom;
    }

    boolean having;
    /** A select without FROM has a WHERE (or another clause) after its select list. */
    boolean filtered;

    boolean limitOne() {
        return limit != null && limit.trim().equals("1") && !groupBy;
    }

    static LateralSubquery parse(TokenList q, Set<String> outer) {
        if (!q.is(0, "SELECT") || q.findAny(0, q.size(), "UNION", "INTERSECT", "EXCEPT") >= 0) {
            return null;
        }
        LateralSubquery s = new LateralSubquery();
        int start = 1;
        if (q.is(1, "DISTINCT") || q.is(1, "ALL")) {
            s.distinct = q.is(1, "DISTINCT");
            start = 2;
        }
        int from = q.find(0, q.size(), "FROM");
        s.end = q.size();
        int clause = from >= 0 ? -1 : q.findAny(start, q.size(), "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH");
        int listEnd = from >= 0 ? from : clause >= 0 ? clause : q.size();
        int fromEndAt = from < 0 ? -1
                : q.findAny(from + 1, q.size(), "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR");
        Set<String> outside = new HashSet<>(outer);
        if (from >= 0) {
            outside.removeAll(LateralJoins.itemNames(q, from + 1, fromEndAt < 0 ? q.size() : fromEndAt));
        }
        List<Integer> starts = q.splitCommas(start, listEnd);
        for (int c = 0; c + 1 < starts.size(); c++) {
            int a = starts.get(c);
            int b = starts.get(c + 1) - 1;
            int as = q.find(a, b, "AS");
            String expr;
            String label;
            int exprEnd = b;
            if (as >= 0) {
                exprEnd = as;
                expr = q.text(a, as);
                label = q.get(as + 1).name();
            } else if (b - a >= 2 && q.get(b - 1).isName() && !q.get(b - 2).isDot() && !q.get(b - 2).isOp("::")
                    && (q.get(b - 2).isName() || q.get(b - 2).isClose())) {
                exprEnd = b - 1;
                expr = q.text(a, b - 1); // expression followed by a bare alias
                label = q.get(b - 1).name();
            } else {
                expr = q.text(a, b);
                boolean call = q.get(a).isName() && q.get(a + 1) != null && q.get(a + 1).isOpen() && q.closing(a + 1) == b - 1;
                label = call ? q.get(a).name() : q.get(b - 1).isName() ? q.get(b - 1).name() : "?column?";
            }
            s.expressions.add(expr);
            s.labels.add(label);
            for (int k = a; k < b; k++) {
                if (q.get(k).isName() && AGGREGATES.contains(q.get(k).name()) && q.get(k + 1) != null && q.get(k + 1).isOpen()) {
                    int closeAgg = q.closing(k + 1);
                    boolean window = q.is(closeAgg + 1, "OVER") || q.is(closeAgg + 1, "FILTER") && q.is(q.closing(closeAgg + 2) + 1, "OVER");
                    s.aggregates |= !window;
                }
            }
            if (refersTo(q, a, b, outside)) {
                String computed = from >= 0 ? s.template(q, a, exprEnd, outside) : null;
                if (computed != null) {
                    s.computedOutside.put(s.expressions.size() - 1, computed);
                } else {
                    s.correlatedOnlyByEqualities = false;
                }
            }
        }
        if (from < 0) {
            // SELECT o.x WHERE o.y > 0: the clauses stay with the scalar subquery that stands for it
            s.fromStart = s.fromEnd = listEnd;
            s.noFrom = true;
            s.filtered = clause >= 0;
            return s;
        }
        s.fromStart = from;
        s.fromEnd = fromEndAt < 0 ? q.size() : fromEndAt;
        if (refersTo(q, from + 1, s.fromEnd, outside)) {
            s.correlatedOnlyByEqualities = false;
        }
        int i = s.fromEnd;
        while (i < q.size()) {
            int next = q.findAny(i + 1, q.size(), "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR");
            int stop = next < 0 ? q.size() : next;
            if (q.is(i, "WHERE")) {
                s.where(q, i + 1, stop, outside);
            } else if (q.is(i, "GROUP") || q.is(i, "HAVING") || q.is(i, "WINDOW")) {
                s.groupBy |= q.is(i, "GROUP");
                s.having |= q.is(i, "HAVING");
                s.tail = (s.tail + " " + q.text(i, stop)).trim();
                if (refersTo(q, i, stop, outside)) {
                    s.correlatedOnlyByEqualities = false;
                }
            } else if (q.is(i, "ORDER")) {
                s.orderBy = q.text(i + 2, stop);
                if (refersTo(q, i, stop, outside)) {
                    s.correlatedOnlyByEqualities = false;
                }
            } else if (q.is(i, "LIMIT")) {
                s.limit = q.text(i + 1, stop);
            } else if (q.is(i, "OFFSET")) {
                int rows = q.findAny(i + 1, stop, "ROW", "ROWS");
                s.offset = q.text(i + 1, rows < 0 ? stop : rows);
            } else if (q.is(i, "FETCH")) {
                // FETCH FIRST n ROWS ONLY
                int n = i + 2;
                int rows = q.findAny(n, stop, "ROW", "ROWS");
                s.limit = rows > n ? q.text(n, rows) : "1";
            } else {
                return null; // FOR UPDATE and the like
            }
            i = stop;
        }
        return s;
    }

    /** Splits the WHERE into conjuncts: correlated equalities become keys, the rest stays. */
    private void where(TokenList q, int from, int to, Set<String> outside) {
        List<int[]> parts = new ArrayList<>();
        int depth = 0;
        int start = from;
        boolean between = false;
        for (int k = from; k < to; k++) {
            Tok tok = q.get(k);
            if (tok.isOpen()) {
                depth++;
            } else if (tok.isClose()) {
                depth--;
            } else if (depth == 0 && tok.is("BETWEEN")) {
                between = true;
            } else if (depth == 0 && tok.is("OR")) {
                // a top-level OR: the whole WHERE is one conjunct
                parts.clear();
                parts.add(new int[] {from, to});
                start = to;
                break;
            } else if (depth == 0 && tok.is("AND")) {
                if (between) {
                    between = false;
                    continue;
                }
                parts.add(new int[] {start, k});
                start = k + 1;
            }
        }
        if (start < to) {
            parts.add(new int[] {start, to});
        }
        for (int[] p : parts) {
            if (!refersTo(q, p[0], p[1], outside)) {
                remainingWhere.add(q.text(p[0], p[1]));
                continue;
            }
            int eq = -1;
            for (int k = p[0]; k < p[1]; k++) {
                if (q.get(k).isOp("=") && eq < 0) {
                    eq = k;
                } else if (q.get(k).isOpen()) {
                    k = q.closing(k);
                }
            }
            if (eq < 0) {
                move(q, p[0], p[1], outside);
                continue;
            }
            boolean leftOuter = isOuterColumn(q, p[0], eq, outside);
            boolean rightOuter = isOuterColumn(q, eq + 1, p[1], outside);
            if (leftOuter && !refersTo(q, eq + 1, p[1], outside)) {
                outerKeys.add(q.text(p[0], eq));
                innerKeys.add(q.text(eq + 1, p[1]));
            } else if (rightOuter && !refersTo(q, p[0], eq, outside)) {
                outerKeys.add(q.text(eq + 1, p[1]));
                innerKeys.add(q.text(p[0], eq));
            } else {
                move(q, p[0], p[1], outside);
            }
        }
    }

    /** A correlated conjunct that is no key equality ({@code i.price > o.total / 4}) moves to the join's ON ({@link #template}). */
    private void move(TokenList q, int from, int to, Set<String> outside) {
        String m = template(q, from, to, outside);
        if (m == null) {
            correlatedOnlyByEqualities = false;
        } else {
            moved.add(m);
        }
    }

    /**
     * Correlated text [from, to) as the outer query can compute it once the subquery is a derived
     * table: each inner column it reads comes out of the subquery as {@code "__lateral_col_n"},
     * which stands in the text. Bare names are the inner tables' columns, as PostgreSQL looks there
     * first (an outer one then fails as unknown inside, never silently). Null for text with a
     * subquery or a window of its own, which stays refused.
     */
    private String template(TokenList q, int from, int to, Set<String> outside) {
        StringBuilder out = new StringBuilder();
        int copied = from;
        for (int k = from; k < to; k++) {
            Tok tok = q.get(k);
            if (!tok.isName()) {
                continue;
            }
            if (tok.is("SELECT") || tok.is("OVER")) {
                return null;
            }
            Tok next = q.get(k + 1);
            Tok prev = k > from ? q.get(k - 1) : null;
            if (next != null && next.isDot() && !(prev != null && prev.isDot())) {
                int end = k + 2;
                while (q.get(end + 1) != null && q.get(end + 1).isDot()) {
                    end += 2;
                }
                if (!outside.contains(tok.name())) {
                    out.append(q.text(copied, k)).append(' ').append(exposedColumn(q.text(k, end + 1))).append(' ');
                    copied = end + 1;
                }
                k = end;
                continue;
            }
            boolean notAColumn = next != null && (next.isOpen() && tok.isWord() || next.isString()
                    || next.is("FROM") && tok.isWord() && DATE_FIELDS.contains(tok.name()))
                    || prev != null && (prev.isOp("::") || prev.is("AS"))
                    || tok.isWord() && (Keywords.isReserved(tok.name()) || OPERATOR_WORDS.contains(tok.name()));
            if (!notAColumn) {
                out.append(q.text(copied, k)).append(' ').append(exposedColumn(q.text(k, k + 1))).append(' ');
                copied = k + 1;
            }
        }
        return out.append(q.text(copied, to)).toString();
    }

    /** The placeholder of an inner column a moved conjunct reads, exposed once however often it is read. */
    private String exposedColumn(String inner) {
        int n = exposed.indexOf(inner);
        if (n < 0) {
            n = exposed.size();
            exposed.add(inner);
        }
        return SqlQuoting.identifier(exposedName(n));
    }

    static String exposedName(int n) {
        return "__lateral_col_" + n;
    }

    /** The fields of EXTRACT(field FROM x), which name no column. */
    private static final Set<String> DATE_FIELDS = Set.of("century", "day", "decade", "dow", "doy", "epoch", "hour", "isodow",
            "isoyear", "julian", "microseconds", "millennium", "milliseconds", "minute", "month", "quarter", "second", "timezone",
            "timezone_hour", "timezone_minute", "week", "year");

    /** Words of an expression that name no column. */
    private static final Set<String> OPERATOR_WORDS = Set.of("is", "like", "ilike", "between", "similar", "escape", "interval",
            "isnull", "notnull", "collate", "at", "zone");

    /** Whether [from, to) is exactly one qualified column of an outer table ({@code o.id}). */
    private static boolean isOuterColumn(TokenList q, int from, int to, Set<String> outside) {
        return to - from == 3 && q.get(from).isName() && outside.contains(q.get(from).name()) && q.get(from + 1).isDot()
                && q.get(from + 2).isName();
    }

    /** Whether [from, to) names a column qualified by one of {@code names} ({@code o.id}). */
    private static boolean refersTo(TokenList q, int from, int to, Set<String> names) {
        for (int k = from; k + 2 < to + 1 && k + 1 < q.size(); k++) {
            if (q.get(k).isName() && names.contains(q.get(k).name()) && q.get(k + 1).isDot()
                    && !(k > 0 && q.get(k - 1).isDot())) {
                return true;
            }
        }
        return false;
    }

    /** The names of its columns: the alias's column list where given, else the labels. */
    List<String> outputNames(TokenList q, List<String> renamed) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            out.add(c < renamed.size() ? TokenList.of(renamed.get(c)).get(0).name() : labels.get(c));
        }
        return out;
    }
}
