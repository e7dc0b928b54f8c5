package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code UPDATE t SET (a, b, c) = (x, y, DEFAULT)} and {@code = ROW(x, y)}: written out as
 * {@code a = x, b = y, c = DEFAULT}, which is what PostgreSQL means by it. H2 reads the row form
 * but refuses DEFAULT inside it. The subquery form {@code (a, b) = (SELECT ...)} stays H2's.
 */
final class UpdateRowSet {

    private UpdateRowSet() {}

    static void expand(TokenList t) {
        int set = t.find(1, t.size(), "SET");
        if (set < 0) {
            return;
        }
        int end = t.findAny(set + 1, t.size(), "WHERE", "FROM", "RETURNING");
        end = end < 0 ? t.size() : end;
        List<Integer> starts = t.splitCommas(set + 1, end);
        for (int a = starts.size() - 2; a >= 0; a--) {
            int from = starts.get(a);
            int to = starts.get(a + 1) - 1;
            if (!t.get(from).isOpen()) {
                continue;
            }
            int columnsClose = t.closing(from);
            if (columnsClose + 1 >= to || !t.get(columnsClose + 1).isOp("=")) {
                continue;
            }
            int rhs = columnsClose + 2;
            if (t.is(rhs, "ROW")) {
                rhs++;
            }
            if (!t.get(rhs).isOpen() || t.closing(rhs) != to - 1 || t.is(rhs + 1, "SELECT") || t.is(rhs + 1, "WITH")
                    || t.is(rhs + 1, "VALUES")) {
                continue;
            }
            List<Integer> columns = t.splitCommas(from + 1, columnsClose);
            List<Integer> values = t.splitCommas(rhs + 1, to - 1);
            if (columns.size() != values.size()) {
                throw new borealis.engine.pg.PgException(values.size() == 2
                        ? borealis.engine.pg.PgError.error("0A000", "source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression")
                        : borealis.engine.pg.PgError.error("42601", "number of columns does not match number of values"));
            }
            List<String> items = new ArrayList<>();
            for (int c = 0; c + 1 < columns.size(); c++) {
                items.add(t.text(columns.get(c), columns.get(c + 1) - 1) + " = " + t.text(values.get(c), values.get(c + 1) - 1));
            }
            t.replace(from, to, String.join(", ", items));
        }
    }
}
