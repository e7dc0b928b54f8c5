package borealis.persistence.volume.client;

import borealis.persistence.volume.log.VolumeLayout;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The volume client's buffer pool: 4 KiB blocks in least-recently-used order, sized in bytes and
 * resizable in place (growing keeps every block; shrinking evicts the coldest).
 *
 * <p>A block written but not yet durable is <em>pinned</em> until the volume-durable LSN passes
 * the write: it cannot be read back from replicas before then, so it must stay. Pinned blocks count
 * toward the size but are never evicted; the cache may exceed its capacity by them.
 */
public final class BlockCache {

    private static final int BLOCK = VolumeLayout.BLOCK;

    private static final class Entry {
        final byte[] data;
        long pinLsn;
        /** The LSN of the write that made this content; 0: read from a replica. */
        final long writtenLsn;

        Entry(byte[] data, long pinLsn) {
            this.data = data;
            this.pinLsn = pinLsn;
            this.writtenLsn = pinLsn;
        }
    }

    private record Pin(long lsn, long block) {}

    /**
     * A read of blocks [from, to) from a replica as of {@code readPoint}, in flight. A block written
     * after the read point and forgotten (evicted or dropped) before the read returns would be
     * cached with the content from before the write, and served as current from then on: such a
     * block is marked stale here and its content is neither cached nor returned.
     */
    public static final class Fill {
        private final long from;
        private final long to;
        private final long readPoint;
        private java.util.Set<Long> stale;

        private Fill(long from, long to, long readPoint) {
            this.from = from;
            this.to = to;
            this.readPoint = readPoint;
        }

        private void forgotten(long block, long writtenLsn) {
            if (block >= from && block < to && writtenLsn > readPoint) {
                if (stale == null) {
                    stale = new java.util.HashSet<>();
                }
                stale.add(block);
            }
        }
    }

    private final LinkedHashMap<Long, Entry> blocks = new LinkedHashMap<>(1024, 0.75f, true);
    private final java.util.List<Fill> fills = new java.util.ArrayList<>(4);
    private final ArrayDeque<Pin> pins = new ArrayDeque<>();
    private long capacityBytes;
    private long hits;
    private long misses;
    private long evictions;
    private int pinned;

    public BlockCache(long capacityBytes) {
        this.capacityBytes = Math.max(BLOCK, capacityBytes);
    }

    /** A copy-free view of a cached block, or null; the caller must not modify it. */
    public synchronized byte[] get(long block) {
        Entry e = blocks.get(block);
        if (e == null) {
            misses++;
            return null;
        }
        hits++;
        return e.data;
    }

    /** Whether a block is cached, without counting a hit or a miss or touching its recency. */
    public synchronized boolean contains(long block) {
        return blocks.containsKey(block);
    }

    /** Announces a read of blocks [from, to) from a replica as of {@code readPoint}; end it with {@link #endFill}. */
    public synchronized Fill beginFill(long from, long to, long readPoint) {
        Fill f = new Fill(from, to, readPoint);
        fills.add(f);
        return f;
    }

    /**
     * What a read announced by {@code fill} returned for {@code block}: the cached block if one was
     * written meanwhile, else {@code data} (cached when {@code keep}), or null when a write since
     * the read point was forgotten meanwhile (the data is stale: read again at a newer point).
     */
    public synchronized byte[] completeFill(Fill fill, long block, byte[] data, boolean keep) {
        Entry e = blocks.get(block);
        if (e != null) {
            return e.data;
        }
        if (fill.stale != null && fill.stale.contains(block)) {
            return null;
        }
        if (keep) {
            blocks.put(block, new Entry(data, 0));
            evictIfNeeded();
        }
        return data;
    }

    public synchronized void endFill(Fill fill) {
        fills.remove(fill);
    }

    /** An entry leaves the cache: fills in flight over its block may now hold content older than it. */
    private void forgotten(long block, Entry e) {
        if (e.writtenLsn != 0) {
            for (Fill f : fills) {
                f.forgotten(block, e.writtenLsn);
            }
        }
    }

    /** Caches a block just written, pinned until {@code lsn} is durable. */
    public synchronized void putDirty(long block, byte[] data, long lsn) {
        Entry old = blocks.get(block);
        if (old == null || old.pinLsn == 0) {
            pinned++;
        }
        blocks.put(block, new Entry(data, lsn));
        pins.add(new Pin(lsn, block));
        evictIfNeeded();
    }

    /** Unpins every block whose last write is now durable. */
    public synchronized void durableUpTo(long vdl) {
        while (!pins.isEmpty() && pins.peekFirst().lsn() <= vdl) {
            Pin p = pins.pollFirst();
            Entry e = blocks.get(p.block());
            if (e != null && e.pinLsn != 0 && e.pinLsn <= vdl) {
                e.pinLsn = 0;
                pinned--;
            }
        }
        evictIfNeeded();
    }

    /** Drops every block at or beyond {@code fromBlock} (after a truncate). */
    public synchronized void dropFrom(long fromBlock) {
        Iterator<Map.Entry<Long, Entry>> it = blocks.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Entry> e = it.next();
            if (e.getKey() >= fromBlock) {
                if (e.getValue().pinLsn != 0) {
                    pinned--;
                }
                forgotten(e.getKey(), e.getValue());
                it.remove();
            }
        }
    }

    /** Changes the capacity in place: growing keeps everything, shrinking evicts the coldest clean blocks. */
    public synchronized void resize(long newCapacityBytes) {
        capacityBytes = Math.max(BLOCK, newCapacityBytes);
        evictIfNeeded();
    }

    private void evictIfNeeded() {
        long max = capacityBytes / BLOCK;
        if (blocks.size() <= max) {
            return;
        }
        Iterator<Map.Entry<Long, Entry>> it = blocks.entrySet().iterator();
        while (blocks.size() > max && it.hasNext()) {
            Map.Entry<Long, Entry> e = it.next();
            if (e.getValue().pinLsn == 0) {
                forgotten(e.getKey(), e.getValue());
                it.remove();
                evictions++;
            }
        }
    }

    public synchronized long capacityBytes() {
        return capacityBytes;
    }

    public synchronized long sizeBytes() {
        return (long) blocks.size() * BLOCK;
    }

    public synchronized int pinnedBlocks() {
        return pinned;
    }

    /** Cumulative counters, for the scaling supervisor and metrics. */
    public record Stats(long hits, long misses, long evictions, long sizeBytes, long capacityBytes) {}

    public synchronized Stats stats() {
        return new Stats(hits, misses, evictions, sizeBytes(), capacityBytes);
    }
}
