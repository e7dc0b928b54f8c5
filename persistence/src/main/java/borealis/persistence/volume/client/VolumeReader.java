package borealis.persistence.volume.client;

import borealis.persistence.volume.log.VolumeLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read path of the volume client: blocks come from the block cache, or else from one replica
 * whose SCL covers the group's read point (no quorum), asking the next as well when one is silent
 * for {@link #HEDGE_MILLIS} or answers with an error. Replicas that are known to be caught up and
 * answering are tried first.
 */
final class VolumeReader {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeReader.class);
    private static final int BLOCK = VolumeLayout.BLOCK;
    /**
     * A replica that has not answered a read in this long is not waited for alone: a dead node's
     * replica held each read the request timeout (2 s) before the next was asked. Replicas answer
     * a read in 30-65 µs on one node.
     */
    private static final long HEDGE_MILLIS = 100;
    /** Reads of a range that a write overtook each time (each attempt reads at a newer point). */
    private static final int MAX_FILL_ATTEMPTS = 8;

    /** What the reader needs to know of the writer's state. */
    interface View {
        long size();

        /** The newest durable LSN of a group: what a replica must hold to serve it. */
        long readPoint(int group);

        /** Whether a replica is believed to answer and to hold the group up to {@code readPoint}. */
        boolean likelyServes(int group, int replica, long readPoint);

        /** A replica answered {@code r}; a view may refuse the content (it then fails the read). */
        default void served(int group, SegmentTransport.ReadResult r) throws IOException {}
    }

    private final String id;
    private final VolumeLayout layout;
    private final SegmentTransport transport;
    private final BlockCache cache;
    private final long timeoutMillis;
    private final View view;
    private final AtomicLong remoteReads = new AtomicLong();
    private final AtomicLong overtaken = new AtomicLong();
    private volatile int preferredReplica;
    private volatile int readAheadBlocks;

    VolumeReader(String id, VolumeLayout layout, SegmentTransport transport, BlockCache cache, long timeoutMillis, View view) {
        this.id = id;
        this.layout = layout;
        this.transport = transport;
        this.cache = cache;
        this.timeoutMillis = timeoutMillis;
        this.view = view;
    }

    long remoteReads() {
        return remoteReads.get();
    }

    /** Reads from replicas answered with content a write had replaced meanwhile (read again, never served). */
    long overtakenReads() {
        return overtaken.get();
    }

    void read(long offset, ByteBuffer dst) throws IOException {
        read(offset, dst, true);
    }

    /** {@code fillCache}: whether blocks fetched from replicas stay in the cache. */
    void read(long offset, ByteBuffer dst, boolean fillCache) throws IOException {
        int len = dst.remaining();
        if (len == 0) {
            return;
        }
        long first = offset / BLOCK;
        long last = (offset + len - 1) / BLOCK;
        byte[][] blocks = new byte[(int) (last - first + 1)][];
        long volumeSize = view.size();
        long missingFrom = -1;
        for (long b = first; b <= last + 1; b++) {
            byte[] data = b <= last ? cache.get(b) : null;
            boolean beyondEnd = b <= last && b * BLOCK >= volumeSize;
            if (b <= last && (data != null || beyondEnd)) {
                blocks[(int) (b - first)] = data != null ? data : new byte[BLOCK];
            }
            boolean missing = b <= last && data == null && !beyondEnd;
            boolean groupBoundary = missingFrom >= 0 && layout.groupOf(b * BLOCK) != layout.groupOf(missingFrom * BLOCK);
            if (missingFrom >= 0 && (!missing || groupBoundary)) {
                long to = b > last && fillCache ? readAheadEnd(missingFrom, b, volumeSize) : b;
                fetch(missingFrom, to, blocks, first, fillCache);
                missingFrom = -1;
            }
            if (missing && missingFrom < 0) {
                missingFrom = b;
            }
        }
        for (long b = first; b <= last; b++) {
            long blockStart = b * BLOCK;
            long from = Math.max(offset, blockStart);
            long to = Math.min(offset + len, blockStart + BLOCK);
            dst.put(blocks[(int) (b - first)], (int) (from - blockStart), (int) (to - from));
        }
    }

    /**
     * Reads blocks [from, to) of one group from a replica into {@code out} and the cache. A block
     * written after the read point and evicted before the answer came is read again at a newer
     * point (the write is durable by then, or it could not have been evicted).
     */
    private void fetch(long from, long to, byte[][] out, long firstBlock, boolean fillCache) throws IOException {
        int group = layout.groupOf(from * BLOCK);
        for (int attempt = 1; ; attempt++) {
            long readPoint = view.readPoint(group);
            BlockCache.Fill fill = cache.beginFill(from, to, readPoint);
            boolean stale = false;
            try {
                byte[] data = readFromSomeReplica(group, from * BLOCK, (int) ((to - from) * BLOCK), readPoint);
                remoteReads.incrementAndGet();
                for (long b = from; b < to; b++) {
                    byte[] block = Arrays.copyOfRange(data, (int) ((b - from) * BLOCK), (int) ((b - from + 1) * BLOCK));
                    byte[] current = cache.completeFill(fill, b, block, fillCache);
                    int i = (int) (b - firstBlock);
                    if (i < out.length) { // beyond: read ahead, for the cache only (a stale one is just not kept)
                        stale |= current == null;
                        out[i] = current != null ? current : block;
                    }
                }
            } finally {
                cache.endFill(fill);
            }
            if (!stale) {
                return;
            }
            overtaken.incrementAndGet();
            LOG.info("volume {} group {}: a read of blocks {}-{} at LSN {} was overtaken by a write evicted meanwhile; reading again",
                    id, group, from, to - 1, readPoint);
            if (attempt == MAX_FILL_ATTEMPTS) {
                throw new IOException("volume " + id + " group " + group + ": blocks " + from + "-" + (to - 1)
                        + " kept changing while read from replicas (" + attempt + " attempts)");
            }
        }
    }

    /**
     * Where a fetch of the missing blocks [from, end) that reach the end of a read may stop when
     * reading ahead: up to {@link #readAheadBlocks} blocks from {@code from}, within the group and
     * the volume, and only over blocks not cached.
     */
    private long readAheadEnd(long from, long end, long volumeSize) {
        int ahead = readAheadBlocks;
        if (ahead <= end - from) {
            return end;
        }
        long groupEnd = layout.groupStart(layout.groupOf(from * BLOCK) + 1) / BLOCK;
        long limit = Math.min(Math.min(from + ahead, groupEnd), (volumeSize + BLOCK - 1) / BLOCK);
        long to = end;
        while (to < limit && !cache.contains(to)) {
            to++;
        }
        return to;
    }

    /**
     * Blocks fetched with each read that misses, from its first missing block (0: only what was
     * asked). Sequential scans of a cold volume, such as H2 checking every chunk of a file that was
     * not closed cleanly, then cost one replica round trip per this many blocks.
     */
    void readAhead(int blocks) {
        readAheadBlocks = Math.max(0, blocks);
    }

    /** Bytes one prefetch request asks a replica for: well within a remoting frame (1 MiB). */
    private static final int PREFETCH_PIECE = 128 * 1024;

    /**
     * Reads the first {@code bytes} of the volume into the cache, {@link #PREFETCH_PIECE} a request,
     * if they are no more than {@code maxBytes} and half the cache; returns the bytes read (0 if not).
     * Opening H2 on a small volume otherwise costs a replica round trip for each block or two it
     * looks at (33-44 for a bank cluster of 650 KB after a failover).
     */
    long prefetch(long bytes, long maxBytes) throws IOException {
        if (bytes == 0 || bytes > maxBytes || bytes > cache.capacityBytes() / 2) {
            return 0;
        }
        for (long offset = 0; offset < bytes; offset += PREFETCH_PIECE) {
            read(offset, ByteBuffer.allocate((int) Math.min(PREFETCH_PIECE, bytes - offset)), true);
        }
        return bytes;
    }

    private record Answer(int replica, SegmentTransport.ReadResult result, Throwable error) {}

    /**
     * Reads from one replica, the likeliest first. One that has not answered within {@link
     * #HEDGE_MILLIS} is not waited for alone: the next is asked too and the first good answer
     * wins; one that answers with an error is replaced at once. The read fails when every replica
     * answered with an error, or after the request timeout once per replica.
     */
    private byte[] readFromSomeReplica(int group, long offset, int length, long readPoint) throws IOException {
        int[] order = candidates(group, readPoint);
        long hedge = TimeUnit.MILLISECONDS.toNanos(HEDGE_MILLIS);
        // As patient as asking each replica in turn with the request timeout: a node stalled for a
        // few seconds (all six replicas missed a 2 s write timeout in CloneIT's 500 MB load) must
        // not fail the read once every replica has been asked. A late answer still counts.
        long deadline = System.nanoTime() + order.length * TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<String> errors = new ArrayList<>();
        BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
        long[] sentAt = new long[order.length];
        boolean[] settled = new boolean[order.length];
        int sent = 0;
        int open = 0;
        boolean askNext = true;
        try {
            while (true) {
                long now = System.nanoTime();
                if (sent < order.length && (askNext || open == 0 || now - sentAt[sent - 1] >= hedge)) {
                    int replica = order[sent];
                    sentAt[sent++] = now;
                    open++;
                    askNext = false;
                    transport.read(group, replica, offset, length, readPoint).whenComplete((r, e) -> answers.add(new Answer(replica, r, e)));
                    continue;
                }
                if (open == 0 || now >= deadline) {
                    for (int i = 0; i < sent; i++) {
                        if (!settled[i]) {
                            errors.add(order[i] + ": timeout");
                        }
                    }
                    break;
                }
                long wait = Math.min(deadline - now, sent < order.length ? sentAt[sent - 1] + hedge - now : Long.MAX_VALUE);
                Answer a = answers.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
                if (a == null) {
                    continue;
                }
                int i = indexOf(order, a.replica());
                settled[i] = true;
                open--;
                if (a.error() == null && a.result().error() == null) {
                    preferredReplica = a.replica();
                    view.served(group, a.result());
                    return a.result().data();
                }
                askNext = true;
                errors.add(a.replica() + ": " + (a.error() != null ? a.error() : a.result().error()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted reading volume " + id, e);
        }
        throw new VolumeUnavailableException("no replica of volume " + id + " group " + group + " could serve a read at LSN "
                + readPoint + ": " + errors);
    }

    private static int indexOf(int[] order, int replica) {
        for (int i = 0; i < order.length; i++) {
            if (order[i] == replica) {
                return i;
            }
        }
        throw new IllegalStateException("replica " + replica + " was not asked");
    }

    /** Every replica once: the preferred one first, then those likely to serve, then the rest. */
    private int[] candidates(int group, long readPoint) {
        int start = preferredReplica;
        int[] order = new int[VolumeLayout.REPLICAS];
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < VolumeLayout.REPLICAS; i++) {
                int r = (start + i) % VolumeLayout.REPLICAS;
                if (view.likelyServes(group, r, readPoint) == (pass == 0)) {
                    order[n++] = r;
                }
            }
        }
        return order;
    }
}
