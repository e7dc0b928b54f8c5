package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.RefusedStatement;
import java.util.Locale;
import java.util.Set;

/**
 * Window function calls ({@code f(...) OVER ...}) where PostgreSQL's rules differ from H2's.
 * PostgreSQL refuses a window call in WHERE, JOIN ... ON, GROUP BY, HAVING and RETURNING with
 * 42P20; H2 ran some of them (a {@code DELETE ... RETURNING rank() OVER (...)} deleted every row
 * before PostgreSQL would have refused it). PostgreSQL ignores a frame clause given to a function
 * that does not use frames (lead, lag, rank...); H2 refuses it as a syntax error, so it is dropped.
 */
final class WindowCalls {

    /** Functions that work on the whole partition whatever the frame says. */
    private static final Set<String> FRAMELESS = Set.of("LEAD", "LAG", "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK",
            "CUME_DIST", "NTILE");

    private WindowCalls() {}

    static void apply(TokenList t, String sql) {
        for (int i = 1; i < t.size(); i++) {
            Tok over = t.get(i);
            Tok next = t.get(i + 1);
            if (!over.is("OVER") || !t.get(i - 1).isClose() || next == null || !(next.isOpen() || next.isName())) {
                continue;
            }
            String clause = clause(t, i);
            if (clause != null) {
                throw new RefusedStatement(sql, PgError.error("42P20", "window functions are not allowed in " + clause));
            }
            int call = t.opening(i - 1);
            Tok name = t.get(call - 1);
            if (next.isOpen() && name != null && name.isWord() && FRAMELESS.contains(name.text.toUpperCase(Locale.ROOT))) {
                int close = t.closing(i + 1);
                int frame = t.findAny(i + 2, close, "ROWS", "RANGE", "GROUPS");
                if (frame > 0) {
                    t.remove(frame, close);
                }
            }
            if (next.isOpen()) {
                peersWithoutOrder(t, i + 1);
            }
            if (name != null && name.is("NTILE") && call + 2 == i - 1 && t.is(call + 1, "NULL") && next.isOpen()) {
                // ntile(NULL) is NULL for every row (H2: "Unexpected code path"); a whole select item keeps its name
                int end = t.closing(i + 1) + 1;
                Tok before = t.get(call - 2);
                Tok after = t.get(end);
                boolean item = before != null && (before.is("SELECT") || before.isComma())
                        && (after == null || after.isComma() || after.is("FROM") || after.kind == SqlLexer.Kind.SEMICOLON);
                t.replace(call - 1, end, "CAST(NULL AS INTEGER)" + (item ? " AS \"ntile\"" : ""));
                i = call - 1;
            }
        }
    }

    /**
     * A frame that excludes the current row's peers (EXCLUDE GROUP, EXCLUDE TIES) in a window with
     * no ORDER BY: every row of the partition is a peer, as in PostgreSQL. H2 has no peers without an
     * order and failed with a NullPointerException; an order by a value the same for every row that
     * H2 cannot fold away (RAND() * 0) gives it one.
     */
    private static void peersWithoutOrder(TokenList t, int open) {
        int close = t.closing(open);
        int exclude = t.find(open + 1, close, "EXCLUDE");
        if (exclude < 0 || !(t.is(exclude + 1, "GROUP") || t.is(exclude + 1, "TIES")) || t.find(open + 1, close, "ORDER") >= 0) {
            return;
        }
        int frame = t.findAny(open + 1, close, "ROWS", "RANGE", "GROUPS");
        if (frame > 0) {
            t.insert(frame, "ORDER BY RAND() * 0 ");
        }
    }

    /** The clause PostgreSQL names when it refuses a window call at {@code over}, or null where one is allowed. */
    private static String clause(TokenList t, int over) {
        int depth = 0;
        for (int j = over - 1; j >= 0; j--) {
            Tok k = t.get(j);
            if (k.isClose()) {
                depth++;
            } else if (k.isOpen()) {
                if (depth > 0) {
                    depth--;
                }
                // at depth 0 the call sits inside this parenthesis: its clause is further left
            } else if (depth == 0 && k.isWord()) {
                switch (k.text.toUpperCase(Locale.ROOT)) {
                    case "SELECT", "VALUES", "SET", "OVER", "WINDOW":
                        return null;
                    case "WHERE":
                        return "WHERE";
                    case "HAVING":
                        return "HAVING";
                    case "RETURNING":
                        return "RETURNING";
                    case "ON":
                        return t.is(j - 1, "DISTINCT") ? null : "JOIN conditions";
                    case "BY":
                        if (t.is(j - 1, "GROUP")) {
                            return "GROUP BY";
                        }
                        return null;
                    default:
                        break;
                }
            }
        }
        return null;
    }
}
