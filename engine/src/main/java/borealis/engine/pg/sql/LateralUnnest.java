package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code unnest(x.col)} in FROM, where the array comes from another table of the query: PostgreSQL
 * evaluates a function in FROM laterally (once per row of the tables before it, or of the outer
 * query), H2 evaluates table functions once and cannot see outer columns ("Column ... not found").
 * Django reads constraint columns so: {@code array(SELECT attname FROM unnest(c.conkey) WITH
 * ORDINALITY cols(colid, arridx) JOIN pg_attribute ... ORDER BY cols.arridx)}.
 *
 * <p>The function becomes a range of subscripts that a condition bounds by the array's length, and
 * its columns become the element at the subscript and the subscript (the ordinality):
 * {@code unnest(E) WITH ORDINALITY u(v, n)} is {@code SYSTEM_RANGE(1, 2147483647) AS u} with
 * {@code u.X <= CARDINALITY(E)} added to the ON or WHERE clause, {@code u.v} is {@code (E)[u.X]} and
 * {@code u.n} is {@code u.X}. H2 uses the bound as the range's index condition, so each row costs
 * its array's length (measured: instant for a 2-billion range). Only single-array unnest with a
 * qualified column reference is rewritten; unnest of a literal, a parameter or ARRAY[...] is H2's own.
 */
final class LateralUnnest {

    private static final String[] CLAUSE_ENDS = {"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH", "WINDOW",
            "UNION", "INTERSECT", "EXCEPT", "FOR", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL"};
    private static final String[] WHERE_ENDS = {"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH", "WINDOW", "UNION",
            "INTERSECT", "EXCEPT", "FOR"};

    private final TokenList t;

    LateralUnnest(TokenList t) {
        this.t = t;
    }

    /** Rewrites every lateral unnest; returns whether there was one. */
    boolean rewrite() {
        boolean any = false;
        for (int i = 1; i + 1 < t.size(); i++) {
            boolean function = t.is(i, "unnest") || t.is(i, "generate_series") || t.get(i).isWord() && JSON_SETS.contains(t.get(i).name());
            if (function && t.get(i + 1).isOpen() && startsFromItem(i - 1) && rewriteAt(i)) {
                any = true;
            }
        }
        return any;
    }

    /** json/jsonb set-returning functions read by subscript like unnest (JsonSetFunctions has their FROM form). */
    private static final java.util.Set<String> JSON_SETS = java.util.Set.of("jsonb_each", "jsonb_each_text", "json_each",
            "json_each_text", "jsonb_array_elements", "jsonb_array_elements_text", "json_array_elements", "json_array_elements_text",
            "jsonb_object_keys", "json_object_keys");

    /**
     * The columns at a subscript of a json function over {@code doc}, and what bounds it: an
     * array's elements ({@code doc -> (i - 1)}, or {@code ->>} for _text), an object's keys in the
     * function's order ({@code json_keys(doc)[i]}) and their values.
     */
    private static void jsonElements(String name, String doc, String subscript, List<String> elements, List<String> lengths) {
        String arrow = name.endsWith("_text") ? " ->> " : " -> ";
        if (name.contains("_array_elements")) {
            elements.add(doc + arrow + "(" + subscript + " - 1)");
            lengths.add("COALESCE(" + (name.startsWith("jsonb") ? "jsonb" : "json") + "_array_length(" + doc + "), 0)");
            return;
        }
        String keys = CatalogNames.SCHEMA + ".json_keys(" + doc + ", " + name.startsWith("jsonb") + ")";
        String key = keys + "[" + subscript + "]";
        elements.add(key);
        if (name.contains("_each")) {
            elements.add(doc + arrow + key);
        }
        lengths.add("COALESCE(CARDINALITY(" + keys + "), 0)");
    }

    private boolean startsFromItem(int before) {
        Tok b = t.get(before);
        return b.is("FROM") || b.is("JOIN") || b.is("LATERAL") || b.isComma() && insideFrom(before);
    }

    /** Whether a comma belongs to a FROM list (the nearest clause keyword to its left at its depth is FROM). */
    private boolean insideFrom(int comma) {
        int k = t.enclosingKeyword(comma, "FROM", "SELECT", "WHERE", "SET", "VALUES");
        return k >= 0 && t.is(k, "FROM");
    }

    private boolean rewriteAt(int fn) {
        int open = fn + 1;
        int close = t.closing(open);
        if (close < 0 || !hasQualifiedName(open + 1, close)) {
            return false;
        }
        List<Integer> starts = t.splitCommas(open + 1, close);
        List<String> arrays = new ArrayList<>();
        for (int a = 0; a + 1 < starts.size(); a++) {
            arrays.add("(" + t.text(starts.get(a), starts.get(a + 1) - 1) + ")");
        }
        String name = t.get(fn).name();
        boolean series = name.equals("generate_series");
        if (series ? arrays.size() != 2 && arrays.size() != 3 : !name.equals("unnest") && arrays.size() != 1) {
            return false;
        }
        int j = close + 1;
        boolean ordinality = t.is(j, "WITH") && t.is(j + 1, "ORDINALITY");
        if (ordinality) {
            j += 2;
        }
        if (t.is(j, "AS")) {
            j++;
        }
        String alias = name;
        boolean aliased = t.get(j) != null && t.get(j).isName() && !isClauseWord(t.get(j));
        if (aliased) {
            alias = t.get(j).name();
            j++;
        }
        List<String> columns = new ArrayList<>();
        if (aliased && t.get(j) != null && t.get(j).isOpen()) {
            int listClose = t.closing(j);
            for (int k = j + 1; k < listClose; k++) {
                if (t.get(k).isName()) {
                    columns.add(t.get(k).name());
                }
            }
            j = listClose + 1;
        }
        boolean json = JSON_SETS.contains(name);
        if (columns.isEmpty() && json) {
            // PostgreSQL's names: the OUT parameters', or the function's own (the alias's) for object_keys
            columns.addAll(name.endsWith("_each") || name.endsWith("_each_text") ? List.of("key", "value")
                    : name.endsWith("_object_keys") ? List.of(alias) : List.of("value"));
        }
        if (columns.isEmpty()) {
            columns.add(arrays.size() == 1 || series ? alias : "unnest");
        }
        int results = series || json ? 1 : arrays.size(); // columns before the ordinality: unnest has one per array
        while (columns.size() < results) {
            columns.add("unnest");
        }
        if (ordinality && columns.size() < results + 1) {
            columns.add("ordinality");
        }
        String range = SqlQuoting.identifier(alias);
        String subscript = range + ".\"X\""; // SYSTEM_RANGE's column, named in upper case
        // One array: its length bounds the subscripts. Several (unnest(a, b)): the longest does, and
        // the shorter ones give NULL past their end, as PostgreSQL pads them (H2's a[i] would fail).
        List<String> elements = new ArrayList<>();
        List<String> lengths = new ArrayList<>();
        if (json) {
            jsonElements(name, arrays.get(0), subscript, elements, lengths);
        } else if (series) {
            // start + (n - 1) * step: int4 stays int4, a timestamp steps by an interval
            String step = arrays.size() == 3 ? arrays.get(2) : "1";
            elements.add("(" + arrays.get(0) + " + CAST(" + subscript + " - 1 AS INTEGER) * " + step + ")");
            lengths.add(CatalogNames.SCHEMA + ".series_length(" + arrays.get(0) + ", " + arrays.get(1) + ", " + step + ")");
        } else {
            for (String array : arrays) {
                String length = "COALESCE(CARDINALITY(" + array + "), 0)"; // NULL: no rows
                lengths.add(length);
                elements.add(arrays.size() == 1 ? array + "[" + subscript + "]"
                        : "CASE WHEN " + subscript + " <= " + length + " THEN " + array + "[" + subscript + "] END");
            }
        }
        String bound = subscript + " <= " + (lengths.size() == 1 ? lengths.get(0) : "GREATEST(" + String.join(", ", lengths) + ")");
        int scopeStart = scopeStart(fn);
        int scopeEnd = t.regionEnd(scopeStart);
        // References first (they lie to the right and left of the item), then the item, then the bound.
        List<int[]> refs = new ArrayList<>();
        for (int k = scopeStart; k < scopeEnd; k++) {
            if (k >= fn && k < j) {
                continue;
            }
            Tok tok = t.get(k);
            if (!tok.isName()) {
                continue;
            }
            boolean qualified = k + 2 < scopeEnd && t.get(k + 1).isDot() && tok.name().equals(alias) && t.get(k + 2).isName();
            int col = qualified ? columns.indexOf(t.get(k + 2).name()) : -1;
            if (qualified && col >= 0) {
                refs.add(new int[] {k, k + 3, col});
                k += 2;
            } else if (!qualified && columns.contains(tok.name()) && !(k > 0 && (t.get(k - 1).isDot() || t.get(k - 1).is("AS")))
                    && !(t.get(k + 1) != null && (t.get(k + 1).isDot() || t.get(k + 1).isOpen()))) {
                refs.add(new int[] {k, k + 1, columns.indexOf(tok.name())});
            } else if (!qualified && json && columns.size() == 1 && tok.name().equals(alias)
                    && !(k > 0 && (t.get(k - 1).isDot() || t.get(k - 1).is("AS")))
                    && !(t.get(k + 1) != null && (t.get(k + 1).isDot() || t.get(k + 1).isOpen()))) {
                refs.add(new int[] {k, k + 1, 0, 1}); // the alias of a one-column function: its row, shown as its value
            }
        }
        // Where the item starts (LATERAL is implied) and what joins it to the tables on its left.
        int item = t.is(fn - 1, "LATERAL") ? fn - 1 : fn;
        Tok before = t.get(item - 1);
        int joinStart = item;
        boolean left = false;
        if (before.is("JOIN")) {
            joinStart = item - 1;
            if (t.is(joinStart - 1, "OUTER")) {
                joinStart--;
            }
            Tok kind = t.get(joinStart - 1);
            if (kind.is("LEFT")) {
                left = true;
                joinStart--;
            } else if (kind.is("INNER") || kind.is("CROSS")) {
                joinStart--;
            } else if (kind.is("RIGHT") || kind.is("FULL") || kind.is("NATURAL")) {
                return false;
            }
        } else if (before.isComma()) {
            joinStart = item - 1;
        }
        boolean first = joinStart == item;
        int on = t.is(j, "ON") ? j : -1;
        String onClause = on >= 0 ? null : " ON " + bound;
        // Edits from right to left keep the indexes valid.
        List<Object[]> edits = new ArrayList<>();
        if (t.is(scopeStart, "SELECT") && t.get(scopeStart + 1) != null && t.get(scopeStart + 1).isOp("*") && t.is(scopeStart + 2, "FROM")) {
            // SELECT * shows the function's columns by their names (Django's index introspection reads them so).
            StringBuilder star = new StringBuilder(otherItemsStar(scopeStart + 2, fn, scopeEnd));
            for (int c = 0; c < columns.size(); c++) {
                star.append(", ").append(c < elements.size() ? elements.get(c) : subscript).append(" AS ").append(SqlQuoting.identifier(columns.get(c)));
            }
            edits.add(new Object[] {scopeStart + 1, scopeStart + 2, star.toString()});
        }
        for (int[] r : refs) {
            String expr = r[2] < elements.size() ? elements.get(r[2]) : subscript;
            // A whole select-list item keeps the column's name, as PostgreSQL gives it.
            if (selectItem(r[0], r[1])) {
                expr += " AS " + SqlQuoting.identifier(r.length > 3 ? alias : columns.get(r[2]));
            }
            edits.add(new Object[] {r[0], r[1], expr});
        }
        String rangeItem = "SYSTEM_RANGE(1, 2147483647) AS " + range;
        if (first) {
            edits.add(new Object[] {item, j, rangeItem});
            addToWhere(edits, j, scopeEnd, bound);
        } else {
            // A LEFT JOIN keeps the tables on the left evaluated first, so the bound is the range's
            // index condition (as an inner join, H2 may put the 2-billion range first and scan it).
            edits.add(new Object[] {joinStart, j, (joinStart == item - 1 && before.isComma() ? " " : "") + "LEFT JOIN " + rangeItem
                    + (onClause != null ? onClause : "")});
            if (on >= 0) {
                int end = clauseEnd(on + 1, scopeEnd);
                edits.add(new Object[] {end, end, ")"});
                edits.add(new Object[] {on + 1, on + 1, bound + " AND ("});
            }
            if (!left) {
                addToWhere(edits, on >= 0 ? clauseEnd(on + 1, scopeEnd) : j, scopeEnd, subscript + " IS NOT NULL");
            }
        }
        // Right to left; at one position a replacement before an insertion, and insertions in the
        // reverse of their order here, so that the text reads in the order they were added.
        List<Object[]> order = new ArrayList<>(edits);
        java.util.Collections.reverse(order);
        order.sort((a, b) -> Integer.compare((int) b[0], (int) a[0]) != 0 ? Integer.compare((int) b[0], (int) a[0])
                : Integer.compare((int) b[1], (int) a[1]));
        for (Object[] e : order) {
            int from = (int) e[0];
            int to = (int) e[1];
            if (from == to) {
                t.insert(from, (String) e[2]);
            } else {
                t.replace(from, to, (String) e[2]);
            }
        }
        return true;
    }

    /**
     * The other FROM items' columns as {@code a.*, b.*}: a bare * would also show the range's X.
     * A plain * when an item is not a (qualified) name or a parenthesized one with an alias.
     */
    private String otherItemsStar(int from, int unnest, int scopeEnd) {
        List<String> stars = new ArrayList<>();
        int end = t.findAny(from + 1, scopeEnd, WHERE_ENDS);
        int w = t.find(from + 1, scopeEnd, "WHERE");
        end = w >= 0 && (end < 0 || w < end) ? w : end < 0 ? scopeEnd : end;
        int k = from + 1;
        while (k < end) {
            if (t.get(k).isComma() || t.get(k).is("JOIN") || t.get(k).is("LEFT") || t.get(k).is("RIGHT") || t.get(k).is("INNER")
                    || t.get(k).is("CROSS") || t.get(k).is("FULL") || t.get(k).is("OUTER") || t.get(k).is("LATERAL")) {
                k++;
                continue;
            }
            if (t.get(k).is("ON") || t.get(k).is("USING")) {
                int next = clauseEnd(k + 1, end);
                k = next > k ? next : end;
                continue;
            }
            int itemEnd;
            String name = null;
            if (t.get(k).isOpen()) {
                itemEnd = t.closing(k) + 1;
            } else if (t.get(k).isName()) {
                itemEnd = k + 1;
                name = t.get(k).name();
                while (t.get(itemEnd) != null && t.get(itemEnd).isDot() && t.get(itemEnd + 1) != null && t.get(itemEnd + 1).isName()) {
                    name = t.get(itemEnd + 1).name();
                    itemEnd += 2;
                }
                if (t.get(itemEnd) != null && t.get(itemEnd).isOpen()) {
                    itemEnd = t.closing(itemEnd) + 1; // a function
                    name = null;
                }
            } else {
                return "*";
            }
            if (t.is(itemEnd, "WITH") && t.is(itemEnd + 1, "ORDINALITY")) {
                itemEnd += 2;
            }
            if (t.is(itemEnd, "AS")) {
                itemEnd++;
            }
            if (t.get(itemEnd) != null && t.get(itemEnd).isName() && !isClauseWord(t.get(itemEnd))) {
                name = t.get(itemEnd).name();
                itemEnd++;
                if (t.get(itemEnd) != null && t.get(itemEnd).isOpen()) {
                    itemEnd = t.closing(itemEnd) + 1;
                }
            }
            if (k != unnest && k != unnest - 1) {
                if (name == null) {
                    return "*";
                }
                stars.add(SqlQuoting.identifier(name) + ".*");
            }
            k = itemEnd;
        }
        return stars.isEmpty() ? "*" : String.join(", ", stars);
    }

    private boolean selectItem(int from, int to) {
        Tok before = t.get(from - 1);
        Tok after = t.get(to);
        return before != null && (before.is("SELECT") || before.is("DISTINCT") || before.isComma() && !insideFrom(from - 1))
                && (after == null || after.isComma() || after.is("FROM") || after.isClose());
    }

    /** Adds a condition to this query level's WHERE (created where it would stand if there is none). */
    private void addToWhere(List<Object[]> edits, int from, int scopeEnd, String condition) {
        int where = findWhere(from, scopeEnd);
        if (where >= 0 && t.is(where, "WHERE")) {
            int end = whereEnd(where + 1, scopeEnd);
            edits.add(new Object[] {end, end, ")"});
            edits.add(new Object[] {where + 1, where + 1, condition + " AND ("});
        } else {
            int at = where >= 0 ? where : scopeEnd;
            edits.add(new Object[] {at, at, "WHERE " + condition});
        }
    }

    private boolean hasQualifiedName(int from, int to) {
        for (int k = from; k + 2 <= to; k++) {
            if (t.get(k).isName() && t.get(k + 1).isDot() && t.get(k + 2) != null && t.get(k + 2).isName()) {
                return true;
            }
        }
        return false;
    }

    private static boolean isClauseWord(Tok tok) {
        if (!tok.isWord()) {
            return false;
        }
        for (String k : CLAUSE_ENDS) {
            if (tok.is(k)) {
                return true;
            }
        }
        return tok.is("ON") || tok.is("USING");
    }

    /** The first token of the (sub)query around {@code i}: after its innermost unmatched "(", or 0. */
    private int scopeStart(int i) {
        int depth = 0;
        for (int k = i - 1; k >= 0; k--) {
            Tok tok = t.get(k);
            if (tok.isClose()) {
                depth++;
            } else if (tok.isOpen()) {
                if (depth == 0) {
                    return k + 1;
                }
                depth--;
            }
        }
        return 0;
    }

    /** The WHERE of this query level after {@code from}, or where one would go (the next clause), or -1 for the end. */
    private int findWhere(int from, int to) {
        int w = t.find(from, to, "WHERE");
        int next = t.findAny(from, to, WHERE_ENDS);
        if (w >= 0 && (next < 0 || w < next)) {
            return w;
        }
        return next;
    }

    private int whereEnd(int from, int to) {
        int e = t.findAny(from, to, WHERE_ENDS);
        return e < 0 ? to : e;
    }

    private int clauseEnd(int from, int to) {
        int e = t.findAny(from, to, CLAUSE_ENDS);
        int comma = -1;
        int depth = 0;
        for (int k = from; k < to; k++) {
            Tok tok = t.get(k);
            if (tok.isOpen()) {
                depth++;
            } else if (tok.isClose()) {
                depth--;
            } else if (depth == 0 && tok.isComma()) {
                comma = k;
                break;
            }
        }
        int end = e < 0 ? to : e;
        return comma >= 0 && comma < end ? comma : end;
    }
}
