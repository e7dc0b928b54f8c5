package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ALTER TABLE t ADD COLUMN a int, ADD COLUMN b text, DROP COLUMN c}: PostgreSQL takes a
 * list of actions (what Prisma, Rails' bulk change_table and TypeORM send); H2 one per statement.
 * The list becomes one ALTER TABLE per action, each translated as if sent alone and run in order.
 * Unlike PostgreSQL, a failing action leaves the earlier ones applied (H2 commits each DDL).
 * {@code DROP SEQUENCE a, b} (and views, indexes, domains, types) likewise becomes one DROP per name.
 */
final class AlterTableActions {

    private AlterTableActions() {}

    /** Objects H2 drops one per statement where PostgreSQL takes a list ({@code DROP SEQUENCE a, b}). */
    private static final java.util.Set<String> DROPPED_ONE_BY_ONE = java.util.Set.of("SEQUENCE", "VIEW", "INDEX", "DOMAIN", "TYPE");

    /**
     * {@code DROP SEQUENCE [IF EXISTS] a, b [CASCADE]}: one DROP per name, each with the
     * statement's IF EXISTS and CASCADE/RESTRICT; null when it is not such a statement.
     */
    private static List<String> splitDrop(TokenList t) {
        if (!t.is(0, "DROP") || t.get(1) == null || !DROPPED_ONE_BY_ONE.contains(t.get(1).text.toUpperCase(java.util.Locale.ROOT))) {
            return null;
        }
        int i = 2;
        if (t.is(i, "IF") && t.is(i + 1, "EXISTS")) {
            i += 2;
        }
        int end = t.size();
        while (end > i && t.get(end - 1).kind == SqlLexer.Kind.SEMICOLON) {
            end--;
        }
        String tail = "";
        if (end > i && (t.is(end - 1, "CASCADE") || t.is(end - 1, "RESTRICT"))) {
            tail = " " + t.get(end - 1).text;
            end--;
        }
        List<Integer> starts = t.splitCommas(i, end);
        if (starts.size() <= 2) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int a = 0; a + 1 < starts.size(); a++) {
            out.add(t.text(0, i) + " " + t.text(starts.get(a), starts.get(a + 1) - 1) + tail);
        }
        return out;
    }

    /** The statement's actions as statements of their own, or null when it is not an ALTER TABLE of several. */
    static List<String> split(TokenList t) {
        List<String> drops = splitDrop(t);
        if (drops != null) {
            return drops;
        }
        if (!t.is(0, "ALTER") || !t.is(1, "TABLE")) {
            return null;
        }
        int i = 2;
        if (t.is(i, "IF") && t.is(i + 1, "EXISTS")) {
            i += 2;
        }
        if (t.is(i, "ONLY")) {
            i++;
        }
        if (t.get(i) == null || !t.get(i).isName()) {
            return null;
        }
        i++;
        while (t.get(i) != null && t.get(i).isDot() && t.get(i + 1) != null && t.get(i + 1).isName()) {
            i += 2;
        }
        int end = t.size();
        while (end > i && t.get(end - 1).kind == SqlLexer.Kind.SEMICOLON) {
            end--;
        }
        List<Integer> starts = t.splitCommas(i, end);
        if (starts.size() <= 2) {
            return null;
        }
        String head = "ALTER TABLE " + t.text(2, i) + " ";
        List<String> out = new ArrayList<>();
        for (int a = 0; a + 1 < starts.size(); a++) {
            int from = starts.get(a);
            int to = starts.get(a + 1) - 1;
            if (from >= to) {
                throw new borealis.engine.pg.PgException(borealis.engine.pg.PgError.error("42601", "syntax error at or near \",\""));
            }
            out.add(head + t.text(from, to));
        }
        return out;
    }
}
