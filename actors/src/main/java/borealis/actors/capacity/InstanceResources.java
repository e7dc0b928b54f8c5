package borealis.actors.capacity;

import borealis.engine.governor.CpuGovernor;
import borealis.persistence.volume.client.BlockCache;
import borealis.persistence.volume.log.VolumeLayout;
import borealis.scaling.AcuProfile;
import borealis.scaling.Signals;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The resources an allocation sizes on one running instance (CPU budget, block cache, connection
 * slots) and the counters its supervisor samples. Shared between the instance, its SQL sessions
 * and the node's scaling supervisor, within one JVM; thread-safe.
 */
public final class InstanceResources {

    private final AcuProfile profile;
    private final CpuGovernor governor;
    private final BlockCache cache;
    /** Sizes the engine's cache of decoded pages, which gets {@code pageCacheShare} of the cache budget. */
    private final java.util.function.LongConsumer pageCache;
    private final double pageCacheShare;
    private volatile long pageCacheBytes;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger waitingSessions = new AtomicInteger();
    private volatile double acu;
    /** Fractions of the allocation's CPU and cache the node can give now (below 1 when overcommitted). */
    private volatile double cpuShare = 1;
    private volatile double cacheShare = 1;
    private volatile int slots;
    private long lastSampleNanos;
    private CpuGovernor.Stats lastCpu;
    private BlockCache.Stats lastCache;

    public InstanceResources(AcuProfile profile, CpuGovernor governor, BlockCache cache, double acu) {
        this(profile, governor, cache, bytes -> { }, 0, acu);
    }

    /**
     * With {@code pageCache}: the allocation's cache budget is split, {@code pageCacheShare} of it
     * to the engine's decoded pages, the rest to the volume's block cache.
     */
    public InstanceResources(AcuProfile profile, CpuGovernor governor, BlockCache cache, java.util.function.LongConsumer pageCache,
                             double pageCacheShare, double acu) {
        if (!(pageCacheShare >= 0 && pageCacheShare < 1)) {
            throw new IllegalArgumentException("the page cache's share must be in [0, 1), got " + pageCacheShare);
        }
        this.profile = profile;
        this.governor = governor;
        this.cache = cache;
        this.pageCache = pageCache;
        this.pageCacheShare = pageCacheShare;
        apply(acu);
        this.lastSampleNanos = System.nanoTime();
        this.lastCpu = governor.stats();
        this.lastCache = cache.stats();
    }

    public CpuGovernor governor() {
        return governor;
    }

    public double acu() {
        return acu;
    }

    public int slots() {
        return slots;
    }

    /**
     * Statements an instance may run at once (the SQL threads it may occupy): a CPU-second of budget
     * keeps about this many busy, most of them waiting on storage, locks or their client.
     */
    static final int SQL_THREADS_PER_CPU = 16;
    static final int MIN_SQL_THREADS = 4;

    public static int sqlThreads(double cpuPerSecond) {
        return Math.max(MIN_SQL_THREADS, (int) Math.ceil(cpuPerSecond * SQL_THREADS_PER_CPU));
    }

    /** Sizes everything for {@code newAcu}, in place: the cache keeps its blocks when growing. */
    public void apply(double newAcu) {
        acu = newAcu;
        slots = profile.connectionSlots(newAcu);
        resize();
    }

    /**
     * The node's share of what the allocation buys: {@code cpu} of its CPU rate (busy instances
     * together want more than the node has), {@code cacheFraction} of its cache (allocations together
     * exceed the node). Small changes are ignored, so caches do not churn every second.
     */
    public void share(double cpu, double cacheFraction) {
        if (Math.abs(cpu - cpuShare) < 0.02 && Math.abs(cacheFraction - cacheShare) < 0.05) {
            return;
        }
        cpuShare = cpu;
        cacheShare = cacheFraction;
        resize();
    }

    public double cpuShare() {
        return cpuShare;
    }

    private void resize() {
        governor.setCpuPerSecond(profile.cpuPerSecond(acu) * cpuShare);
        governor.setMaxConcurrent(sqlThreads(profile.cpuPerSecond(acu)));
        long budget = (long) (profile.cacheBytes(acu) * cacheShare);
        cache.resize((long) (budget * (1 - pageCacheShare)));
        if (pageCacheShare > 0) {
            pageCacheBytes = budget - (long) (budget * (1 - pageCacheShare));
            pageCache.accept(pageCacheBytes);
        }
    }

    public void sessionOpened() {
        sessions.incrementAndGet();
    }

    public void sessionClosed() {
        sessions.decrementAndGet();
    }

    /** Sessions waiting for a connection slot (they count toward the need). */
    public void setWaitingSessions(int n) {
        waitingSessions.set(n);
    }

    /** The whole cache the allocation buys: the volume's blocks and the engine's decoded pages. */
    public long cacheCapacityBytes() {
        return cache.capacityBytes() + pageCacheBytes;
    }

    public int sessions() {
        return sessions.get();
    }

    /** What happened since the previous sample (the supervisor calls this once per tick). */
    public synchronized Signals sample() {
        long now = System.nanoTime();
        CpuGovernor.Stats cpu = governor.stats();
        BlockCache.Stats c = cache.stats();
        double interval = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
        long hits = c.hits() - lastCache.hits();
        long misses = c.misses() - lastCache.misses();
        long evictions = c.evictions() - lastCache.evictions();
        // The working set: what the cache holds, plus (when it evicts) what it had to read again.
        long blocks = c.sizeBytes() + (evictions > 0 ? misses * VolumeLayout.BLOCK : 0);
        // In the whole cache budget's terms: the block cache holds only its share of it.
        long workingSet = (long) (blocks / (1 - pageCacheShare));
        long statements = cpu.batches() - lastCpu.batches() + cpu.running();
        Signals s = new Signals(interval, (cpu.cpuNanos() - lastCpu.cpuNanos()) / 1e9, (cpu.waitNanos() - lastCpu.waitNanos()) / 1e9,
                cpu.waiting(), sessions.get() + waitingSessions.get(), statements, hits, misses, workingSet,
                (cpu.runNanos() - lastCpu.runNanos()) / 1e9, (cpu.clientNanos() - lastCpu.clientNanos()) / 1e9);
        lastSampleNanos = now;
        lastCpu = cpu;
        lastCache = c;
        return s;
    }
}
