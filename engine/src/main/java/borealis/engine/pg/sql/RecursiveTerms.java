package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL's rules for the terms of a recursive CTE ({@code non-recursive UNION [ALL]
 * recursive}), checked before H2 sees the query: H2 runs most of what PostgreSQL refuses and
 * never finishes (a recursive term with LIMIT, ORDER BY, FOR UPDATE, an aggregate, or the CTE read
 * inside a subquery or twice kept a session busy until it was cancelled, or ran the server's
 * memory out). Messages and SQLSTATEs are PostgreSQL's (parse_cte.c).
 */
final class RecursiveTerms {

    static final Set<String> AGGREGATES = Set.of("COUNT", "SUM", "AVG", "MIN", "MAX", "ARRAY_AGG", "STRING_AGG", "BOOL_AND",
            "BOOL_OR", "EVERY", "JSON_AGG", "JSONB_AGG", "JSON_OBJECT_AGG", "JSONB_OBJECT_AGG", "STDDEV", "VARIANCE", "BIT_AND",
            "BIT_OR");

    private RecursiveTerms() {}

    /** Checks each CTE of a WITH RECURSIVE at the start of the statement. */
    static void check(TokenList t) {
        if (!t.is(0, "WITH") || !t.is(1, "RECURSIVE")) {
            return;
        }
        List<String> names = new ArrayList<>();
        List<int[]> bodies = new ArrayList<>();
        int i = 2;
        while (t.get(i) != null && t.get(i).isName()) {
            int as = t.find(i, t.size(), "AS");
            if (as < 0 || t.get(as + 1) == null || !t.get(as + 1).isOpen()) {
                break;
            }
            names.add(t.get(i).name());
            int close = t.closing(as + 1);
            bodies.add(new int[] {as + 1, close});
            if (t.get(close + 1) == null || !t.get(close + 1).isComma()) {
                break;
            }
            i = close + 2;
        }
        for (int n = 0; n < names.size(); n++) {
            String name = names.get(n);
            int open = bodies.get(n)[0];
            int close = bodies.get(n)[1];
            for (int m = 0; m < names.size(); m++) {
                // x reads y and y reads x: PostgreSQL has no fixpoint over two queries
                if (m != n && !references(t, names.get(m), open + 1, close).isEmpty()
                        && !references(t, name, bodies.get(m)[0] + 1, bodies.get(m)[1]).isEmpty()) {
                    throw error("0A000", "mutual recursion between WITH items is not implemented");
                }
            }
            if (references(t, name, open + 1, close).isEmpty()) {
                continue;
            }
            int setOp = t.findAny(open + 1, close, "UNION", "INTERSECT", "EXCEPT");
            if (setOp < 0 || !t.is(setOp, "UNION")) {
                throw error("42P19", "recursive query \"" + name
                        + "\" does not have the form non-recursive-term UNION [ALL] recursive-term");
            }
            int union = setOp; // the last UNION splits the terms: (a UNION b) UNION recursive
            for (int u = t.findAny(union + 1, close, "UNION"); u >= 0; u = t.findAny(u + 1, close, "UNION")) {
                union = u;
            }
            check(t, name, open, union, close);
        }
    }

    /** Checks the CTE {@code name} whose body is between the parentheses at {@code open} and {@code close}, split at {@code union}. */
    private static void check(TokenList t, String name, int open, int union, int close) {
        if (!references(t, name, open + 1, union).isEmpty()) {
            throw error("42P19", "recursive reference to query \"" + name + "\" must not appear within its non-recursive term");
        }
        int rec = t.is(union + 1, "ALL") || t.is(union + 1, "DISTINCT") ? union + 2 : union + 1;
        if (t.find(rec, close, "ORDER") >= 0 && t.is(t.find(rec, close, "ORDER") + 1, "BY")) {
            throw error("0A000", "ORDER BY in a recursive query is not implemented");
        }
        if (t.find(rec, close, "OFFSET") >= 0) {
            throw error("0A000", "OFFSET in a recursive query is not implemented");
        }
        if (t.find(rec, close, "LIMIT") >= 0 || t.find(rec, close, "FETCH") >= 0) {
            throw error("0A000", "LIMIT in a recursive query is not implemented");
        }
        if (t.find(rec, close, "FOR") >= 0) {
            throw error("0A000", "FOR UPDATE/SHARE in a recursive query is not implemented");
        }
        List<Integer> refs = references(t, name, rec, close);
        for (int k : refs) {
            if (outerJoined(t, k)) {
                throw error("42P19", "recursive reference to query \"" + name + "\" must not appear within an outer join");
            }
            if (inSubquery(t, k, rec)) {
                throw error("42P19", "recursive reference to query \"" + name + "\" must not appear within a subquery");
            }
        }
        if (refs.size() > 1) {
            throw error("42P19", "recursive reference to query \"" + name + "\" must not appear more than once");
        }
        if (!refs.isEmpty() && aggregateAtTop(t, rec, close)) {
            throw error("42P19", "aggregate functions are not allowed in a recursive query's recursive term");
        }
    }

    private static PgException error(String state, String message) {
        return new PgException(PgError.error(state, message));
    }

    /** The positions in [from, to) where the CTE is read as a relation (FROM name, JOIN name, FROM a, name). */
    private static List<Integer> references(TokenList t, String name, int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int k = from; k < to; k++) {
            Tok tok = t.get(k);
            Tok before = t.get(k - 1);
            Tok after = t.get(k + 1);
            if (tok.isName() && tok.name().equals(name) && !before.isDot() && (after == null || !after.isDot() && !after.isOpen())
                    && (before.is("FROM") || before.is("JOIN") || before.isComma() && inFrom(t, k))) {
                out.add(k);
            }
        }
        return out;
    }

    private static boolean inFrom(TokenList t, int k) {
        int kw = t.enclosingKeyword(k, "FROM", "SELECT", "WHERE", "GROUP", "ORDER", "HAVING", "VALUES", "SET", "BY", "ON");
        return kw >= 0 && t.is(kw, "FROM");
    }

    /** Whether the reference is on the side of an outer join that may be null-extended. */
    private static boolean outerJoined(TokenList t, int k) {
        if (t.is(k - 1, "JOIN")) {
            int j = t.is(k - 2, "OUTER") ? k - 3 : k - 2;
            if (t.is(j, "LEFT") || t.is(j, "FULL")) {
                return true;
            }
        }
        int next = k + 1;
        if (t.get(next) != null && t.get(next).isName() && !t.is(next, "RIGHT") && !t.is(next, "FULL") && !t.is(next, "LEFT")
                && !t.is(next, "JOIN") && !t.is(next, "WHERE") && !t.is(next, "INNER") && !t.is(next, "CROSS")) {
            next++; // an alias
        }
        return t.is(next, "RIGHT") || t.is(next, "FULL");
    }

    /** Whether a parenthesis between {@code from} and the reference opens a query of its own. */
    private static boolean inSubquery(TokenList t, int k, int from) {
        int depth = 0;
        for (int j = k - 1; j >= from; j--) {
            Tok tok = t.get(j);
            if (tok.isClose()) {
                depth++;
            } else if (tok.isOpen()) {
                if (depth == 0) {
                    boolean operand = j == from || t.is(j - 1, "UNION") || t.is(j - 1, "ALL") || t.is(j - 1, "DISTINCT")
                            || t.is(j - 1, "INTERSECT") || t.is(j - 1, "EXCEPT");
                    if (!operand && (t.is(j + 1, "SELECT") || t.is(j + 1, "WITH") || t.is(j + 1, "VALUES"))) {
                        return true;
                    }
                } else {
                    depth--;
                }
            }
        }
        return false;
    }

    /** An aggregate call in the recursive term's own select list (not in a subquery of it). */
    private static boolean aggregateAtTop(TokenList t, int from, int to) {
        int end = t.find(from, to, "FROM");
        int depth = 0;
        for (int j = from; j < (end < 0 ? to : end); j++) {
            Tok tok = t.get(j);
            if (tok.isOpen()) {
                depth++;
            } else if (tok.isClose()) {
                depth--;
            } else if (depth == 0 && tok.isWord() && AGGREGATES.contains(tok.text.toUpperCase(Locale.ROOT)) && t.get(j + 1) != null
                    && t.get(j + 1).isOpen()) {
                return true;
            }
        }
        return false;
    }
}
