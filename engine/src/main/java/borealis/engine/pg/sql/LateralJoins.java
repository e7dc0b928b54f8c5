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
 * before them). The rewrites cover what applications write:
 *
 * <ul>
 *   <li>A subquery of one row (an aggregate without GROUP BY, a select without FROM, or LIMIT 1
 *       joined ON true): the item goes, and each of its columns, where the query names it, becomes
 *       a correlated scalar subquery, which H2 has: {@code LEFT JOIN LATERAL (SELECT sum(a) AS total
 *       FROM li WHERE li.o = o.id) x ON true} reads {@code x.total} as {@code (SELECT sum(a) FROM li
 *       WHERE li.o = o.id)}. An inner join of a LIMIT 1 subquery adds {@code EXISTS} to the WHERE.</li>
 *   <li>A subquery correlated in its WHERE: equalities ({@code li.o = o.id}) and other conditions move
 *       to the join's ON (the subquery returns the inner columns they read), a LIMIT becomes a bound
 *       on {@code ROW_NUMBER() OVER (PARTITION BY the inner sides ORDER BY its order)}: the usual
 *       top-N per group. Select-list expressions over outer columns are computed outside.</li>
 *   <li>{@code VALUES} rows: a join with their numbers, each column a CASE over them.</li>
 * </ul>
 *
 * Stars over the item are spelled out first ({@link LateralStars}). Anything else is refused with
 * 0A000 naming LATERAL, rather than left to fail as an unknown column.
 */
final class LateralJoins {

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
        List<List<String>> rows = q.is(0, "VALUES") ? valuesRows(q) : null;
        LateralSubquery sub = rows != null ? null : LateralSubquery.parse(q, outer);
        if (sub == null && rows == null) {
            throw refused(sql, "this LATERAL subquery (a set operation or a WITH)");
        }
        int scopeStart = t.enclosingKeyword(from, "SELECT");
        int scopeEnd = t.regionEnd(Math.max(scopeStart, 0));
        if (scopeStart < 0) {
            throw refused(sql, "LATERAL outside a SELECT");
        }
        List<String> names = rows != null ? valuesNames(rows.get(0).size(), renamed) : sub.outputNames(q, renamed);
        int fromEnd = t.findAny(from + 1, scopeEnd, "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION",
                "INTERSECT", "EXCEPT", "FOR");
        Integer grown = new LateralStars(t).expand(scopeStart, from, fromEnd < 0 ? scopeEnd : fromEnd, alias, aliasText, names);
        if (grown == null) {
            throw refused(sql, "* over a FROM list with a LATERAL subquery and a join with USING or NATURAL (or an unnamed or parenthesized item)");
        }
        if (grown != 0) {
            rewriteAt(lat + grown, sql); // the stars spelled out, the item is where it was, further on
            return;
        }
        if (rows != null) {
            if (!onTrue) {
                throw refused(sql, "a LATERAL VALUES list joined on a condition");
            }
            List<String> numbers = new ArrayList<>();
            for (int r = 1; r <= rows.size(); r++) {
                numbers.add("(" + r + ")");
            }
            String row = SqlQuoting.identifier("__lateral_row");
            List<Edit> edits = new ArrayList<>();
            edits.add(new Edit(joinStart, itemEnd, " CROSS JOIN (VALUES " + String.join(", ", numbers) + ") AS " + aliasText + "(" + row + ") "));
            for (int[] ref : references(scopeStart, scopeEnd, joinStart, itemEnd, alias, names, sql)) {
                StringBuilder c = new StringBuilder("CASE " + aliasText + "." + row);
                for (int r = 0; r < rows.size(); r++) {
                    c.append(" WHEN ").append(r + 1).append(" THEN (").append(rows.get(r).get(ref[2])).append(")");
                }
                edits.add(new Edit(ref[0], ref[1], named(ref, c.append(" END").toString(), names)));
            }
            apply(edits);
            return;
        }
        boolean derivable = !sub.aggregates && !sub.groupBy && !sub.distinct && sub.correlatedOnlyByEqualities
                && (sub.moved.isEmpty() || sub.limit == null && sub.offset == null);
        if (onTrue && (sub.atMostOneRow() || sub.limitOne() && (join.equals("LEFT") || !derivable))) {
            // The item goes; each reference to its columns becomes a correlated scalar subquery. An
            // inner join of at most one row keeps only the outer rows for which there is one.
            String rest = q.text(sub.fromStart, sub.end);
            List<int[]> refs = references(scopeStart, scopeEnd, joinStart, itemEnd, alias, names, sql);
            List<Edit> edits = new ArrayList<>();
            for (int[] ref : refs) {
                edits.add(new Edit(ref[0], ref[1], scalar(ref, sub, rest, names)));
            }
            edits.add(new Edit(joinStart, itemEnd, ""));
            if (!sub.oneRow() && !join.equals("LEFT")) {
                requireRow(edits, itemEnd, scopeEnd, "EXISTS (SELECT 1 " + rest + ")");
            }
            apply(edits);
            return;
        }
        if (sub.noFrom && sub.filtered) {
            throw refused(sql, "a LATERAL select without FROM but with WHERE, joined on a condition");
        }
        if (!derivable) {
            throw refused(sql, sub.moved.isEmpty() || sub.limit == null && sub.offset == null
                    ? "a LATERAL subquery correlated other than by equalities in its WHERE"
                    : "a LATERAL subquery with LIMIT or OFFSET correlated other than by equalities in its WHERE");
        }
        if (selectsAll(scopeStart, from, alias)) {
            throw refused(sql, "* over a LATERAL subquery");
        }
        // Decorrelated: the inner sides of the equalities come out as columns, the equalities go to
        // ON, and so do other correlated conjuncts, over the inner columns they read.
        List<String> select = new ArrayList<>();
        for (int c = 0; c < sub.expressions.size(); c++) {
            if (!sub.computedOutside.containsKey(c)) {
                select.add(sub.expressions.get(c) + " AS " + SqlQuoting.identifier(names.get(c)));
            }
        }
        for (int k = 0; k < sub.exposed.size(); k++) {
            select.add(sub.exposed.get(k) + " AS " + SqlQuoting.identifier(LateralSubquery.exposedName(k)));
        }
        String matched = aliasText + "." + SqlQuoting.identifier("__lateral_match");
        if (!sub.computedOutside.isEmpty()) {
            select.add("TRUE AS " + SqlQuoting.identifier("__lateral_match"));
        }
        List<String> conditions = new ArrayList<>();
        for (String m : sub.moved) {
            conditions.add("(" + qualify(m, sub, aliasText) + ")");
        }
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
        List<Edit> edits = new ArrayList<>();
        edits.add(new Edit(joinStart, itemEnd, (join.equals("LEFT") ? " LEFT JOIN " : " JOIN ") + derived + " ON " + cond + " "));
        if (!sub.computedOutside.isEmpty()) {
            // Columns that read outer tables are computed outside, NULL where a LEFT JOIN found no row.
            for (int[] ref : references(scopeStart, scopeEnd, joinStart, itemEnd, alias, names, sql)) {
                String computed = sub.computedOutside.get(ref[2]);
                if (computed != null) {
                    String expr = "(" + qualify(computed, sub, aliasText) + ")";
                    edits.add(new Edit(ref[0], ref[1], named(ref, join.equals("LEFT")
                            ? "(CASE WHEN " + matched + " IS NULL THEN NULL ELSE " + expr + " END)" : expr, names)));
                }
            }
        }
        apply(edits);
    }

    /** A replacement of tokens [from, to) by {@code text}. */
    private record Edit(int from, int to, String text) {}

    /**
     * Applies non-overlapping edits, the last first, so that the positions of the others hold; at one
     * position a replacement goes before an insertion, which then lands in front of it.
     */
    private void apply(List<Edit> edits) {
        edits.sort((a, b) -> a.from() != b.from() ? Integer.compare(b.from(), a.from()) : Integer.compare(b.to(), a.to()));
        for (Edit e : edits) {
            t.replace(e.from(), e.to(), e.text());
        }
    }

    /** Adds {@code condition} to the WHERE of the query whose FROM item ends at {@code itemEnd} (making one if it has none). */
    private void requireRow(List<Edit> edits, int itemEnd, int scopeEnd, String condition) {
        int where = t.findAny(itemEnd, scopeEnd, "WHERE");
        int whereEnd = t.findAny(where < 0 ? itemEnd : where + 1, scopeEnd, "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET",
                "FETCH", "UNION", "INTERSECT", "EXCEPT", "FOR");
        whereEnd = whereEnd < 0 ? scopeEnd : whereEnd;
        if (where < 0) {
            edits.add(new Edit(whereEnd, whereEnd, " WHERE " + condition + " "));
        } else {
            edits.add(new Edit(where + 1, where + 1, " " + condition + " AND ("));
            edits.add(new Edit(whereEnd, whereEnd, ") "));
        }
    }

    /** A template of {@link LateralSubquery} with its placeholders read from the derived table {@code aliasText}. */
    private static String qualify(String template, LateralSubquery sub, String aliasText) {
        for (int k = 0; k < sub.exposed.size(); k++) {
            String placeholder = SqlQuoting.identifier(LateralSubquery.exposedName(k));
            template = template.replace(placeholder, aliasText + "." + placeholder);
        }
        return template;
    }

    /** The rows of {@code VALUES (a, b), (c, d)}, each as its expressions; null unless every row has as many. */
    private static List<List<String>> valuesRows(TokenList q) {
        List<List<String>> rows = new ArrayList<>();
        List<Integer> starts = q.splitCommas(1, q.size());
        for (int n = 0; n + 1 < starts.size(); n++) {
            int s = starts.get(n);
            int e = starts.get(n + 1) - 1;
            if (q.get(s) == null || !q.get(s).isOpen() || q.closing(s) != e - 1) {
                return null;
            }
            List<String> row = new ArrayList<>();
            List<Integer> cells = q.splitCommas(s + 1, e - 1);
            for (int c = 0; c + 1 < cells.size(); c++) {
                row.add(q.text(cells.get(c), cells.get(c + 1) - 1));
            }
            if (!rows.isEmpty() && rows.get(0).size() != row.size()) {
                return null;
            }
            rows.add(row);
        }
        return rows.isEmpty() ? null : rows;
    }

    /** A VALUES list's column names: the alias's, else PostgreSQL's column1, column2, ... */
    private static List<String> valuesNames(int columns, List<String> renamed) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            out.add(c < renamed.size() ? TokenList.of(renamed.get(c)).get(0).name() : "column" + (c + 1));
        }
        return out;
    }

    /**
     * The correlated scalar subquery that stands for a reference; named as the column when the
     * reference is a whole select item (PostgreSQL names the result column so).
     */
    private String scalar(int[] ref, LateralSubquery sub, String rest, List<String> names) {
        return named(ref, "(SELECT " + sub.expressions.get(ref[2]) + " " + rest + ")", names);
    }

    /** {@code query}, named as the column it stands for when the reference is a whole select item. */
    private String named(int[] ref, String query, List<String> names) {
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

    /** Whether the select list (between {@code select} and {@code from}) still holds {@code *} or {@code alias.*}. */
    private boolean selectsAll(int select, int from, String alias) {
        return !new LateralStars(t).stars(select, from, alias).isEmpty();
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
}
