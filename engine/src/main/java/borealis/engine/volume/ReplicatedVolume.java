package borealis.engine.volume;

import borealis.persistence.volume.Compression;
import borealis.persistence.volume.LogRecord;
import borealis.persistence.volume.QuorumTracker;
import borealis.persistence.volume.VolumeLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's client of a replicated volume (Aurora's storage driver, adapted).
 *
 * <p>A write is split at protection-group boundaries into log records with dense LSNs, put in the
 * block cache (pinned, so reads see it at once) and queued for the six replicas of its group. Each
 * replica has at most one batch in flight; whatever arrives meanwhile goes out together in the next
 * one, so concurrent commits share round trips and fsyncs. Acknowledgements feed a
 * {@link QuorumTracker}; when the volume-durable LSN (VDL) passes a waiter's LSN, its future
 * completes. Nothing here blocks on the network except reads that miss the cache, and opening.
 *
 * <p>Opening runs recovery: adopt a new epoch on a write quorum of every group (which fences any
 * older writer), compute the volume-complete LSN from the replicas' records, cut what lies above
 * it, and re-replicate what lies at or below it.
 */
public final class ReplicatedVolume implements Volume {

    private static final Logger log = LoggerFactory.getLogger(ReplicatedVolume.class);
    private static final int BLOCK = BlockCache.BLOCK;

    /** Tunables; see reference.conf {@code borealis.volume}. */
    public record Settings(long cacheBytes, Duration requestTimeout, Duration openTimeout, int maxBatchBytes,
                           boolean compress, Duration retryInterval) {
        public static Settings defaults() {
            return new Settings(64L << 20, Duration.ofSeconds(2), Duration.ofSeconds(30), 4 << 20, true, Duration.ofMillis(500));
        }
    }

    /** Send state of one replica: records not yet sent, and the batch in flight. */
    private static final class ReplicaLink {
        final ArrayDeque<LogRecord> queue = new ArrayDeque<>();
        List<LogRecord> inFlight;
        boolean suspect;
        long hintSent;
    }

    private record Waiter(long lsn, CompletableFuture<Long> future) {}

    private final String id;
    private final VolumeLayout layout;
    private final SegmentTransport transport;
    private final long epoch;
    private final Settings settings;
    private final BlockCache cache;

    // Guarded by this.
    private long epochStart;
    private long nextLsn;
    private long[] lastLsnInGroup = new long[16];
    private ReplicaLink[][] links = new ReplicaLink[16][];
    private int highestGroup;
    private long size;
    private QuorumTracker tracker;
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.lsn, b.lsn));
    private IOException failure;
    private boolean closed;

    private final ScheduledFuture<?> ticker;
    private final AtomicLong bytesShipped = new AtomicLong();
    private final AtomicLong recordsShipped = new AtomicLong();
    private final AtomicLong remoteReads = new AtomicLong();
    private volatile int preferredReplica;

    private ReplicatedVolume(String id, VolumeLayout layout, SegmentTransport transport, long epoch, Settings settings) {
        this.id = id;
        this.layout = layout;
        this.transport = transport;
        this.epoch = epoch;
        this.settings = settings;
        this.cache = new BlockCache(settings.cacheBytes());
        long period = settings.retryInterval().toMillis();
        this.ticker = VolumeTimers.SCHEDULER.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens a volume as its writer in {@code epoch} (which must be newer than any before it),
     * running recovery. Blocks until done.
     */
    public static ReplicatedVolume open(String id, VolumeLayout layout, SegmentTransport transport, long epoch,
                                        Settings settings) throws IOException {
        ReplicatedVolume v = new ReplicatedVolume(id, layout, transport, epoch, settings);
        try {
            new VolumeRecovery(v.id, layout, transport, epoch, settings).run(v::recovered);
        } catch (IOException | RuntimeException e) {
            v.ticker.cancel(false);
            throw e;
        }
        return v;
    }

    /** Installs the outcome of recovery, then writes a GROW record so the group count is durable. */
    private synchronized void recovered(VolumeRecovery.Outcome o) {
        epochStart = o.vcl() + 1;
        nextLsn = o.vcl() + 1;
        tracker = new QuorumTracker(o.vcl());
        size = o.size();
        highestGroup = o.highestGroup();
        for (int g = 0; g <= highestGroup; g++) {
            ensureGroup(g);
            lastLsnInGroup[g] = o.lastLsnInGroup().getOrDefault(g, 0L);
            tracker.setLastDurableInGroup(g, lastLsnInGroup[g]);
        }
        register(LogRecord.grow(nextLsn++, lastLsnInGroup[0], highestGroup));
        log.info("volume {} opened in epoch {}: VCL {}, size {} bytes, {} groups", id, epoch, o.vcl(), size, highestGroup + 1);
    }

    @Override
    public String id() {
        return id;
    }

    public long epoch() {
        return epoch;
    }

    public BlockCache cache() {
        return cache;
    }

    public VolumeLayout layout() {
        return layout;
    }

    @Override
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized long highestLsn() {
        return nextLsn - 1;
    }

    @Override
    public synchronized long durableLsn() {
        return tracker.vdl();
    }

    // ---- writes ----

    @Override
    public long write(long offset, ByteBuffer src) throws IOException {
        int len = src.remaining();
        if (len == 0) {
            return highestLsn();
        }
        byte[] bytes = new byte[len];
        src.get(bytes);
        // Edge blocks only partly covered need their old content to stay whole in the cache.
        byte[] head = offset % BLOCK != 0 ? currentBlock(offset / BLOCK) : null;
        long end = offset + len;
        byte[] tail = end % BLOCK != 0 && (end - 1) / BLOCK != offset / BLOCK ? currentBlock((end - 1) / BLOCK) : null;
        if (head == null && end % BLOCK != 0 && (end - 1) / BLOCK == offset / BLOCK) {
            head = currentBlock(offset / BLOCK);
        }
        List<VolumeLayout.Piece> pieces = layout.split(offset, len);
        byte[][] compressed = new byte[pieces.size()][];
        if (settings.compress()) {
            for (int i = 0; i < pieces.size(); i++) {
                compressed[i] = Compression.compressIfSmaller(bytes, pieces.get(i).sourceOffset(), pieces.get(i).length());
            }
        }
        synchronized (this) {
            checkWritable();
            long lsn = 0;
            for (int i = 0; i < pieces.size(); i++) {
                VolumeLayout.Piece p = pieces.get(i);
                growTo(p.group());
                byte[] data = compressed[i] != null ? compressed[i]
                        : Arrays.copyOfRange(bytes, p.sourceOffset(), p.sourceOffset() + p.length());
                lsn = nextLsn++;
                register(LogRecord.write(lsn, lastLsnInGroup[p.group()], p.group(), p.offset(), data, p.length(), compressed[i] != null));
            }
            cacheWrite(offset, bytes, head, tail, lsn);
            size = Math.max(size, end);
            return lsn;
        }
    }

    /** The current content of a block, from the cache or a replica (zeros beyond the end). */
    private byte[] currentBlock(long block) throws IOException {
        byte[] b = cache.get(block);
        if (b != null) {
            return b.clone();
        }
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        read(block * BLOCK, buf);
        return buf.array();
    }

    private void cacheWrite(long offset, byte[] bytes, byte[] head, byte[] tail, long lsn) {
        long first = offset / BLOCK;
        long last = (offset + bytes.length - 1) / BLOCK;
        for (long b = first; b <= last; b++) {
            long blockStart = b * BLOCK;
            byte[] block;
            if (offset <= blockStart && offset + bytes.length >= blockStart + BLOCK) {
                block = Arrays.copyOfRange(bytes, (int) (blockStart - offset), (int) (blockStart - offset) + BLOCK);
            } else {
                byte[] cached = cache.get(b);
                byte[] base = cached != null ? cached : (b == first ? head : tail);
                block = base == null ? new byte[BLOCK] : base.clone();
                long from = Math.max(offset, blockStart);
                long to = Math.min(offset + bytes.length, blockStart + BLOCK);
                System.arraycopy(bytes, (int) (from - offset), block, (int) (from - blockStart), (int) (to - from));
            }
            cache.putDirty(b, block, lsn);
        }
    }

    @Override
    public long truncate(long newSize) throws IOException {
        synchronized (this) {
            checkWritable();
            if (newSize >= size) {
                return nextLsn - 1;
            }
            long lsn = 0;
            for (int g = layout.groupOf(newSize); g <= highestGroup; g++) {
                lsn = nextLsn++;
                register(LogRecord.truncate(lsn, lastLsnInGroup[g], g, newSize));
            }
            size = newSize;
            long keepBlocks = (newSize + BLOCK - 1) / BLOCK;
            cache.dropFrom(keepBlocks);
            if (newSize % BLOCK != 0) {
                byte[] lastBlock = cache.get(newSize / BLOCK);
                if (lastBlock != null) {
                    byte[] cut = lastBlock.clone();
                    Arrays.fill(cut, (int) (newSize % BLOCK), BLOCK, (byte) 0);
                    cache.putDirty(newSize / BLOCK, cut, lsn);
                }
            }
            return lsn;
        }
    }

    /** Before the first record of a new group, a GROW record in group 0 makes the group count durable. */
    private void growTo(int group) {
        if (group <= highestGroup) {
            return;
        }
        highestGroup = group;
        ensureGroup(group);
        register(LogRecord.grow(nextLsn++, lastLsnInGroup[0], group));
    }

    private void register(LogRecord r) {
        tracker.register(r.lsn(), r.group());
        lastLsnInGroup[r.group()] = r.lsn();
        recordsShipped.incrementAndGet();
        for (int replica = 0; replica < VolumeLayout.REPLICAS; replica++) {
            links[r.group()][replica].queue.add(r);
            pump(r.group(), replica);
        }
    }

    private void ensureGroup(int group) {
        if (group >= links.length) {
            int n = Math.max(group + 1, links.length * 2);
            links = Arrays.copyOf(links, n);
            lastLsnInGroup = Arrays.copyOf(lastLsnInGroup, n);
        }
        if (links[group] == null) {
            links[group] = new ReplicaLink[VolumeLayout.REPLICAS];
            for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                links[group][r] = new ReplicaLink();
            }
        }
    }

    private void checkWritable() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (closed) {
            throw new IOException("volume " + id + " is closed");
        }
    }

    /** Sends the next batch to a replica if none is in flight. Called under the lock. */
    private void pump(int group, int replica) {
        ReplicaLink link = links[group][replica];
        if (link.inFlight != null || link.suspect || failure != null || closed) {
            return;
        }
        if (link.queue.isEmpty()) {
            return;
        }
        List<LogRecord> batch = new ArrayList<>();
        int bytes = 0;
        while (!link.queue.isEmpty() && (batch.isEmpty() || bytes + link.queue.peekFirst().wireSize() <= settings.maxBatchBytes())) {
            LogRecord r = link.queue.pollFirst();
            bytes += r.wireSize();
            batch.add(r);
        }
        send(group, replica, link, batch, bytes);
    }

    private void send(int group, int replica, ReplicaLink link, List<LogRecord> batch, int bytes) {
        link.inFlight = batch;
        long hint = tracker.vdl();
        link.hintSent = hint;
        bytesShipped.addAndGet(bytes);
        transport.append(group, replica, epoch, epochStart, batch, hint)
                .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((result, error) -> onAppendReply(group, replica, batch,
                        error != null ? SegmentTransport.AppendResult.failed(String.valueOf(error)) : result));
    }

    private void onAppendReply(int group, int replica, List<LogRecord> batch, SegmentTransport.AppendResult result) {
        List<Waiter> ready = new ArrayList<>();
        synchronized (this) {
            ReplicaLink link = links[group][replica];
            if (link.inFlight != batch) {
                return;
            }
            link.inFlight = null;
            if (result.accepted()) {
                if (link.suspect) {
                    log.info("volume {}: replica {}/{} answers again", id, group, replica);
                }
                link.suspect = false;
                boolean advanced = false;
                for (LogRecord r : batch) {
                    advanced |= tracker.ack(r.lsn(), replica);
                }
                if (advanced) {
                    durableAdvanced(ready);
                }
                pump(group, replica);
            } else if (result.fenced()) {
                fence("replica " + group + "/" + replica + " serves epoch " + result.replicaEpoch() + ", newer than this writer's " + epoch, ready);
            } else {
                if (!link.suspect) {
                    log.warn("volume {}: replica {}/{} did not take a write ({}); retrying every {}", id, group, replica,
                            result.error(), settings.retryInterval());
                }
                link.suspect = true;
                // Keep only what is not yet durable; the replica fills older gaps from its peers.
                for (int i = batch.size() - 1; i >= 0; i--) {
                    link.queue.addFirst(batch.get(i));
                }
                link.queue.removeIf(r -> tracker.ackCount(r.lsn()) >= VolumeLayout.WRITE_QUORUM);
            }
        }
        complete(ready);
    }

    private void durableAdvanced(List<Waiter> ready) {
        long vdl = tracker.vdl();
        cache.durableUpTo(vdl);
        while (!waiters.isEmpty() && waiters.peek().lsn <= vdl) {
            ready.add(waiters.poll());
        }
    }

    private void fence(String reason, List<Waiter> ready) {
        if (failure == null) {
            log.warn("volume {}: fenced: {}", id, reason);
            failure = new VolumeFencedException("volume " + id + " was opened by a newer writer (" + reason + ")");
            ready.addAll(waiters);
            waiters.clear();
        }
    }

    private void complete(List<Waiter> ready) {
        IOException f;
        long vdl;
        synchronized (this) {
            f = failure;
            vdl = tracker.vdl();
        }
        for (Waiter w : ready) {
            if (w.lsn <= vdl) {
                w.future.complete(vdl);
            } else {
                w.future.completeExceptionally(f != null ? f : new IOException("volume " + id + " closed"));
            }
        }
    }

    @Override
    public CompletableFuture<Long> whenDurable(long lsn) {
        synchronized (this) {
            if (lsn <= tracker.vdl()) {
                return CompletableFuture.completedFuture(tracker.vdl());
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("volume " + id + " closed"));
            }
            CompletableFuture<Long> f = new CompletableFuture<>();
            waiters.add(new Waiter(lsn, f));
            return f;
        }
    }

    /** Periodic: retry suspect replicas and tell idle groups how far the log is durable. */
    private void tick() {
        try {
            synchronized (this) {
                if (closed || failure != null || tracker == null) {
                    return;
                }
                long vdl = tracker.vdl();
                for (int g = 0; g <= highestGroup; g++) {
                    for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                        ReplicaLink link = links[g][r];
                        if (link.inFlight != null) {
                            continue;
                        }
                        if (link.suspect) {
                            link.queue.removeIf(rec -> tracker.ackCount(rec.lsn()) >= VolumeLayout.WRITE_QUORUM);
                            List<LogRecord> probe = new ArrayList<>();
                            int bytes = 0;
                            while (!link.queue.isEmpty() && bytes < settings.maxBatchBytes()) {
                                LogRecord rec = link.queue.pollFirst();
                                bytes += rec.wireSize();
                                probe.add(rec);
                            }
                            send(g, r, link, probe, bytes);
                        } else if (link.queue.isEmpty() && link.hintSent < vdl) {
                            link.hintSent = vdl;
                            transport.durableNotice(g, r, epoch, vdl);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            log.error("volume {}: periodic tick failed", id, e);
        }
    }

    // ---- reads ----

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        if (len == 0) {
            return;
        }
        long first = offset / BLOCK;
        long last = (offset + len - 1) / BLOCK;
        byte[][] blocks = new byte[(int) (last - first + 1)][];
        long volumeSize = size();
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
                fetch(missingFrom, b, blocks, first);
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

    /** Reads blocks [from, to) of one group from a replica into {@code out} and the cache. */
    private void fetch(long from, long to, byte[][] out, long firstBlock) throws IOException {
        int group = layout.groupOf(from * BLOCK);
        long readPoint;
        synchronized (this) {
            readPoint = tracker.lastDurableInGroup(group);
        }
        int length = (int) ((to - from) * BLOCK);
        byte[] data = readFromSomeReplica(group, from * BLOCK, length, readPoint);
        remoteReads.incrementAndGet();
        for (long b = from; b < to; b++) {
            byte[] block = Arrays.copyOfRange(data, (int) ((b - from) * BLOCK), (int) ((b - from + 1) * BLOCK));
            cache.putClean(b, block);
            // A write may have landed meanwhile; the cache then holds the newer block.
            byte[] current = cache.get(b);
            out[(int) (b - firstBlock)] = current != null ? current : block;
        }
    }

    private byte[] readFromSomeReplica(int group, long offset, int length, long readPoint) throws IOException {
        int start = preferredReplica;
        List<String> errors = new ArrayList<>();
        for (int attempt = 0; attempt < VolumeLayout.REPLICAS; attempt++) {
            int replica = (start + attempt) % VolumeLayout.REPLICAS;
            try {
                SegmentTransport.ReadResult r = transport.read(group, replica, offset, length, readPoint)
                        .get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                if (r.error() == null) {
                    preferredReplica = replica;
                    return r.data();
                }
                errors.add(replica + ": " + r.error());
            } catch (TimeoutException e) {
                errors.add(replica + ": timeout");
            } catch (ExecutionException e) {
                errors.add(replica + ": " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted reading volume " + id, e);
            }
        }
        throw new VolumeUnavailableException("no replica of volume " + id + " group " + group + " could serve a read at LSN "
                + readPoint + ": " + errors);
    }

    // ---- lifecycle and figures ----

    @Override
    public void close() {
        List<Waiter> ready;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ready = new ArrayList<>(waiters);
            waiters.clear();
        }
        ticker.cancel(false);
        complete(ready);
    }

    /** Figures for metrics and benchmarks. */
    public record Stats(long highestLsn, long vdl, long bytesShipped, long recordsShipped, long remoteReads,
                        int suspectReplicas, BlockCache.Stats cache) {}

    public Stats stats() {
        int suspect = 0;
        long highest;
        long vdl;
        synchronized (this) {
            for (int g = 0; g <= highestGroup; g++) {
                for (ReplicaLink l : links[g]) {
                    suspect += l.suspect ? 1 : 0;
                }
            }
            highest = nextLsn - 1;
            vdl = tracker.vdl();
        }
        return new Stats(highest, vdl, bytesShipped.get(), recordsShipped.get(), remoteReads.get(), suspect, cache.stats());
    }
}
