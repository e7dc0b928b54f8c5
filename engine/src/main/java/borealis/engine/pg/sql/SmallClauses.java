package borealis.engine.pg.sql;

/**
 * PostgreSQL clauses H2 does not read and that change nothing H2 needs to know:
 * {@code WITH x AS [NOT] MATERIALIZED (...)} (a planner hint), {@code ORDER BY x USING <}
 * (ascending, {@code >} descending), a view's {@code WITH (security_barrier, check_option...)}
 * storage options before AS, and {@code TABLE name} in a set operation (SELECT * FROM name).
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
        // ... UNION [ALL] TABLE name: H2 reads TABLE name only as a whole statement (in a set
        // operation it failed with a NullPointerException)
        for (int i = 1; i + 1 < t.size(); i++) {
            Tok before = t.get(i - 1);
            if (t.is(i, "TABLE") && t.get(i + 1).isName() && (before.is("UNION") || before.is("INTERSECT") || before.is("EXCEPT")
                    || before.is("ALL") || before.is("DISTINCT") && i > 1 && !t.is(i - 2, "SELECT") || before.isOpen() && i > 1
                    && (t.is(i - 2, "UNION") || t.is(i - 2, "INTERSECT") || t.is(i - 2, "EXCEPT") || t.is(i - 2, "ALL")))) {
                t.replace(i, i + 1, "SELECT * FROM");
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
