package borealis.persistence.volume.segment;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of applied records that all replicas of a node may keep in memory together, for
 * peers that missed a few. Each replica keeps at most its own share ({@code keep-applied}); this
 * bounds their sum, which otherwise grew with the number of clusters a node had seen recently
 * (100 clusters resumed once: 198 MB of records, six replicas' worth each, until they passivated).
 * A replica that finds the node's budget spent keeps fewer; a peer that then misses more copies
 * blocks instead of records (hydration), which is slower but loses nothing.
 */
public final class RetainedRecords {

    /** No node-wide bound (tests, tools). */
    public static final RetainedRecords UNBOUNDED = new RetainedRecords(Long.MAX_VALUE);

    private final AtomicLong free;

    public RetainedRecords(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("the node's retained-record budget must not be negative, got " + bytes);
        }
        this.free = new AtomicLong(bytes);
    }

    /** Takes {@code bytes} from the budget if that many are free. */
    boolean take(long bytes) {
        long f;
        do {
            f = free.get();
            if (f < bytes) {
                return false;
            }
        } while (!free.compareAndSet(f, f - bytes));
        return true;
    }

    void give(long bytes) {
        free.addAndGet(bytes);
    }

    /** Bytes not taken now. */
    public long free() {
        return free.get();
    }
}
