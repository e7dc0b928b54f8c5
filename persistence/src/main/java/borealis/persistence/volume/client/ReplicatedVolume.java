package borealis.persistence.volume.client;

import borealis.persistence.volume.log.Compression;
import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.VolumeLayout;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's client of a replicated volume (Aurora's storage driver, adapted).
 *
 * <p>A write is split at protection-group boundaries into log records with dense LSNs, put in the
 * block cache (pinned, so reads see it at once) and queued for the six replicas of its group
 * ({@link ReplicaShipping}), so concurrent commits share round trips and fsyncs. Acknowledgements
 * feed a {@link QuorumTracker}; when the volume-durable LSN (VDL) passes a waiter's LSN, its
 * future completes. Nothing here blocks on the network except reads that miss the cache, and opening.
 *
 * <p>Opening runs recovery: adopt a new epoch on a write quorum of every group (which fences any
 * older writer), compute the volume-complete LSN from the replicas' records, cut what lies above
 * it, and re-replicate what lies at or below it.
 */
public final class ReplicatedVolume implements Volume {

    private static final Logger log = LoggerFactory.getLogger(ReplicatedVolume.class);
    private static final int BLOCK = VolumeLayout.BLOCK;
    /** Largest payload of one record, before compression. */
    static final int MAX_RECORD_BYTES = 256 * 1024;

    /**
     * Tunables; see reference.conf {@code borealis.volume}.
     *
     * @param commitTimeout how long {@link #whenDurable} waits for a write quorum before failing
     * @param openReadAheadBlocks blocks a read that misses fetches while a database opens ({@link #setOpenReadAhead})
     * @param openPrefetchBytes a volume up to this size is read whole into the cache before a database opens ({@link #prefetch})
     */
    public record Settings(long cacheBytes, Duration requestTimeout, Duration openTimeout, int maxBatchBytes,
                           boolean compress, Duration retryInterval, Duration commitTimeout, int openReadAheadBlocks,
                           long openPrefetchBytes) {
        /** From the {@code borealis.volume} section of a configuration. */
        public static Settings from(Config volume) {
            return new Settings(volume.getBytes("cache-size"), volume.getDuration("request-timeout"), volume.getDuration("open-timeout"),
                    Math.toIntExact(volume.getBytes("max-batch-bytes")), volume.getBoolean("compress"),
                    volume.getDuration("retry-interval"), volume.getDuration("commit-timeout"),
                    Math.toIntExact(volume.getBytes("open-read-ahead") / VolumeLayout.BLOCK), volume.getBytes("open-prefetch"));
        }

        /** The defaults in reference.conf (tools and tests). */
        public static Settings defaults() {
            return from(ConfigFactory.defaultReference().getConfig("borealis.volume"));
        }

        public Settings withCommitTimeout(Duration timeout) {
            return new Settings(cacheBytes, requestTimeout, openTimeout, maxBatchBytes, compress, retryInterval, timeout,
                    openReadAheadBlocks, openPrefetchBytes);
        }
    }

    private final String id;
    private final VolumeLayout layout;
    private final SegmentTransport transport;
    private final long epoch;
    private final Settings settings;
    private final BlockCache cache;

    // Guarded by this.
    private long nextLsn;
    private long[] lastLsnInGroup = new long[16];
    private final ReplicaShipping shipping;
    private int highestGroup;
    private long size;
    private QuorumTracker tracker;
    /** What recovery found: the volume-complete LSN and each group's last LSN up to it. */
    private long recoveredVcl;
    private long[] recoveredLastInGroup = new long[0];
    private final CommitWaiters waiters = new CommitWaiters();
    private final VolumeMetrics metrics;
    private IOException failure;
    private volatile boolean closed;
    /** Writes wait while a clone freezes the volume at a point ({@link #holdWrites}). */
    private boolean writesHeld;

    private final ScheduledFuture<?> ticker;
    private final VolumeReader reader;
    private final ArchiveFeed archive;

    private ReplicatedVolume(String id, VolumeLayout layout, SegmentTransport transport, long epoch, Settings settings,
                             LogArchive archive) {
        this.id = id;
        this.archive = new ArchiveFeed(archive);
        this.metrics = VolumeMetrics.of(id);
        this.layout = layout;
        this.transport = transport;
        this.epoch = epoch;
        this.settings = settings;
        this.cache = new BlockCache(settings.cacheBytes());
        this.shipping = new ReplicaShipping(transport, epoch, settings, () -> failure == null && !closed, this::onAppendReply);
        this.reader = new VolumeReader(id, layout, transport, cache, settings.requestTimeout().toMillis(), new ReaderView());
        transport.onProgress(this::onProgress);
        long period = settings.retryInterval().toMillis();
        this.ticker = VolumeTimers.SCHEDULER.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens a volume as its writer in {@code epoch} (which must be newer than any before it),
     * running recovery. Blocks until done.
     */
    public static ReplicatedVolume open(String id, VolumeLayout layout, SegmentTransport transport, long epoch,
                                        Settings settings) throws IOException {
        return open(id, layout, transport, epoch, settings, LogArchive.NONE);
    }

    /** As {@link #open(String, VolumeLayout, SegmentTransport, long, Settings)}, handing every durable record to {@code archive}. */
    public static ReplicatedVolume open(String id, VolumeLayout layout, SegmentTransport transport, long epoch,
                                        Settings settings, LogArchive archive) throws IOException {
        ReplicatedVolume v = new ReplicatedVolume(id, layout, transport, epoch, settings, archive);
        try {
            new VolumeRecovery(v.id, layout, transport, epoch, settings).run(v::recovered);
        } catch (IOException | RuntimeException e) {
            v.ticker.cancel(false);
            transport.volumeClosed();
            throw e;
        }
        return v;
    }

    /** Installs the outcome of recovery, then writes a GROW record so the group count is durable. */
    private synchronized void recovered(VolumeRecovery.Outcome o) {
        nextLsn = o.vcl() + 1;
        tracker = new QuorumTracker(o.vcl());
        shipping.start(o.vcl() + 1, tracker);
        size = o.size();
        highestGroup = o.highestGroup();
        for (int g = 0; g <= highestGroup; g++) {
            ensureGroup(g);
            lastLsnInGroup[g] = o.lastLsnInGroup().getOrDefault(g, 0L);
            tracker.setLastDurableInGroup(g, lastLsnInGroup[g]);
            // A replica that did not answer the recovery (its node may be gone: a read sent there
            // waited the request timeout, 2 s, before trying the next, and a failover's H2 open took
            // 4.1 s instead of 0.3) counts as holding nothing until it reports what it holds.
            java.util.Set<Integer> holding = o.holding().getOrDefault(g, java.util.Set.of());
            ReplicaLink[] links = shipping.linksOf(g);
            for (int r = 0; r < links.length; r++) {
                links[r].scl = holding.contains(r) ? o.vcl() : 0;
            }
        }
        recoveredVcl = o.vcl();
        recoveredLastInGroup = Arrays.copyOf(lastLsnInGroup, highestGroup + 1);
        register(LogRecord.grow(nextLsn++, lastLsnInGroup[0], highestGroup));
        archive.boundary();
        shipping.flush();
        log.info("volume {} opened in epoch {}: VCL {}, size {} bytes, {} groups", id, epoch, o.vcl(), size, highestGroup + 1);
    }

    @Override
    public String id() {
        return id;
    }

    public long epoch() {
        return epoch;
    }

    @Override
    public long cachedBytes() {
        return cache.stats().sizeBytes();
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
        List<VolumeLayout.Piece> pieces = WritePieces.splitRecords(layout.split(offset, len), MAX_RECORD_BYTES);
        byte[][] compressed = new byte[pieces.size()][];
        if (settings.compress()) {
            for (int i = 0; i < pieces.size(); i++) {
                compressed[i] = Compression.compressIfSmaller(bytes, pieces.get(i).sourceOffset(), pieces.get(i).length());
            }
        }
        synchronized (this) {
            awaitWritesReleased();
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
            archive.boundary();
            WritePieces.cacheWrite(cache, offset, bytes, head, tail, lsn);
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

    @Override
    public long truncate(long newSize) throws IOException {
        synchronized (this) {
            awaitWritesReleased();
            checkWritable();
            if (newSize >= size) {
                return nextLsn - 1;
            }
            long lsn = 0;
            for (int g = layout.groupOf(newSize); g <= highestGroup; g++) {
                lsn = nextLsn++;
                register(LogRecord.truncate(lsn, lastLsnInGroup[g], g, newSize));
            }
            archive.boundary();
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

    /**
     * Queues a record for the six replicas of its group. It is sent when someone waits for it
     * ({@link #whenDurable}), when a batch's worth has queued, or at the next tick: the several
     * writes of one commit, and the commits of concurrent sessions, thus travel in one batch and
     * cost each replica one persist.
     */
    private void register(LogRecord r) {
        tracker.register(r.lsn(), r.group());
        lastLsnInGroup[r.group()] = r.lsn();
        archive.registered(r);
        shipping.queue(r);
    }

    private void ensureGroup(int group) {
        if (group >= lastLsnInGroup.length) {
            lastLsnInGroup = Arrays.copyOf(lastLsnInGroup, Math.max(group + 1, lastLsnInGroup.length * 2));
        }
        shipping.ensureGroup(group);
    }

    /** Where the volume stands while its writes are held: its newest LSN (durable), and each group's. */
    public record HeldPoint(long lsn, long epoch, int highestGroup, long[] lastLsnInGroup) {}

    /**
     * Holds every write (and truncation) until {@link #releaseWrites}, and waits until all written
     * so far is durable: the volume then stands between two writes, where H2 finds a consistent
     * database, and stays there. Reads go on. Fails, releasing, if the log is not durable in time.
     */
    public HeldPoint holdWrites(Duration timeout) throws IOException {
        HeldPoint p;
        synchronized (this) {
            awaitWritesReleased();
            checkWritable();
            writesHeld = true;
            p = new HeldPoint(nextLsn - 1, epoch, highestGroup, Arrays.copyOf(lastLsnInGroup, highestGroup + 1));
        }
        try {
            whenDurable(p.lsn()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return p;
        } catch (Exception e) {
            releaseWrites();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("volume " + id + " did not become durable up to LSN " + p.lsn() + " within " + timeout + ": " + e, e);
        }
    }

    public synchronized void releaseWrites() {
        writesHeld = false;
        notifyAll();
    }

    private void awaitWritesReleased() throws IOException {
        while (writesHeld && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while the volume's writes were held for a clone");
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

    private void onAppendReply(int group, int replica, List<LogRecord> batch, SegmentTransport.AppendResult result) {
        List<CommitWaiters.Waiter> ready = new ArrayList<>();
        synchronized (this) {
            ReplicaLink link = shipping.link(group, replica);
            if (closed || !link.answered(batch)) {
                return;
            }
            if (result.accepted()) {
                if (link.suspect) {
                    log.info("volume {}: replica {}/{} answers again", id, group, replica);
                }
                link.suspect = false;
                sclReported(group, replica, result.scl(), ready);
                shipping.pump(group, replica);
            } else if (result.fenced()) {
                fence("replica " + group + "/" + replica + " serves epoch " + result.replicaEpoch() + ", newer than this writer's " + epoch, ready);
            } else {
                if (!link.suspect) {
                    log.warn("volume {}: replica {}/{} did not take a write ({}); retrying every {}", id, group, replica,
                            result.error(), settings.retryInterval());
                }
                link.suspect = true;
                // Keep only what is not yet durable; the replica fills older gaps from its peers.
                link.requeue(batch, tracker);
            }
        }
        complete(ready);
    }

    /** A replica holds its group completely up to {@code scl}: it counts toward those records' quorums. */
    private void sclReported(int group, int replica, long scl, List<CommitWaiters.Waiter> ready) {
        ReplicaLink link = shipping.link(group, replica);
        link.scl = Math.max(link.scl, scl);
        tracker.ackUpTo(group, replica, scl);
        // The read-quorum point may move without the VDL.
        durableAdvanced(ready);
    }

    /** A replica caught up on its own (gap filled from peers, hydration done) and said so. */
    private void onProgress(int group, int replica, long replicaEpoch, long scl) {
        List<CommitWaiters.Waiter> ready = new ArrayList<>();
        synchronized (this) {
            if (replicaEpoch != epoch || tracker == null || group > highestGroup || closed) {
                return;
            }
            sclReported(group, replica, scl, ready);
        }
        complete(ready);
    }

    private void durableAdvanced(List<CommitWaiters.Waiter> ready) {
        long vdl = tracker.vdl();
        cache.durableUpTo(vdl);
        archive.durableUpTo(vdl);
        waiters.reached(vdl, tracker.readable(), ready);
    }

    /** Whether a newer writer has opened the volume: nothing written here can become durable again. */
    public synchronized boolean isFenced() {
        return failure instanceof VolumeFencedException;
    }

    private void fence(String reason, List<CommitWaiters.Waiter> ready) {
        if (failure == null) {
            log.warn("volume {}: fenced: {}", id, reason);
            failure = new VolumeFencedException("volume " + id + " was opened by a newer writer (" + reason + ")");
            waiters.all(ready);
        }
    }

    private void complete(List<CommitWaiters.Waiter> ready) {
        IOException f;
        long vdl;
        long readable;
        synchronized (this) {
            f = failure;
            vdl = tracker.vdl();
            readable = tracker.readable();
        }
        CommitWaiters.complete(ready, vdl, readable, f != null ? f : new IOException("volume " + id + " closed"), metrics);
    }

    @Override
    public CompletableFuture<Long> whenDurable(long lsn) {
        return await(lsn, false);
    }

    @Override
    public CompletableFuture<Long> whenReadable(long lsn) {
        return await(lsn, true);
    }

    private CompletableFuture<Long> await(long lsn, boolean readable) {
        synchronized (this) {
            long reached = readable ? tracker.readable() : tracker.vdl();
            if (lsn <= reached) {
                return CompletableFuture.completedFuture(reached);
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("volume " + id + " closed"));
            }
            // Waiting first, then sending: a transport that answers on this thread (in-process
            // replicas) moves the VDL inside flush(), and a waiter added after it would miss that.
            CompletableFuture<Long> reachedLater = waiters.add(lsn, readable, System.nanoTime() + settings.commitTimeout().toNanos());
            shipping.flush();
            return reachedLater;
        }
    }

    /**
     * Periodic: fail commits that waited too long for a quorum, retry suspect replicas, ask lagging
     * ones how far they have caught up, and tell idle groups how far the log is durable.
     */
    private void tick() {
        List<CommitWaiters.Waiter> expired = new ArrayList<>();
        String why = null;
        long reachedVdl = -1;
        long reachedReadable = -1;
        try {
            synchronized (this) {
                if (closed || failure != null || tracker == null) {
                    return;
                }
                expired.addAll(waiters.expired(System.nanoTime()));
                if (!expired.isEmpty()) {
                    why = shipping.quorumReport(highestGroup, lastLsnInGroup);
                    reachedVdl = tracker.vdl();
                    reachedReadable = tracker.readable();
                }
                shipping.flush();
                shipping.retryAndNotify(highestGroup, lastLsnInGroup);
            }
        } catch (RuntimeException e) {
            log.error("volume {}: periodic tick failed", id, e);
        }
        if (!expired.isEmpty()) {
            VolumeUnavailableException timeout = new VolumeUnavailableException("volume " + id + ": no write quorum within "
                    + settings.commitTimeout().toMillis() + " ms (" + why + "); the commit's outcome is unknown");
            log.warn("{}: failing {} waiting commit(s)", timeout.getMessage(), expired.size());
            // One whose point was reached just now still succeeds.
            CommitWaiters.complete(expired, reachedVdl, reachedReadable, timeout, metrics);
        }
    }

    /** The volume-complete LSN recovery found when this writer opened the volume. */
    public synchronized long recoveredVcl() {
        return recoveredVcl;
    }

    /**
     * The records between {@code afterLsn} (exclusive) and the recovered VCL, in LSN order, from
     * replicas that still hold them as records; null when some group's replicas no longer do. For
     * continuous backup: the previous writer's last durable records that it had not archived.
     */
    public List<LogRecord> recordsBeforeThisEpoch(long afterLsn) throws IOException {
        long vcl;
        long[] lastInGroup;
        synchronized (this) {
            vcl = recoveredVcl;
            lastInGroup = recoveredLastInGroup.clone();
        }
        return HeldRecordsFetch.between(transport, id, settings, lastInGroup, afterLsn, vcl);
    }

    // ---- reads ----

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        reader.read(offset, dst);
    }

    /**
     * Reads the whole volume into the block cache before a database opens, if it is no larger than
     * {@link Settings#openPrefetchBytes} and half the cache; returns the bytes read (0 if not).
     */
    public long prefetch() throws IOException {
        return reader.prefetch(size(), settings.openPrefetchBytes());
    }

    /**
     * Reads that miss the cache fetch this many blocks from their first missing one (0: only what
     * is asked): set while a database opens, whose checks of a file not closed cleanly walk it.
     */
    public void setOpenReadAhead(int blocks) {
        reader.readAhead(blocks);
    }

    /** Reads as {@link #read} does, without putting what replicas send in the cache (a backup's copy must not evict the working set). */
    public void readPassingCache(long offset, ByteBuffer dst) throws IOException {
        if (closed) {
            // A backup's copy still running when the writer stops must not wake replicas that a purge is removing.
            throw new IOException("volume " + id + " is closed");
        }
        reader.read(offset, dst, false);
    }

    private final class ReaderView implements VolumeReader.View {
        @Override
        public long size() {
            return ReplicatedVolume.this.size();
        }

        @Override
        public long readPoint(int group) {
            synchronized (ReplicatedVolume.this) {
                return tracker.lastDurableInGroup(group);
            }
        }

        @Override
        public boolean likelyServes(int group, int replica, long readPoint) {
            synchronized (ReplicatedVolume.this) {
                return group <= highestGroup && !shipping.link(group, replica).suspect && shipping.link(group, replica).scl >= readPoint;
            }
        }
    }

    // ---- lifecycle and figures ----

    @Override
    public void close() {
        List<CommitWaiters.Waiter> ready;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll(); // writes held for a clone fail now
            ready = new ArrayList<>();
            waiters.all(ready);
        }
        ticker.cancel(false);
        transport.volumeClosed();
        complete(ready);
        archive.closed();
    }

    /** Drops this volume's metric series: for a volume that was no cluster's (the node's warm-up). */
    public void forgetMetrics() {
        VolumeMetrics.forget(id);
    }

    /** Figures for metrics and benchmarks. */
    public record Stats(long highestLsn, long vdl, long bytesShipped, long recordsShipped, long remoteReads,
                        int suspectReplicas, int groups, int minReplicasUp, BlockCache.Stats cache, long appendsSent) {}

    public Stats stats() {
        int suspect = 0;
        int minUp = VolumeLayout.REPLICAS;
        long highest;
        long vdl;
        int groups;
        synchronized (this) {
            for (int g = 0; g <= highestGroup; g++) {
                int down = shipping.suspectReplicas(g);
                suspect += down;
                minUp = Math.min(minUp, VolumeLayout.REPLICAS - down);
            }
            highest = nextLsn - 1;
            vdl = tracker.vdl();
            groups = highestGroup + 1;
        }
        return new Stats(highest, vdl, shipping.bytesShipped(), shipping.recordsShipped(), reader.remoteReads(), suspect, groups, minUp,
                cache.stats(), shipping.appendsSent());
    }
}
