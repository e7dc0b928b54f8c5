package borealis.engine.pg.sql;

/**
 * PostgreSQL clauses H2 does not read and that change nothing H2 needs to know:
 * {@code WITH x AS [NOT] MATERIALIZED (...)} (a planner hint), {@code ORDER BY x USING <}
 * (ascending, {@code >} descending), and a view's {@code WITH (security_barrier, check_option...)}
 * storage options before AS.
 */
final class SmallClauses {

    private SmallClauses() {}

    static void apply(TokenList t) {
        for (int i = 1; i < t.size(); i++) {
            if (t.is(i, "MATERIALIZED") && t.get(i + 1) != null && t.get(i + 1).isOpen()
                    && (t.is(i - 1, "AS") || t.is(i - 1, "NOT") && t.is(i - 2, "AS"))) {
                int from = t.is(i - 1, "NOT") ? i - 1 : i;
                t.remove(from, i + 1);
                i = from;
            } else if (t.is(i, "USING") && t.get(i + 1) != null && (t.get(i + 1).isOp("<") || t.get(i + 1).isOp(">"))
                    && t.enclosingKeyword(i, "BY") >= 0 && t.is(t.enclosingKeyword(i, "BY") - 1, "ORDER")) {
                t.replace(i, i + 2, t.get(i + 1).isOp("<") ? "ASC" : "DESC");
            }
        }
        // CREATE [OR REPLACE] [TEMP] VIEW name [(cols)] WITH (options) AS
        if (t.is(0, "CREATE")) {
            int view = t.find(1, Math.min(t.size(), 8), "VIEW");
            int as = view < 0 ? -1 : t.find(view, t.size(), "AS");
            int with = view < 0 || as < 0 ? -1 : t.find(view, as, "WITH");
            if (with > 0 && t.get(with + 1) != null && t.get(with + 1).isOpen() && t.closing(with + 1) < as) {
                t.remove(with, t.closing(with + 1) + 1);
            }
        }
    }
}
