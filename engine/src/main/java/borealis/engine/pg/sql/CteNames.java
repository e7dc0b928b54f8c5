package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Common table expressions named as H2 can hold them.
 *
 * <p>A CTE named like a table: PostgreSQL reads the name as the CTE wherever the CTE is visible;
 * H2 reads it as the table ({@code WITH orders AS (SELECT * FROM orders WHERE ...) SELECT * FROM
 * orders} gave every row of the table, silently; Rails' {@code .with(posts: ...)} writes exactly
 * that). Each such CTE gets a name of its own, and its references in FROM keep the written name as
 * their alias, so {@code orders.id} still resolves. A CTE whose name also appears in a way not read
 * here (a column of that name, a whole-row reference) is left as written.
 *
 * <p>WITH RECURSIVE without a column list ({@code WITH RECURSIVE tree AS (SELECT id, parent_id
 * ...)}): H2 requires the list; it is taken from the first branch's select list.
 */
final class CteNames {

    /** Words after which a FROM list ends (a comma before the name is then not between FROM items). */
    private static final String[] CLAUSES = {"SELECT", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH",
            "WINDOW", "UNION", "INTERSECT", "EXCEPT", "ON", "USING", "SET", "VALUES", "RETURNING", "INTO", "FOR", "FROM", "JOIN"};

    /** Words that may follow a FROM item and are not its alias. */
    private static final Set<String> NOT_ALIASES = Set.of("WHERE", "ON", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL",
            "GROUP", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "HAVING", "WINDOW", "USING", "FOR",
            "RETURNING", "SET", "LATERAL", "TABLESAMPLE", "AS", "QUALIFY");

    private record Cte(int name, int columns, int bodyOpen, int bodyClose) {}

    private CteNames() {}

    static void apply(TokenList t) {
        for (int w = t.size() - 1; w >= 0; w--) {
            if (t.is(w, "WITH")) {
                rewrite(t, w);
            }
        }
    }

    private static void rewrite(TokenList t, int with) {
        int i = with + 1;
        boolean recursive = t.is(i, "RECURSIVE");
        if (recursive) {
            i++;
        }
        List<Cte> ctes = new ArrayList<>();
        while (true) {
            Tok name = t.get(i);
            if (name == null || !name.isName()) {
                return; // not a WITH list (WITH ORDINALITY, WITH TIME ZONE, WITH (options)...)
            }
            int columns = -1;
            int j = i + 1;
            if (t.get(j) != null && t.get(j).isOpen()) {
                columns = j;
                j = t.closing(j);
                if (j < 0) {
                    return;
                }
                j++;
            }
            if (!t.is(j, "AS")) {
                return;
            }
            j++;
            if (t.is(j, "NOT")) {
                j++;
            }
            if (t.is(j, "MATERIALIZED")) {
                j++;
            }
            if (t.get(j) == null || !t.get(j).isOpen() || t.closing(j) < 0) {
                return;
            }
            ctes.add(new Cte(i, columns, j, t.closing(j)));
            i = t.closing(j) + 1;
            if (t.get(i) != null && t.get(i).isComma()) {
                i++;
            } else {
                break;
            }
        }
        int mainStart = i;
        int scopeEnd = t.regionEnd(mainStart);
        Map<Integer, String> edits = new TreeMap<>();
        for (int k = 0; k < ctes.size(); k++) {
            Cte c = ctes.get(k);
            List<int[]> scope = new ArrayList<>();
            for (int m = recursive ? 0 : k + 1; m < ctes.size(); m++) {
                scope.add(new int[] {ctes.get(m).bodyOpen() + 1, ctes.get(m).bodyClose()});
            }
            scope.add(new int[] {mainStart, scopeEnd});
            String folded = t.get(c.name()).name();
            Map<Integer, String> renames = references(t, folded, scope);
            String own = quote(folded + "__cte");
            String columnList = "";
            if (recursive && c.columns() < 0) {
                List<String> names = anchorNames(t, c.bodyOpen() + 1, c.bodyClose());
                if (names != null) {
                    columnList = "(" + String.join(", ", names.stream().map(CteNames::quote).toList()) + ")";
                }
            }
            if (renames != null) {
                for (Map.Entry<Integer, String> r : renames.entrySet()) {
                    edits.put(r.getKey(), r.getValue().isEmpty() ? own : own + " AS " + r.getValue());
                }
                edits.put(c.name(), own + columnList);
            } else if (!columnList.isEmpty()) {
                edits.put(c.name(), t.get(c.name()).text + columnList);
            }
        }
        List<Integer> at = new ArrayList<>(edits.keySet());
        for (int e = at.size() - 1; e >= 0; e--) {
            t.replace(at.get(e), at.get(e) + 1, edits.get(at.get(e)));
        }
    }

    /**
     * The FROM items in {@code scope} that name the CTE {@code folded}, each with the alias to give
     * it ("" when it has one); null when the name also appears in a way not read here.
     */
    private static Map<Integer, String> references(TokenList t, String folded, List<int[]> scope) {
        Map<Integer, String> out = new TreeMap<>();
        for (int[] range : scope) {
            for (int p = range[0]; p < range[1]; p++) {
                Tok k = t.get(p);
                if (!k.isName() || !k.name().equals(folded)) {
                    continue;
                }
                if (p > 0 && t.get(p - 1).isDot() || t.get(p + 1) != null && t.get(p + 1).isDot()) {
                    continue; // schema.name (a table), or name.column (the alias kept below)
                }
                if (!fromItem(t, p) || t.get(p + 1) != null && t.get(p + 1).isOpen()) {
                    return null;
                }
                Tok next = t.get(p + 1);
                boolean aliased = next != null && (next.is("AS") || next.isName()
                        && !(next.isWord() && NOT_ALIASES.contains(next.text.toUpperCase(Locale.ROOT))));
                out.put(p, aliased ? "" : k.text);
            }
        }
        return out;
    }

    /** Whether the name at {@code p} is an item of a FROM list (after FROM, JOIN, or a comma of a FROM list). */
    private static boolean fromItem(TokenList t, int p) {
        if (p == 0) {
            return false;
        }
        Tok prev = t.get(p - 1);
        if (prev.is("FROM") || prev.is("JOIN")) {
            return true;
        }
        if (!prev.isComma()) {
            return false;
        }
        int clause = t.enclosingKeyword(p - 1, CLAUSES);
        return clause >= 0 && (t.is(clause, "FROM") || t.is(clause, "JOIN"));
    }

    /** The column names of the first branch of a CTE body (PostgreSQL's names), or null when they cannot be read. */
    private static List<String> anchorNames(TokenList t, int from, int to) {
        int end = t.findAny(from, to, "UNION", "INTERSECT", "EXCEPT");
        end = end < 0 ? to : end;
        if (t.is(from, "VALUES") && t.get(from + 1) != null && t.get(from + 1).isOpen()) {
            int n = t.splitCommas(from + 2, t.closing(from + 1)).size() - 1;
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                names.add("column" + i);
            }
            return names;
        }
        if (!t.is(from, "SELECT")) {
            return null;
        }
        int i = from + 1;
        if (t.is(i, "ALL")) {
            i++;
        } else if (t.is(i, "DISTINCT")) {
            i++;
            if (t.is(i, "ON") && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
                i = t.closing(i + 1) + 1;
            }
        }
        int listEnd = t.findAny(i, end, "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH", "WINDOW", "INTO");
        listEnd = listEnd < 0 ? end : listEnd;
        List<Integer> starts = t.splitCommas(i, listEnd);
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int a = 0; a + 1 < starts.size(); a++) {
            int s = starts.get(a);
            int e = starts.get(a + 1) - 1;
            String n = s < e && t.get(e - 1).isOp("*") ? null : ColumnNaming.nameOf(t, s, e);
            if (n == null || !seen.add(n)) {
                return null;
            }
            names.add(n);
        }
        return names.isEmpty() ? null : names;
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
