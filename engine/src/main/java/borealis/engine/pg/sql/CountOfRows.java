package borealis.engine.pg.sql;

/**
 * {@code count(t.*)}: PostgreSQL counts the rows of t that exist, so a LEFT JOIN's row without a
 * match (t's columns all NULL) counts 0, the usual "parents with their number of children". H2
 * counts {@code t.*} as {@code *}, every joined row: a parent without children counted 1. When t
 * is a table with a NOT NULL column, the count is of that column, which is NULL exactly in such a
 * row; a view or a table without one counts the rows with any value (unlike PostgreSQL, a row of
 * NULLs only is not counted). A derived table or function is left as it is.
 */
final class CountOfRows {

    private final TokenList t;
    private final ColumnLookup lookup;
    boolean usedLookup;

    CountOfRows(TokenList t, ColumnLookup lookup) {
        this.t = t;
        this.lookup = lookup;
    }

    void rewrite() {
        if (lookup == null) {
            return;
        }
        for (int i = t.size() - 6; i >= 0; i--) {
            if (t.is(i, "count") && t.get(i + 1).isOpen() && t.get(i + 2).isName() && t.get(i + 3).isDot() && t.get(i + 4).isOp("*")
                    && t.get(i + 5).isClose()) {
                String table = tableOf(t.get(i + 2).name());
                if (table == null) {
                    continue;
                }
                usedLookup = true;
                String column = lookup.notNullColumn(table);
                if (column != null) {
                    t.replace(i + 4, i + 5, SqlQuoting.identifier(column));
                    continue;
                }
                java.util.Set<String> columns = lookup.columnTypes(table).keySet();
                if (!columns.isEmpty()) {
                    // a view, or a table without a NOT NULL column: a row with a value counts (one of NULLs only does not)
                    String alias = t.get(i + 2).text;
                    java.util.List<String> tests = new java.util.ArrayList<>();
                    for (String c : columns) {
                        tests.add(alias + "." + SqlQuoting.identifier(c) + " IS NOT NULL");
                    }
                    t.replace(i + 2, i + 5, "CASE WHEN " + String.join(" OR ", tests) + " THEN 1 END");
                }
            }
        }
    }

    /** The table (as written, maybe qualified) that the FROM item named {@code alias} reads, or null if it is no table. */
    private String tableOf(String alias) {
        for (int i = 1; i < t.size(); i++) {
            Tok k = t.get(i);
            Tok before = t.get(i - 1);
            if (!k.isName() || !(before.is("FROM") || before.is("JOIN") || before.isComma() && inFrom(i))) {
                continue;
            }
            int end = i + 1;
            while (t.get(end) != null && t.get(end).isDot() && t.get(end + 1) != null && t.get(end + 1).isName()) {
                end += 2;
            }
            if (t.get(end) != null && t.get(end).isOpen()) {
                continue; // a function
            }
            int aliasAt = t.is(end, "AS") ? end + 1 : end;
            Tok a = t.get(aliasAt);
            boolean aliased = a != null && a.isName() && !Keywords.isReserved(a.name()) && !isJoinWord(a);
            String name = aliased ? a.name() : t.get(end - 1).name();
            if (name.equals(alias)) {
                return t.text(i, end);
            }
        }
        return null;
    }

    private static boolean isJoinWord(Tok k) {
        return k.is("JOIN") || k.is("LEFT") || k.is("RIGHT") || k.is("INNER") || k.is("CROSS") || k.is("FULL") || k.is("NATURAL")
                || k.is("WHERE") || k.is("GROUP") || k.is("ORDER") || k.is("ON") || k.is("USING") || k.is("LIMIT") || k.is("HAVING");
    }

    /** Whether token {@code i} follows a comma of a FROM list. */
    private boolean inFrom(int i) {
        int kw = t.enclosingKeyword(i, "FROM", "SELECT", "WHERE", "GROUP", "ORDER", "HAVING", "VALUES", "SET", "BY");
        return kw >= 0 && t.is(kw, "FROM");
    }
}
