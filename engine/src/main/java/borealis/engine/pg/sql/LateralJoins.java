package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.RefusedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code LATERAL (subquery)} in FROM, which H2 lacks (its derived tables cannot see the tables
 * before them). Two rewrites cover what applications write:
 *
 * <ul>
 *   <li>A subquery of one row (an aggregate without GROUP BY; or a LEFT JOIN ... ON true of a
 *       subquery with LIMIT 1): the item goes, and each of its columns, where the query names it,
 *       becomes a correlated scalar subquery, which H2 has: {@code LEFT JOIN LATERAL (SELECT sum(a)
 *       AS total FROM li WHERE li.o = o.id) x ON true} reads {@code x.total} as {@code (SELECT sum(a)
 *       FROM li WHERE li.o = o.id)}.</li>
 *   <li>A subquery correlated only by equalities in its WHERE ({@code li.o = o.id}), with any ORDER
 *       BY and LIMIT/OFFSET: the equalities move to the join's ON (the subquery returns their inner
 *       sides as extra columns) and a LIMIT becomes a bound on {@code ROW_NUMBER() OVER (PARTITION BY
 *       the inner sides ORDER BY its order)}: the usual top-N per group.</li>
 * </ul>
 *
 * Anything else (correlation in the select list, a non-equality, a {@code *} over the item) is
 * refused with 0A000 naming LATERAL, rather than left to fail as an unknown column.
 */
final class LateralJoins {

    private static final Set<String> AGGREGATES = Set.of("count", "sum", "avg", "min", "max", "array_agg", "string_agg", "json_agg",
            "jsonb_agg", "json_object_agg", "jsonb_object_agg", "bool_and", "bool_or", "every", "bit_and", "bit_or");
    private static final String[] CLAUSES = {"FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION",
        "INTERSECT", "EXCEPT", "FOR"};
    private static final String[] ITEM_ENDS = {"JOIN", "LEFT", "RIGHT", "INNER", "CROSS", "FULL", "NATURAL", "WHERE", "GROUP", "HAVING",
        "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "FOR", "ON", "USING"};

    private final TokenList t;

    LateralJoins(TokenList t) {
        this.t = t;
    }

    /** Rewrites every LATERAL subquery, last first (an earlier one's indexes stay valid); returns whether there was one. */
    boolean rewrite(String sql) {
        boolean any = false;
        for (int i = t.size() - 2; i >= 0; i--) {
            if (!t.is(i, "LATERAL")) {
                continue;
            }
            if (t.get(i + 1).isOpen() && (t.is(i + 2, "SELECT") || t.is(i + 2, "WITH") || t.is(i + 2, "VALUES"))) {
                rewriteAt(i, sql);
                any = true;
            } else if (t.get(i + 1).isName()) {
                // LATERAL before a function call: PostgreSQL's functions in FROM are lateral anyway.
                t.remove(i, i + 1);
                any = true;
            }
        }
        return any;
    }

    private void rewriteAt(int lat, String sql) {
        int open = lat + 1;
        int close = t.closing(open);
        int j = close + 1;
        if (t.is(j, "AS")) {
            j++;
        }
        if (t.get(j) == null || !t.get(j).isName() || isClause(t.get(j))) {
            throw refused(sql, "a LATERAL subquery without an alias");
        }
        String alias = t.get(j).name();
        String aliasText = t.get(j).text;
        j++;
        List<String> renamed = new ArrayList<>();
        if (t.get(j) != null && t.get(j).isOpen()) {
            int listClose = t.closing(j);
            for (int k = j + 1; k < listClose; k++) {
                if (t.get(k).isName()) {
                    renamed.add(t.get(k).text);
                }
            }
            j = listClose + 1;
        }
        int itemEnd = j;
        // How the item is joined: a comma, CROSS JOIN, [INNER] JOIN ... ON, LEFT [OUTER] JOIN ... ON.
        int joinStart = lat;
        String join;
        if (t.get(lat - 1).isComma()) {
            join = "CROSS";
            joinStart = lat - 1;
        } else if (t.is(lat - 1, "JOIN")) {
            joinStart = lat - 1;
            join = "INNER";
            if (t.is(joinStart - 1, "CROSS") || t.is(joinStart - 1, "INNER")) {
                join = t.get(joinStart - 1).text.toUpperCase(Locale.ROOT);
                joinStart--;
            } else if (t.is(joinStart - 1, "OUTER") && t.is(joinStart - 2, "LEFT")) {
                join = "LEFT";
                joinStart -= 2;
            } else if (t.is(joinStart - 1, "LEFT")) {
                join = "LEFT";
                joinStart--;
            }
            join = join.equals("INNER") && !t.is(itemEnd, "ON") ? "CROSS" : join;
        } else {
            throw refused(sql, "LATERAL as the first item of FROM");
        }
        String on = null;
        if (t.is(itemEnd, "ON")) {
            int end = t.findAny(itemEnd + 1, t.regionEnd(itemEnd + 1), ITEM_ENDS);
            int commaEnd = commaAt(itemEnd + 1);
            end = end < 0 ? t.regionEnd(itemEnd + 1) : end;
            end = commaEnd >= 0 ? Math.min(end, commaEnd) : end;
            on = t.text(itemEnd + 1, end);
            itemEnd = end;
        }
        boolean onTrue = on == null || on.trim().equalsIgnoreCase("true");
        int from = t.enclosingKeyword(lat, "FROM");
        if (from < 0) {
            throw refused(sql, "LATERAL outside a FROM clause");
        }
        Set<String> outer = itemNames(t, from + 1, joinStart);
        TokenList q = TokenList.of(t.text(open + 1, close));
        Subquery sub = Subquery.parse(q, outer);
        if (sub == null) {
            throw refused(sql, "this LATERAL subquery (a set operation or a WITH)");
        }
        int scopeStart = t.enclosingKeyword(from, "SELECT");
        int scopeEnd = t.regionEnd(Math.max(scopeStart, 0));
        if (scopeStart < 0) {
            throw refused(sql, "LATERAL outside a SELECT");
        }
        List<String> names = sub.outputNames(q, renamed);
        if ((sub.oneRow() || join.equals("LEFT") && onTrue && sub.limitOne()) && onTrue) {
            // The item goes; each reference to its columns becomes a correlated scalar subquery.
            String rest = q.text(sub.fromStart, sub.end);
            List<int[]> refs = references(scopeStart, scopeEnd, joinStart, itemEnd, alias, names, sql);
            for (int r = refs.size() - 1; r >= 0; r--) {
                int[] ref = refs.get(r);
                if (ref[0] >= itemEnd) {
                    t.replace(ref[0], ref[1], scalar(ref, sub, rest, names));
                }
            }
            t.remove(joinStart, itemEnd);
            for (int r = refs.size() - 1; r >= 0; r--) {
                int[] ref = refs.get(r);
                if (ref[1] <= joinStart) {
                    t.replace(ref[0], ref[1], scalar(ref, sub, rest, names));
                }
            }
            return;
        }
        if (sub.aggregates || sub.groupBy || sub.distinct || !sub.correlatedOnlyByEqualities) {
            throw refused(sql, "a LATERAL subquery correlated other than by equalities in its WHERE");
        }
        if (selectsAll(scopeStart, from, alias)) {
            throw refused(sql, "* over a LATERAL subquery");
        }
        // Decorrelated: the inner sides of the equalities come out as columns, the equalities go to ON.
        List<String> select = new ArrayList<>();
        for (int c = 0; c < sub.expressions.size(); c++) {
            select.add(sub.expressions.get(c) + " AS " + SqlQuoting.identifier(names.get(c)));
        }
        List<String> conditions = new ArrayList<>();
        for (int k = 0; k < sub.innerKeys.size(); k++) {
            String key = "__lateral_key_" + k;
            select.add(sub.innerKeys.get(k) + " AS " + SqlQuoting.identifier(key));
            conditions.add(aliasText + "." + SqlQuoting.identifier(key) + " = " + sub.outerKeys.get(k));
        }
        if (sub.limit != null || sub.offset != null) {
            String order = sub.orderBy == null ? "" : " ORDER BY " + sub.orderBy;
            String partition = sub.innerKeys.isEmpty() ? "" : "PARTITION BY " + String.join(", ", sub.innerKeys);
            select.add("ROW_NUMBER() OVER (" + partition + order + ") AS " + SqlQuoting.identifier("__lateral_row"));
            String row = aliasText + "." + SqlQuoting.identifier("__lateral_row");
            String first = sub.offset == null ? "0" : "(" + sub.offset + ")";
            conditions.add(row + " > " + first);
            if (sub.limit != null) {
                conditions.add(row + " <= " + first + " + (" + sub.limit + ")");
            }
        }
        String where = sub.remainingWhere.isEmpty() ? "" : " WHERE " + String.join(" AND ", sub.remainingWhere);
        String derived = "(SELECT " + String.join(", ", select) + " " + q.text(sub.fromStart, sub.fromEnd) + where
                + (sub.tail.isEmpty() ? "" : " " + sub.tail) + ") " + aliasText;
        if (!onTrue) {
            conditions.add(0, "(" + on + ")");
        }
        String cond = conditions.isEmpty() ? "TRUE" : String.join(" AND ", conditions);
        t.replace(joinStart, itemEnd, (join.equals("LEFT") ? " LEFT JOIN " : " JOIN ") + derived + " ON " + cond + " ");
    }

    /**
     * The correlated scalar subquery that stands for a reference; named as the column when the
     * reference is a whole select item (PostgreSQL names the result column so).
     */
    private String scalar(int[] ref, Subquery sub, String rest, List<String> names) {
        String query = "(SELECT " + sub.expressions.get(ref[2]) + " " + rest + ")";
        Tok before = t.get(ref[0] - 1);
        Tok after = t.get(ref[1]);
        boolean item = (before.is("SELECT") || before.is("DISTINCT") || before.isComma())
                && (after == null || after.isComma() || after.is("FROM") || after.isClose())
                && t.enclosingKeyword(ref[0], "SELECT", "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "BY", "ON") >= 0
                && t.get(t.enclosingKeyword(ref[0], "SELECT", "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "BY", "ON")).is("SELECT");
        return item ? query + " AS " + SqlQuoting.identifier(names.get(ref[2])) : query;
    }

    /** Index of the first depth-0 comma at or after {@code from} in its region, or -1. */
    private int commaAt(int from) {
        int depth = 0;
        for (int i = from; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.isOpen()) {
                depth++;
            } else if (k.isClose()) {
                if (depth == 0) {
                    return -1;
                }
                depth--;
            } else if (depth == 0 && k.isComma()) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the select list (between {@code select} and {@code from}) holds {@code *} or {@code alias.*}. */
    private boolean selectsAll(int select, int from, String alias) {
        int depth = 0;
        for (int i = select + 1; i < from; i++) {
            Tok k = t.get(i);
            if (k.isOpen()) {
                depth++;
            } else if (k.isClose()) {
                depth--;
            } else if (depth == 0 && k.isOp("*")) {
                Tok before = t.get(i - 1);
                boolean star = before.is("SELECT") || before.isComma() || before.is("DISTINCT")
                        || before.isDot() && t.get(i - 2).isName() && t.get(i - 2).name().equals(alias);
                if (star) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * References to the item's columns in the query around it (outside the item): {@code alias.col}
     * and a bare {@code col}; each as {from, to, column}.
     */
    private List<int[]> references(int start, int end, int itemStart, int itemEnd, String alias, List<String> names, String sql) {
        List<int[]> refs = new ArrayList<>();
        for (int k = start; k < end; k++) {
            if (k >= itemStart && k < itemEnd) {
                continue;
            }
            Tok tok = t.get(k);
            if (!tok.isName()) {
                continue;
            }
            boolean qualified = k + 2 < end && t.get(k + 1).isDot() && tok.name().equals(alias) && t.get(k + 2).isName();
            if (qualified) {
                int col = names.indexOf(t.get(k + 2).name());
                if (col < 0) {
                    throw refused(sql, "a reference to a column the LATERAL subquery does not have");
                }
                refs.add(new int[] {k, k + 3, col});
                k += 2;
                continue;
            }
            if (tok.isOp("*")) {
                continue;
            }
            boolean bare = names.contains(tok.name()) && !(k > 0 && (t.get(k - 1).isDot() || t.get(k - 1).is("AS")))
                    && !(t.get(k + 1) != null && (t.get(k + 1).isDot() || t.get(k + 1).isOpen()));
            if (bare) {
                refs.add(new int[] {k, k + 1, names.indexOf(tok.name())});
            }
        }
        if (selectsAll(start, t.find(start, end, "FROM") < 0 ? start : t.find(start, end, "FROM"), alias)) {
            throw refused(sql, "* over a LATERAL subquery");
        }
        return refs;
    }

    /** The names the FROM items in [from, to) of {@code l} go by: each table's name (last part) and its alias. */
    static Set<String> itemNames(TokenList l, int from, int to) {
        Set<String> names = new HashSet<>();
        boolean itemStart = true;
        for (int i = from; i < to && i < l.size(); i++) {
            Tok k = l.get(i);
            if (k.isOpen()) {
                i = l.closing(i);
                itemStart = false;
                continue;
            }
            if (k.isComma() || k.is("JOIN")) {
                itemStart = true;
                continue;
            }
            if (k.is("ON") || k.is("USING")) {
                // skip the join condition up to the next item
                int end = l.findAny(i + 1, to, "JOIN", "LEFT", "RIGHT", "INNER", "CROSS", "FULL", "NATURAL");
                int comma = -1;
                for (int c = i + 1; c < (end < 0 ? to : end); c++) {
                    if (l.get(c).isOpen()) {
                        c = l.closing(c);
                    } else if (l.get(c).isComma()) {
                        comma = c;
                        break;
                    }
                }
                int next = comma >= 0 ? comma : end < 0 ? to : end;
                i = next - 1;
                itemStart = false;
                continue;
            }
            if (k.isName() && !isClause(k) && !k.is("AS") && !k.is("LATERAL") && !k.is("ONLY")
                    && !(l.get(i + 1) != null && (l.get(i + 1).isDot() || l.get(i + 1).isOpen()))) {
                names.add(k.name()); // a table's (last) name or an alias
            }
            itemStart = false;
        }
        return names;
    }

    private static boolean isClause(Tok k) {
        String w = k.text.toUpperCase(Locale.ROOT);
        for (String c : ITEM_ENDS) {
            if (c.equals(w)) {
                return true;
            }
        }
        for (String c : CLAUSES) {
            if (c.equals(w)) {
                return true;
            }
        }
        return false;
    }

    private static RefusedStatement refused(String sql, String what) {
        return new RefusedStatement(sql, PgError.error("0A000", what + " is not supported by Borealis"));
    }

    /** A LATERAL subquery taken apart: its select list, FROM, WHERE conjuncts and what follows. */
    private static final class Subquery {
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

        boolean noFrom;

        boolean oneRow() {
            return aggregates && !groupBy || noFrom;
        }

        boolean limitOne() {
            return limit != null && limit.trim().equals("1") && !groupBy;
        }

        static Subquery parse(TokenList q, Set<String> outer) {
            if (!q.is(0, "SELECT") || q.findAny(0, q.size(), "UNION", "INTERSECT", "EXCEPT") >= 0) {
                return null;
            }
            Subquery s = new Subquery();
            int start = 1;
            if (q.is(1, "DISTINCT") || q.is(1, "ALL")) {
                s.distinct = q.is(1, "DISTINCT");
                start = 2;
            }
            int from = q.find(0, q.size(), "FROM");
            s.end = q.size();
            int listEnd = from < 0 ? q.size() : from;
            List<Integer> starts = q.splitCommas(start, listEnd);
            for (int c = 0; c + 1 < starts.size(); c++) {
                int a = starts.get(c);
                int b = starts.get(c + 1) - 1;
                int as = q.find(a, b, "AS");
                String expr;
                String label;
                if (as >= 0) {
                    expr = q.text(a, as);
                    label = q.get(as + 1).name();
                } else if (b - a >= 2 && q.get(b - 1).isName() && !q.get(b - 2).isDot() && !q.get(b - 2).isOp("::")
                        && (q.get(b - 2).isName() || q.get(b - 2).isClose())) {
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
                if (refersTo(q, a, b, outer)) {
                    s.correlatedOnlyByEqualities = false;
                }
            }
            if (from < 0) {
                s.fromStart = s.fromEnd = q.size();
                s.noFrom = true;
                return s;
            }
            s.fromStart = from;
            int fromEnd = q.findAny(from + 1, q.size(), "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR");
            s.fromEnd = fromEnd < 0 ? q.size() : fromEnd;
            Set<String> inner = itemNames(q, from + 1, s.fromEnd);
            Set<String> outside = new HashSet<>(outer);
            outside.removeAll(inner);
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
                    correlatedOnlyByEqualities = false;
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
                    correlatedOnlyByEqualities = false;
                }
            }
        }

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
}
