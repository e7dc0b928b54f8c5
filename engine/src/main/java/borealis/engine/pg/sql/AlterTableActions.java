package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ALTER TABLE t ADD COLUMN a int, ADD COLUMN b text, DROP COLUMN c}: PostgreSQL takes a
 * list of actions (what Prisma, Rails' bulk change_table and TypeORM send); H2 one per statement.
 * The list becomes one ALTER TABLE per action, each translated as if sent alone and run in order.
 * Unlike PostgreSQL, a failing action leaves the earlier ones applied (H2 commits each DDL).
 */
final class AlterTableActions {

    private AlterTableActions() {}

    /** The statement's actions as statements of their own, or null when it is not an ALTER TABLE of several. */
    static List<String> split(TokenList t) {
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
