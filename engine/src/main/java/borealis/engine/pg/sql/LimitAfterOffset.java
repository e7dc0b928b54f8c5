package borealis.engine.pg.sql;

/**
 * {@code OFFSET m LIMIT n}: PostgreSQL takes the two clauses in either order, H2 only LIMIT
 * first (42601 at LIMIT otherwise). The clauses are swapped, at every depth.
 */
final class LimitAfterOffset {

    private LimitAfterOffset() {}

    static void apply(TokenList t) {
        for (int i = 0; i < t.size(); i++) {
            if (!t.is(i, "OFFSET")) {
                continue;
            }
            int region = t.regionEnd(i + 1);
            int limit = t.findAny(i + 1, region, "LIMIT", "FETCH", "FOR", "UNION", "INTERSECT", "EXCEPT");
            if (limit < 0 || !t.is(limit, "LIMIT")) {
                continue;
            }
            int end = t.findAny(limit + 1, region, "FOR", "UNION", "INTERSECT", "EXCEPT");
            end = end < 0 ? region : end;
            for (int k = limit + 1; k < end; k++) {
                if (t.get(k).kind == SqlLexer.Kind.SEMICOLON) {
                    end = k;
                }
            }
            String offset = t.text(i + 1, limit);
            String count = t.text(limit + 1, end);
            t.replace(i, end, "LIMIT " + count + " OFFSET " + offset);
        }
    }
}
