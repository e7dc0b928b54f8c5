package borealis.engine.h2;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.Page;
import org.h2.mvstore.tx.Transaction;
import org.h2.value.VersionedValue;

/**
 * Rolls back, when a database opens, the row versions a crash left without an undo record.
 *
 * <p>Why: H2 stores a chunk by taking each map's root in turn while sessions go on writing. A
 * transaction that appends its undo record after the undo log was taken and changes a row before
 * the row's map is taken leaves in that chunk a version of an open transaction that no undo log
 * knows of (a rollback, which restores the row and then drops the record, can leave one the other
 * way round). After a crash H2 reads such a version as rolled back, until a new transaction gets
 * the same id (ids restart from 1 when the database opens): that transaction takes the version for
 * its own, reads it and commits it. Measured before: {@code bin/bench-consistency} READ COMMITTED
 * with {@code kill -9}, a failed transaction's append in the final read (G1a), once in 12 runs.
 *
 * <p>Only the newest chunk can hold one: the store after a torn one takes the undo record (or the
 * row committed or rolled back meanwhile). So only that chunk's pages are read: a page written in
 * it is reached through parents written in it too (pages are copied on write up to the root), and
 * any other child is skipped unread. Measured on a database of 100 tables with an index each
 * (200 maps, 2,000 rows a table), reopened 8 times: 0.5-0.7 ms per open once the JIT is warm,
 * against 18-44 ms for the open itself (33-42 ms in the first two, cold).
 */
final class OrphanedWrites {

    /** H2 keeps a version's transaction id above its undo log position ({@code Transaction.LOG_ID_BITS}). */
    private static final int LOG_ID_BITS = 40;

    private OrphanedWrites() {}

    /**
     * Rolls them back in {@code db}, which must have no session writing yet; returns how many.
     * Stores the result, so that a second crash finds none in a chunk it no longer reads.
     */
    static int rollBack(org.h2.engine.Database db) {
        MVStore store = db.getStore().getMvStore();
        Set<Integer> open = new HashSet<>();
        for (Transaction t : db.getStore().getTransactionStore().getOpenTransactions()) {
            open.add(t.getId());
        }
        List<MVMap<Object, Object>> maps = new ArrayList<>();
        int newest = -1;
        for (String name : store.getMapNames()) {
            // the maps of tables and indexes: their values are row versions
            if (!(name.startsWith("table.") || name.startsWith("index.")) || !store.hasMap(name)) {
                continue;
            }
            MVMap<Object, Object> map = store.openMap(name);
            long pos = map.getRootPage().getPos();
            if (pos != 0) {
                newest = Math.max(newest, DataUtils.getPageChunkId(pos));
                maps.add(map);
            }
        }
        int rolledBack = 0;
        for (MVMap<Object, Object> map : maps) {
            List<Object[]> orphans = new ArrayList<>();
            collect(map.getRootPage(), newest, open, orphans);
            for (Object[] o : orphans) {
                if (o[1] == null) {
                    map.remove(o[0]);
                } else {
                    map.put(o[0], o[1]);
                }
            }
            rolledBack += orphans.size();
        }
        if (rolledBack > 0) {
            store.commit();
        }
        return rolledBack;
    }

    /** Adds (key, committed value or null) of each orphaned version in the pages of {@code chunk} under {@code page}. */
    private static void collect(Page<Object, Object> page, int chunk, Set<Integer> open, List<Object[]> out) {
        if (page.getPos() == 0 || DataUtils.getPageChunkId(page.getPos()) != chunk) {
            return;
        }
        if (page.isLeaf()) {
            for (int i = 0; i < page.getKeyCount(); i++) {
                if (page.getValue(i) instanceof VersionedValue<?> v && v.getOperationId() != 0
                        && !open.contains((int) (v.getOperationId() >>> LOG_ID_BITS))) {
                    out.add(new Object[] {page.getKey(i), v.getCommittedValue()});
                }
            }
            return;
        }
        for (int i = 0; i < page.getRawChildPageCount(); i++) {
            long pos = page.getChildPagePos(i);
            if (pos != 0 && DataUtils.getPageChunkId(pos) == chunk) {
                collect(page.getChildPage(i), chunk, open, out);
            }
        }
    }
}
