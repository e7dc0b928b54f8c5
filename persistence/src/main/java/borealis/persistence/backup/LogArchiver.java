package borealis.persistence.backup;

import borealis.persistence.volume.client.LogArchive;
import borealis.persistence.volume.client.ReplicatedVolume;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous backup of one writer's volume: the records the writer hands over once durable are
 * queued here (never blocking the writer) and written to the backup store as one object per
 * flush interval; base images are taken when the archive has none, when it has a gap (records
 * lost to a crash of the previous writer before they were archived, or dropped because the queue
 * overflowed), and every image interval or image-after-log-bytes of log. Each image is followed by
 * pruning what the retention window no longer needs.
 */
public final class LogArchiver implements LogArchive, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogArchiver.class);

    private final String volumeId;
    private final String prefix;
    private final BackupService service;
    private final BackupMetrics.Volume metrics;

    // Guarded by this: the queue between the writer and the flusher.
    private ArchiveSpool queue;
    private boolean overflowed;
    private boolean suspended;

    // The flusher's own (one flush at a time, under flushLock).
    private final Object flushLock = new Object();
    private long lastArchived = -1;
    /** An object whose store failed, written again before anything newer. */
    private Pending pending;
    private boolean needImage;
    /** The first LSN archived after the latest gap: an image must start at or after the LSN before it to close the gap. */
    private long gapBefore;
    private long logBytesSinceImage;
    private long lastImageMillis;
    private volatile BaseImages.Source source;
    /** The volume's data key (null: the backup is not encrypted). */
    private volatile DataCipher cipher;
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile boolean imageRunning;
    private volatile ScheduledFuture<?> flusher;
    /** Set once {@link #attach} has learned the archive's state and the data key: nothing is written before. */
    private volatile boolean attached;

    LogArchiver(String volumeId, BackupService service) {
        this.volumeId = volumeId;
        this.prefix = BackupCatalog.prefix(volumeId);
        this.service = service;
        this.metrics = BackupMetrics.of(volumeId);
        this.queue = new ArchiveSpool(service.spoolChunks());
    }

    /** A sealed archived-log object and the records it holds. */
    private record Pending(String key, byte[] bytes, long first, long last, long lastMillis, boolean dropped) {}

    @Override
    public synchronized void durable(List<DurableRecord> records) {
        if (closed) {
            return;
        }
        if (suspended || overflowed) {
            // Dropped until the next flush: one gap, never a run with holes inside.
            overflowed = true;
            return;
        }
        for (DurableRecord d : records) {
            long size = d.record().wireSize();
            if (queue.bytes() + size > service.settings().queueMaxBytes()) {
                // The store cannot keep up: drop rather than hold the writer's memory; the gap
                // this leaves is closed by the next base image.
                overflowed = true;
                return;
            }
            queue.add(d);
        }
    }

    /** Drops what the writer hands over until {@link #attach}: writes that are not the cluster's history (a restore's fill). */
    public synchronized void suspend() {
        suspended = true;
    }

    /**
     * As {@link #attach(ReplicatedVolume)}, with the cluster's manifest stored first, on the backup
     * service's thread; a failure is retried every flush interval until the volume closes.
     */
    public void attachInBackground(ReplicatedVolume volume, byte[] manifest) {
        service.timer().execute(() -> {
            if (closing) {
                return;
            }
            try {
                service.putManifest(volumeId, manifest);
                attach(volume);
            } catch (IOException | RuntimeException e) {
                LOG.warn("backup of volume {}: could not start archiving ({}), will retry", volumeId, e.toString());
                service.timer().schedule(() -> attachInBackground(volume, manifest), service.settings().flushInterval().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    /** The writer's volume is open: learn where the archive stands and start flushing. */
    public void attach(ReplicatedVolume volume) throws IOException {
        attach(source(volume), afterLsn -> volume.recordsBeforeThisEpoch(afterLsn), volume.recoveredVcl());
    }

    /** The previous writers' records after an LSN, up to this epoch, as the replicas still hold them; null if they do not. */
    @FunctionalInterface
    interface EarlierRecords {
        List<borealis.persistence.volume.log.LogRecord> after(long lsn) throws IOException;
    }

    private static BaseImages.Source source(ReplicatedVolume volume) {
        return new BaseImages.Source() {
            @Override
            public long size() {
                return volume.size();
            }

            @Override
            public long highestLsn() {
                return volume.highestLsn();
            }

            @Override
            public void read(long offset, java.nio.ByteBuffer dst) throws IOException {
                volume.readPassingCache(offset, dst);
            }

            @Override
            public long groupSize() {
                return volume.layout().groupSize();
            }
        };
    }

    void attach(BaseImages.Source volume) throws IOException {
        attach(volume, lsn -> null, -1);
    }

    /**
     * {@code earlier}/{@code vcl}: when the archive stops short of the recovered VCL (the previous
     * writer died before its last flush), the missing records are fetched back from the replicas
     * and archived, so the archive stays continuous and no base image is needed; only the VCL
     * itself becomes a point (stamped when this writer found it durable), since the write
     * boundaries and durable times of those records died with their writer.
     */
    void attach(BaseImages.Source volume, EarlierRecords earlier, long vcl) throws IOException {
        cipher = service.cipher(volumeId, true);
        BackupCatalog.Listing listing = BackupCatalog.list(service.store(), volumeId);
        if (!listing.images().isEmpty() && listing.lastArchivedLsn() < vcl && !suspendedNow()) {
            backfill(listing.lastArchivedLsn(), vcl, earlier);
            listing = BackupCatalog.list(service.store(), volumeId);
        }
        // Read before taking this archiver's lock: the writer calls durable() holding the volume's.
        long volumeHighest = volume.highestLsn();
        synchronized (flushLock) {
            this.source = volume;
            lastArchived = listing.lastArchivedLsn();
            needImage = listing.images().isEmpty();
            lastImageMillis = listing.images().isEmpty() ? 0 : listing.images().get(listing.images().size() - 1).takenMillis();
            synchronized (this) {
                if (suspended && overflowed) {
                    // What was dropped is not history; nothing before the volume's present is continued.
                    needImage = true;
                    gapBefore = volumeHighest + 1;
                    lastArchived = -1;
                    queue.release();
                    queue = new ArchiveSpool(service.spoolChunks());
                    overflowed = false;
                }
                suspended = false;
            }
        }
        service.active(volumeId, true);
        attached = true;
        long every = service.settings().flushInterval().toMillis();
        flusher = service.timer().scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
        if (closing) {
            // Closed while attaching: close() may not have seen the flusher.
            flusher.cancel(false);
            service.active(volumeId, false);
        }
    }

    private synchronized boolean suspendedNow() {
        return suspended;
    }

    private synchronized long firstQueuedMillis() {
        return queue.isEmpty() ? System.currentTimeMillis() : queue.firstMillis();
    }

    private void backfill(long archived, long vcl, EarlierRecords earlier) throws IOException {
        List<borealis.persistence.volume.log.LogRecord> records = earlier.after(archived);
        if (records == null) {
            LOG.info("backup of volume {}: records {}..{} are no longer held by the replicas; a base image closes the gap", volumeId,
                    archived + 1, vcl);
            return;
        }
        // Durable no later than this epoch's first record: the times stay in order.
        long at = Math.min(System.currentTimeMillis(), firstQueuedMillis());
        List<DurableRecord> run = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            run.add(new DurableRecord(records.get(i), i == records.size() - 1, at));
            bytes += records.get(i).wireSize();
            if (bytes >= BACKFILL_OBJECT_BYTES || i == records.size() - 1) {
                byte[] encoded = LogSegments.encode(run);
                service.store().put(LogSegments.key(prefix, run.get(0).record().lsn(), run.get(run.size() - 1).record().lsn(), at),
                        cipher == null ? encoded : cipher.seal(encoded, volumeId));
                run = new ArrayList<>();
                bytes = 0;
            }
        }
        LOG.info("backup of volume {}: archived {} records ({}..{}) the previous writer had not, fetched back from the replicas", volumeId,
                records.size(), archived + 1, vcl);
    }

    private static final long BACKFILL_OBJECT_BYTES = 16L << 20;

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            LOG.warn("backup of volume {}: archiving failed, will retry: {}", volumeId, e.toString());
        }
    }

    /** Writes what is queued as one object (on failure the records stay queued), then starts an image if one is due. */
    void flush() throws IOException {
        if (!attached) {
            return; // neither the archive's position nor the data key is known yet
        }
        synchronized (flushLock) {
            if (pending != null) {
                service.store().put(pending.key(), pending.bytes());
                archived(pending);
                pending = null;
            }
            ArchiveSpool batch;
            boolean dropped;
            synchronized (this) {
                batch = queue;
                queue = new ArchiveSpool(service.spoolChunks());
                dropped = overflowed;
                overflowed = false;
            }
            if (!batch.isEmpty()) {
                Pending p;
                try {
                    byte[] bytes = batch.toObject();
                    if (cipher != null) {
                        bytes = cipher.seal(bytes, volumeId);
                    }
                    p = new Pending(LogSegments.key(prefix, batch.firstLsn(), batch.lastLsn(), batch.lastMillis()), bytes,
                            batch.firstLsn(), batch.lastLsn(), batch.lastMillis(), dropped);
                } finally {
                    batch.release();
                }
                try {
                    service.store().put(p.key(), p.bytes());
                } catch (IOException | RuntimeException e) {
                    pending = p; // written first at the next flush, before what arrived meanwhile
                    throw e;
                }
                archived(p);
            } else if (dropped) {
                needImage = true;
                gapBefore = source == null ? Long.MAX_VALUE : source.highestLsn() + 1;
            }
            metrics.lag(oldestQueuedMillis());
            BackupService.Settings s = service.settings();
            // An idle volume is not copied again: its last image still serves every point since.
            boolean due = needImage || logBytesSinceImage >= s.imageAfterLogBytes()
                    || (logBytesSinceImage > 0 && System.currentTimeMillis() - lastImageMillis >= s.imageInterval().toMillis());
            if (due && !imageRunning && !closing && source != null) {
                imageRunning = true;
                service.imager().execute(this::takeImage);
            }
        }
    }

    /** Under flushLock: an object is stored; a gap before it (or records dropped after it) calls for an image. */
    private void archived(Pending p) {
        if (p.dropped() || (lastArchived >= 0 && p.first() != lastArchived + 1)) {
            LOG.info("backup of volume {}: the archive has a gap after LSN {} (next archived: {}); a new base image closes it",
                    volumeId, lastArchived, p.first());
            needImage = true;
            gapBefore = p.first();
        }
        lastArchived = p.last();
        logBytesSinceImage += p.bytes().length;
        metrics.archived(p.lastMillis(), p.bytes().length);
    }

    private synchronized long oldestQueuedMillis() {
        return queue.isEmpty() ? 0 : queue.firstMillis();
    }

    private void takeImage() {
        long began = System.nanoTime();
        try {
            LocalImages local = service.localImages();
            BaseImages.Taken t;
            try (LocalImages.Copy copy = local == null || source.groupSize() <= 0 ? null : local.begin(volumeId, source.groupSize())) {
                t = BaseImages.take(source, service.store().scratchDir(), () -> closing, cipher, volumeId, copy);
            }
            try {
                service.store().put(BaseImages.key(prefix, t.start(), t.end(), t.takenMillis()), t.file());
            } finally {
                Files.deleteIfExists(t.file());
            }
            synchronized (flushLock) {
                // A gap found while the copy ran, after its start, still needs the next one.
                needImage = gapBefore - 1 > t.start();
                logBytesSinceImage = 0;
                lastImageMillis = t.takenMillis();
            }
            metrics.imaged(t.takenMillis(), (System.nanoTime() - began) / 1e9);
            LOG.info("backup of volume {}: base image at LSN {}..{} ({} bytes) in {} ms", volumeId, t.start(), t.end(), t.bytes(),
                    (System.nanoTime() - began) / 1_000_000);
            int pruned = BackupCatalog.prune(service.store(), volumeId,
                    System.currentTimeMillis() - service.settings().retention().toMillis());
            if (local != null) {
                local.retain(volumeId, BackupCatalog.list(service.store(), volumeId).images().stream().map(BaseImages.Key::key).toList());
            }
            if (pruned > 0) {
                LOG.info("backup of volume {}: pruned {} object(s) older than the retention window", volumeId, pruned);
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                LOG.warn("backup of volume {}: base image failed, will retry: {}", volumeId, e.toString());
            }
        } finally {
            imageRunning = false;
        }
    }

    @Override
    public void volumeClosed() {
        close();
    }

    /** Archives what is still queued (the writer's last records: it closes cleanly), then stops. */
    @Override
    public void close() {
        closing = true;
        ScheduledFuture<?> f = flusher;
        if (f != null) {
            f.cancel(false);
        }
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            LOG.warn("backup of volume {}: the last records could not be archived ({}); the next writer takes a base image",
                    volumeId, e.toString());
        }
        closed = true;
        synchronized (this) {
            queue.release();
        }
        service.active(volumeId, false);
    }

    /** How far the archive reaches (for tests and the admin API). */
    public long lastArchivedLsn() {
        synchronized (flushLock) {
            return lastArchived;
        }
    }
}
