package borealis.engine.pg.sql;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code a JOIN b USING (id) ... WHERE id = 1}: in PostgreSQL the join's USING columns are one
 * column, which the rest of the query names unqualified; H2 joins on them but calls such a name
 * ambiguous. Each unqualified reference at the join's query level is qualified with the side whose
 * value the merged column has: the left table for an inner or left join, the right one for a right
 * join. References inside subqueries, aliases, and the USING lists themselves are left alone.
 */
final class JoinUsing {

    private static final Set<String> JOIN_WORDS = Set.of("JOIN", "INNER", "LEFT", "RIGHT", "OUTER", "CROSS", "NATURAL", "FULL");

    private JoinUsing() {}

    static void apply(TokenList t) {
        for (int i = 0; i < t.size(); i++) {
            if (!t.is(i, "USING") || t.get(i + 1) == null || !t.get(i + 1).isOpen()) {
                continue;
            }
            int join = joinBefore(t, i);
            if (join < 0) {
                continue;
            }
            boolean right = t.is(join - 1, "RIGHT") || t.is(join - 2, "RIGHT");
            if (t.is(join - 1, "FULL") || t.is(join - 2, "FULL")) {
                continue; // H2 has no FULL JOIN: its error stands
            }
            String qualifier = right ? rightName(t, join + 1, i) : leftName(t, join);
            if (qualifier == null) {
                continue;
            }
            int close = t.closing(i + 1);
            Map<String, Boolean> columns = new LinkedHashMap<>();
            for (int k = i + 2; k < close; k++) {
                if (t.get(k).isName()) {
                    columns.put(t.get(k).name(), Boolean.TRUE);
                }
            }
            int select = t.enclosingKeyword(i, "SELECT");
            if (select < 0) {
                continue;
            }
            if (t.is(close + 1, "AS") && t.get(close + 2) != null && t.get(close + 2).isName()) {
                String alias = t.get(close + 2).name();
                t.remove(close + 1, close + 3);
                joinAlias(t, select, t.regionEnd(select), alias, qualifier, columns.keySet());
            }
            int end = t.regionEnd(select);
            int setOp = t.findAny(select + 1, end, "UNION", "INTERSECT", "EXCEPT");
            i = qualify(t, select, setOp < 0 ? end : setOp, columns, qualifier, i + 1, close);
        }
    }

    /**
     * {@code USING (id) AS x}: x names the join's merged columns only, so {@code x.id} is the
     * qualifier's id and {@code x.*} all of them.
     */
    private static void joinAlias(TokenList t, int from, int to, String alias, String qualifier, java.util.Collection<String> columns) {
        for (int k = to - 2; k >= from; k--) {
            if (!(t.get(k).isName() && t.get(k).name().equals(alias) && t.get(k + 1).isDot() && !(k > 0 && t.get(k - 1).isDot()))) {
                continue;
            }
            Tok field = t.get(k + 2);
            if (field != null && field.isOp("*")) {
                StringBuilder all = new StringBuilder();
                for (String c : columns) {
                    all.append(all.length() > 0 ? ", " : "").append(qualifier).append('.').append(SqlQuoting.identifier(c));
                }
                t.replace(k, k + 3, all.toString());
            } else if (field != null && field.isName() && columns.contains(field.name())) {
                t.get(k).text = qualifier;
            }
        }
    }

    /** The JOIN keyword of the join whose USING is at {@code using}: its right side is a name, maybe with an alias. */
    private static int joinBefore(TokenList t, int using) {
        int j = using - 1;
        int names = 0;
        while (j > 0 && (t.get(j).isName() && !JOIN_WORDS.contains(t.get(j).text.toUpperCase(Locale.ROOT)) || t.get(j).isDot()
                || t.is(j, "AS")) && names < 5) {
            j--;
            names++;
        }
        if (t.get(j) != null && t.get(j).isClose()) {
            j = t.opening(j) - 1; // (SELECT ...) s USING (id)
            if (t.is(j, "LATERAL")) {
                j--;
            }
        }
        return t.is(j, "JOIN") ? j : -1;
    }

    /** The name the left side of the join at {@code join} is known by: a table or its alias. */
    private static String leftName(TokenList t, int join) {
        int j = join - 1;
        while (j > 0 && JOIN_WORDS.contains(t.get(j).text.toUpperCase(Locale.ROOT)) && t.get(j).isWord()) {
            j--;
        }
        Tok name = t.get(j);
        if (name == null || !name.isName() || Keywords.isReserved(name.name())) {
            return null;
        }
        return name.text;
    }

    /** The name of the right side, written between JOIN and USING: {@code b}, {@code s.b}, {@code b AS x}, {@code b x}. */
    private static String rightName(TokenList t, int from, int using) {
        Tok last = t.get(using - 1);
        return last != null && last.isName() ? last.text : null;
    }

    /** Qualifies the references in [from, to); returns where the USING list's '(' has moved to. */
    private static int qualify(TokenList t, int from, int to, Map<String, Boolean> columns, String qualifier, int usingOpen,
                               int usingClose) {
        for (int k = from; k < to; k++) {
            Tok tok = t.get(k);
            if (tok.isOpen()) {
                // a subquery has its own names; a USING list and a FROM item's column list are not references
                int clause = t.enclosingKeyword(k, "FROM", "SELECT", "WHERE");
                if (t.is(k + 1, "SELECT") || t.is(k + 1, "WITH") || t.is(k + 1, "VALUES") || t.is(k - 1, "USING")
                        || t.get(k - 1) != null && t.get(k - 1).isName() && clause >= 0 && t.is(clause, "FROM") && !isFunction(t, k - 1)) {
                    k = t.closing(k);
                }
            } else if (tok.isName() && columns.containsKey(tok.name()) && !t.get(k - 1).isDot() && !t.is(k - 1, "AS")
                    && (t.get(k + 1) == null || !t.get(k + 1).isDot() && !t.get(k + 1).isOpen()) && (k < usingOpen || k > usingClose)) {
                t.replace(k, k + 1, qualifier + "." + tok.text);
                if (k < usingOpen) {
                    usingOpen += 2;
                    usingClose += 2;
                }
                k += 2;
                to += 2;
            }
        }
        return usingOpen;
    }

    /** Whether the name before a parenthesis in FROM calls a function (generate_series(...)) rather than naming columns. */
    private static boolean isFunction(TokenList t, int name) {
        Tok before = t.get(name - 1);
        return before != null && (before.is("FROM") || before.is("JOIN") || before.isComma() || before.is("LATERAL") || before.isDot());
    }
}
