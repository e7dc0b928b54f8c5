package borealis.engine.h2;

import java.lang.reflect.Field;
import java.util.List;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.cache.CacheLongKeyLIRS;

/**
 * H2's cache of decoded B-tree pages, sized by the instance's allocation like the volume's block
 * cache. Why: with H2's cache fixed at 8 MB, a pgbench select-only run at scale 10 spent 28% of
 * its SQL threads' samples reading pages (a lookup in H2's cache, a miss, a block cache read, the
 * page decoded again). Sized at half the cache budget (4 ACU: 128 MiB), select-only -M prepared went
 * from 0.21x to 0.26x of PostgreSQL's tps in the same runs (bin/bench-pgbench, docs/performance.md).
 *
 * <p>H2's {@code SET CACHE_SIZE} empties the cache; scaling changes the size every few seconds, so
 * the limit is set on H2's LIRS cache itself, which keeps its pages and evicts down to a smaller
 * limit as it goes. H2 2.3 exposes no setter for that: the field is read once, reflectively, and
 * the fallback is H2's own (emptying) setter.
 */
final class PageCache {

    private static final Field CACHE = cacheField();
    /** Stores whose page cache was sized here (weakly: a closed database is not kept). */
    private static final java.util.Set<MVStore> SIZED = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    private PageCache() {}

    /** Sets the most memory H2's page cache of {@code store} may hold; it keeps what fits. */
    static void resize(MVStore store, long bytes) {
        FileStore<?> fs = store.getFileStore();
        if (fs == null) {
            return;
        }
        long limit = Math.max(1L << 20, bytes);
        synchronized (SIZED) {
            SIZED.add(store);
        }
        try {
            if (CACHE != null && CACHE.get(fs) instanceof CacheLongKeyLIRS<?> lirs) {
                if (lirs.getMaxMemory() != limit) {
                    lirs.setMaxMemory(limit);
                }
                return;
            }
        } catch (IllegalAccessException e) {
            // fall through to H2's own setter
        }
        int mb = (int) Math.max(1, limit >> 20);
        if (fs.getCacheSize() != mb) {
            fs.setCacheSize(mb);
        }
    }

    /**
     * The memory the page caches sized here hold now, by H2's estimate. The heap guard counts it as
     * it counts the block caches: a cache that fills during a large INSERT is not that statement's
     * memory (without this, a 1M-row insert was cancelled for out of memory: PgjdbcIT).
     */
    static long usedBytes() {
        List<MVStore> stores;
        synchronized (SIZED) {
            stores = List.copyOf(SIZED);
        }
        long used = 0;
        for (MVStore store : stores) {
            try {
                FileStore<?> fs = store.isClosed() ? null : store.getFileStore();
                if (fs != null && CACHE != null && CACHE.get(fs) instanceof CacheLongKeyLIRS<?> lirs) {
                    used += lirs.getUsedMemory();
                }
            } catch (IllegalAccessException | RuntimeException e) {
                // a store closing meanwhile holds nothing to count
            }
        }
        return used;
    }

    /** The memory H2's page cache of {@code store} may hold now. */
    static long maxBytes(MVStore store) {
        FileStore<?> fs = store.getFileStore();
        try {
            if (fs != null && CACHE != null && CACHE.get(fs) instanceof CacheLongKeyLIRS<?> lirs) {
                return lirs.getMaxMemory();
            }
        } catch (IllegalAccessException e) {
            // below
        }
        return fs == null ? 0 : (long) fs.getCacheSize() << 20;
    }

    private static Field cacheField() {
        try {
            Field f = FileStore.class.getDeclaredField("cache");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
