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

        Entry(byte[] data, long pinLsn) {
            this.data = data;
            this.pinLsn = pinLsn;
        }
    }

    private record Pin(long lsn, long block) {}

    private final LinkedHashMap<Long, Entry> blocks = new LinkedHashMap<>(1024, 0.75f, true);
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

    /** Caches a block read from a replica (clean). Never replaces a block written since. */
    public synchronized void putClean(long block, byte[] data) {
        if (!blocks.containsKey(block)) {
            blocks.put(block, new Entry(data, 0));
            evictIfNeeded();
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
            if (it.next().getValue().pinLsn == 0) {
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
