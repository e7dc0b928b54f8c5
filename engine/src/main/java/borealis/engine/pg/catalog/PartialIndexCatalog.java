package borealis.engine.pg.catalog;

import borealis.engine.pg.PartialIndexNaming;
import java.util.Arrays;
import org.h2.table.Column;
import org.h2.table.IndexColumn;
import org.h2.table.Table;

/**
 * What the catalog shows of a partial index's machinery ({@link PartialIndexNaming}): nothing of
 * its hidden columns, whose place in an index key their base columns take.
 */
final class PartialIndexCatalog {

    private PartialIndexCatalog() {}

    /** The columns clients see: H2's INVISIBLE ones (a unique partial index's) are Borealis's own. */
    static Column[] visibleColumns(Table t) {
        Column[] all = t.getColumns();
        return Arrays.stream(all).allMatch(Column::getVisible) ? all : Arrays.stream(all).filter(Column::getVisible).toArray(Column[]::new);
    }

    /** An index's key with each hidden column replaced by the column it stands for. */
    static IndexColumn[] keyColumns(Table t, IndexColumn[] key) {
        IndexColumn[] out = key.clone();
        for (int k = 0; k < out.length; k++) {
            Column c = out[k].column;
            String base = c == null || c.getVisible() ? null : PartialIndexNaming.base(c.getName());
            Column shown = base == null ? null : t.findColumn(base);
            if (shown != null) {
                IndexColumn ic = new IndexColumn(shown.getName(), out[k].sortType);
                ic.column = shown;
                out[k] = ic;
            }
        }
        return out;
    }
}
