package borealis.engine.governor;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's memory is shared by every database on it; this keeps one statement from taking it all.
 *
 * <p>H2 holds some intermediate results in memory whatever their size (a recursive CTE's rows,
 * hash aggregation, window partitions): measured, {@code WITH RECURSIVE t(n) AS (VALUES (1) UNION
 * ALL SELECT n+1 FROM t) SELECT * FROM t LIMIT 10} filled a 2 GB heap in 30 s and delayed cluster
 * heartbeats by seconds. Java cannot tell the live memory of one statement, but it can tell the
 * bytes each thread allocated: when a collection leaves the old generation above the threshold,
 * the running statement that allocated the most since it started is cancelled and answers 53200
 * (out of memory), as PostgreSQL answers a query that exhausts its memory. Everything else goes on.
 */
public final class HeapGuard {

    private static final Logger log = LoggerFactory.getLogger(HeapGuard.class);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A statement running on a thread, and how to stop it. */
    public interface Cancellable {
        /** Cancels the running work; its error then says it ran out of memory. */
        void cancelForMemory(long allocatedBytes);
    }

    private record Running(long threadId, long allocatedAtStart, Cancellable cancel) {}

    private static final Map<Long, Running> RUNNING = new ConcurrentHashMap<>();
    private static final AtomicLong CANCELLED = new AtomicLong();
    private static volatile boolean installed;

    private HeapGuard() {}

    /**
     * Watches the heap's old generation: after a collection leaves more than {@code threshold}
     * (0..1) of it in use, the hungriest running statement is cancelled. Idempotent.
     */
    public static synchronized void install(double threshold) {
        if (installed) {
            return;
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported() && pool.getUsage().getMax() > 0
                    && isOldGeneration(pool.getName())) {
                long limit = (long) (pool.getUsage().getMax() * threshold);
                pool.setCollectionUsageThreshold(limit);
                log.info("heap guard on {}: the hungriest statement is cancelled above {} MB after a collection", pool.getName(),
                        limit >> 20);
                Thread watcher = new Thread(() -> watch(pool), "heap-guard");
                watcher.setDaemon(true);
                watcher.start();
            }
        }
        installed = true;
    }

    /**
     * Polls the pool (threshold notifications come only when usage first crosses the threshold):
     * after each collection that leaves it above the threshold, one statement is cancelled.
     */
    private static void watch(MemoryPoolMXBean pool) {
        long handledCollections = -1;
        while (true) {
            try {
                Thread.sleep(POLL_MILLIS);
                long collections = pool.getCollectionUsageThresholdCount();
                if (pool.isCollectionUsageThresholdExceeded() && collections != handledCollections) {
                    if (cancelHungriest()) {
                        handledCollections = collections;
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("heap guard", e);
            }
        }
    }

    /** A statement that allocated less than this is not what fills the heap. */
    private static final long MIN_VICTIM_BYTES = 64L << 20;

    /** How often the old generation is looked at: a runaway statement allocates about 100 MB in this time. */
    private static final long POLL_MILLIS = 100;

    private static boolean isOldGeneration(String pool) {
        return pool.contains("Old") || pool.contains("Tenured") || pool.equals("ZHeap") || pool.contains("ZGC");
    }

    /** Registers the work the calling thread starts now; close the returned handle when it ends. */
    public static AutoCloseable track(Cancellable cancel) {
        long thread = Thread.currentThread().getId();
        RUNNING.put(thread, new Running(thread, THREADS.getCurrentThreadAllocatedBytes(), cancel));
        return () -> RUNNING.remove(thread);
    }

    /** Statements cancelled so far (for metrics and tests). */
    public static long cancelled() {
        return CANCELLED.get();
    }

    /** Cancels the running statement that allocated the most since it started; returns whether there was one. */
    static boolean cancelHungriest() {
        Running worst = null;
        long worstBytes = 0;
        for (Running r : RUNNING.values()) {
            long bytes = THREADS.getThreadAllocatedBytes(r.threadId()) - r.allocatedAtStart();
            if (bytes > worstBytes) {
                worst = r;
                worstBytes = bytes;
            }
        }
        if (worst == null || worstBytes < MIN_VICTIM_BYTES) {
            // Nothing running allocates much: the heap is full of something else (caches, many small sessions).
            return false;
        }
        log.warn("heap nearly full: cancelling the statement that allocated {} MB", worstBytes >> 20);
        CANCELLED.incrementAndGet();
        worst.cancel().cancelForMemory(worstBytes);
        return true;
    }
}
