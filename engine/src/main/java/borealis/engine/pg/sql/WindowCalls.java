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
