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
 * bytes each thread allocated and how much the old generation (what survives collections) grew.
 * A running statement is cancelled, and answers 53200 (out of memory) as PostgreSQL answers a query
 * that exhausts its memory, when it is the one that allocated the most and either
 * <ul>
 *   <li>the old generation grew by more than the per-statement limit while it ran, and still
 *       has after a full collection (a statement that streams its rows, or writes them, allocates
 *       a lot but leaves nothing alive behind), or</li>
 *   <li>a collection left the old generation above the heap threshold (the node is short of
 *       memory whoever is to blame).</li>
 * </ul>
 * Everything else goes on. Measured with {@code bin/bench-containment}: cancelling only at the
 * heap threshold let a runaway recursive query fill 1.1 GB every 10 s, and the full collections that
 * followed cut another tenant's throughput to 0.40 of its solo figure.
 */
public final class HeapGuard {

    private static final Logger log = LoggerFactory.getLogger(HeapGuard.class);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A statement that allocated less than this is not what fills the heap. */
    private static final long MIN_VICTIM_BYTES = 64L << 20;
    /** How often the heap is looked at: a runaway statement allocates about 100 MB in this time. */
    private static final long POLL_MILLIS = 100;

    /** A statement running on a thread, and how to stop it. */
    public interface Cancellable {
        /** Cancels the running work; its error then says it ran out of memory. */
        void cancelForMemory(long allocatedBytes);
    }

    private static final class Running {
        final long threadId;
        final long allocatedAtStart;
        final long oldAtStart;
        final Cancellable cancel;
        volatile boolean cancelled;

        Running(long threadId, long allocatedAtStart, long oldAtStart, Cancellable cancel) {
            this.threadId = threadId;
            this.allocatedAtStart = allocatedAtStart;
            this.oldAtStart = oldAtStart;
            this.cancel = cancel;
        }
    }

    private static final Map<Long, Running> RUNNING = new ConcurrentHashMap<>();
    private static final AtomicLong CANCELLED = new AtomicLong();
    private static volatile MemoryPoolMXBean oldGeneration;
    private static volatile long statementLimitBytes = Long.MAX_VALUE;
    /** Old-generation bytes that are not the block caches', as of the last poll: what statements' growth is measured in. */
    private static volatile long unaccountedOld;
    private static volatile java.util.function.LongSupplier accounted = () -> 0;

    private HeapGuard() {}

    /**
     * Watches the heap's old generation. {@code threshold} (0..1): after a collection leaves more
     * than this share of it in use, the hungriest running statement is cancelled;
     * {@code statementLimitBytes}: the old-generation growth one statement may coincide with, not
     * counting {@code accountedBytes} (the block caches: they grow with the allocations, by design).
     * Idempotent (the first call's settings stay).
     */
    public static synchronized void install(double threshold, long statementLimitBytes, java.util.function.LongSupplier accountedBytes) {
        if (oldGeneration != null) {
            return;
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported() && pool.getUsage().getMax() > 0
                    && isOldGeneration(pool.getName())) {
                long limit = (long) (pool.getUsage().getMax() * threshold);
                pool.setCollectionUsageThreshold(limit);
                HeapGuard.statementLimitBytes = statementLimitBytes;
                HeapGuard.accounted = accountedBytes;
                unaccountedOld = pool.getUsage().getUsed() - accountedBytes.getAsLong();
                oldGeneration = pool;
                log.info("heap guard on {}: a statement is cancelled when the old generation grows {} MB while it runs, or stays"
                        + " above {} MB after a collection", pool.getName(), statementLimitBytes >> 20, limit >> 20);
                Thread watcher = new Thread(() -> watch(pool), "heap-guard");
                watcher.setDaemon(true);
                watcher.start();
                return;
            }
        }
        log.warn("heap guard: no old-generation pool with collection thresholds in this JVM; statements are not limited in memory");
    }

    private static boolean isOldGeneration(String pool) {
        return pool.contains("Old") || pool.contains("Tenured") || pool.equals("ZHeap") || pool.contains("ZGC");
    }

    /** Registers the work the calling thread starts now; close the returned handle when it ends. */
    public static AutoCloseable track(Cancellable cancel) {
        long thread = Thread.currentThread().getId();
        RUNNING.put(thread, new Running(thread, THREADS.getCurrentThreadAllocatedBytes(), unaccountedOld, cancel));
        return () -> RUNNING.remove(thread);
    }

    /** Statements cancelled so far (for metrics and tests). */
    public static long cancelled() {
        return CANCELLED.get();
    }

    private static void watch(MemoryPoolMXBean pool) {
        long handledCollections = -1;
        while (true) {
            try {
                Thread.sleep(POLL_MILLIS);
                // Threshold notifications come only when usage first crosses the threshold: poll the count instead.
                long collections = pool.getCollectionUsageThresholdCount();
                if (pool.isCollectionUsageThresholdExceeded() && collections != handledCollections) {
                    if (cancelHungriest(Long.MIN_VALUE)) {
                        handledCollections = collections;
                    }
                } else {
                    unaccountedOld = pool.getUsage().getUsed() - accounted.getAsLong();
                    cancelHungriest(unaccountedOld);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("heap guard", e);
            }
        }
    }

    /**
     * Whether the old generation, caches aside, is still more than the per-statement limit above
     * where it was when {@code r} started once a full collection has run. The old generation's
     * usage between collections counts whatever young collections promoted, dead or alive: a
     * million-row {@code INSERT ... SELECT} promotes about 360 MB of short-lived pages and rows
     * between two full collections (about 3 s apart), which alone looked like 128 MB of growth and
     * cancelled it (53200) although nothing it left behind was alive. A runaway statement's rows
     * survive the collection. At most one collection per {@link #CONFIRM_INTERVAL_NANOS}: about
     * 200 ms of pause for a 300 MB live heap, no more often than the JVM's own full collections run
     * under such a statement.
     */
    private static boolean grownAfterCollection(Running r) {
        long now = System.nanoTime();
        if (now - lastConfirmation < CONFIRM_INTERVAL_NANOS) {
            return false;
        }
        lastConfirmation = now;
        ManagementFactory.getMemoryMXBean().gc();
        MemoryPoolMXBean pool = oldGeneration;
        long live = pool.getUsage().getUsed() - accounted.getAsLong();
        unaccountedOld = live;
        boolean grown = live - r.oldAtStart > statementLimitBytes;
        if (!grown) {
            log.info("heap guard: after a collection the old generation is {} MB above where it was when the statement that"
                    + " allocated most started; it goes on", (live - r.oldAtStart) >> 20);
        }
        return grown;
    }

    /** Classes named when a statement is cancelled: what held the heap (a cancellation is rare; the histogram costs a collection). */
    private static final int HISTOGRAM_LINES = 12;

    /** The first {@code n} classes of the live heap by bytes (the JVM's class histogram), or why not. */
    static String largestClasses(int n) {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            String[] lines = out.toString().split("\n");
            return String.join("\n", java.util.Arrays.copyOf(lines, Math.min(lines.length, n + 2)));
        } catch (javax.management.JMException | RuntimeException e) {
            return "(no class histogram: " + e + ")";
        }
    }

    private static final long CONFIRM_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    private static volatile long lastConfirmation = System.nanoTime() - CONFIRM_INTERVAL_NANOS;

    /**
     * Cancels the running statement that allocated the most since it started, if it allocated at
     * least {@link #MIN_VICTIM_BYTES} and (unless {@code oldNow} is {@code Long.MIN_VALUE}: the heap
     * is short whoever is to blame) the old generation, caches aside, grew by more than the
     * per-statement limit since it started. Returns whether one was cancelled.
     */
    static boolean cancelHungriest(long oldNow) {
        Running worst = null;
        long worstBytes = 0;
        for (Running r : RUNNING.values()) {
            long bytes = THREADS.getThreadAllocatedBytes(r.threadId) - r.allocatedAtStart;
            if (bytes > worstBytes && !r.cancelled) {
                worst = r;
                worstBytes = bytes;
            }
        }
        if (worst == null || worstBytes < MIN_VICTIM_BYTES) {
            // Nothing running allocates much: the heap is full of something else (caches, many small sessions).
            return false;
        }
        boolean heapShort = oldNow == Long.MIN_VALUE;
        long grown = heapShort ? 0 : oldNow - worst.oldAtStart;
        if (!heapShort && (grown <= statementLimitBytes || worstBytes < statementLimitBytes || !grownAfterCollection(worst))) {
            return false;
        }
        log.warn("cancelling the statement that allocated {} MB: {}; the heap's largest classes now:\n{}", worstBytes >> 20,
                heapShort ? "the heap is nearly full" : "the old generation grew " + (grown >> 20) + " MB while it ran",
                largestClasses(HISTOGRAM_LINES));
        worst.cancelled = true;
        CANCELLED.incrementAndGet();
        worst.cancel.cancelForMemory(worstBytes);
        return true;
    }
}
