package borealis.persistence.backup;

import borealis.persistence.crypto.MasterKeys;
import borealis.persistence.crypto.ScratchFile;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A node's continuous backup: the store, the settings, one timer thread that flushes every
 * writer's archive and one thread that takes base images (one at a time, so that copies never take
 * more than a core from the tenants). Also rebuilds a volume at a past point for a restore.
 */
public final class BackupService implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackupService.class);

    /**
     * See reference.conf {@code borealis.backup}.
     *
     * @param queueMaxBytes archived records a writer may have waiting for the store; beyond, they are
     *                      dropped and the next base image closes the gap
     */
    public record Settings(boolean enabled, Path dir, Duration retention, Duration flushInterval, Duration imageInterval,
                           long imageAfterLogBytes, long queueMaxBytes) {

        static final Duration MAX_RETENTION = Duration.ofDays(35);

        public static Settings from(Config backup) {
            Settings s = new Settings(backup.getBoolean("enabled"), Path.of(backup.getString("dir")).toAbsolutePath(),
                    backup.getDuration("retention"), backup.getDuration("flush-interval"), backup.getDuration("image-interval"),
                    backup.getBytes("image-after-log-bytes"), backup.getBytes("queue-max-bytes"));
            if (s.retention.isNegative() || s.retention.isZero() || s.retention.compareTo(MAX_RETENTION) > 0) {
                throw new IllegalArgumentException("borealis.backup.retention must lie between 1 second and 35 days, not " + s.retention);
            }
            if (s.flushInterval.toMillis() < 10 || s.imageInterval.toMillis() < 1000) {
                throw new IllegalArgumentException("borealis.backup.flush-interval must be at least 10ms and image-interval at least 1s");
            }
            return s;
        }
    }

    private final Settings settings;
    private final BackupStore store;
    /** Null: backups are written in plaintext. */
    private final MasterKeys masterKeys;
    private final java.util.concurrent.ConcurrentHashMap<String, DataCipher> ciphers = new java.util.concurrent.ConcurrentHashMap<>();
    /** Volumes whose writer archives on this node: never swept. */
    private final java.util.Set<String> active = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final LocalImages localImages;
    private final ScheduledExecutorService timer;
    private final ExecutorService imager;
    private final ArchiveSpool.Chunks spoolChunks = new ArchiveSpool.Chunks(16);

    public BackupService(Settings settings, BackupStore store) {
        this(settings, store, null);
    }

    /** {@code masterKeys}: encrypt each volume's backup with a data key of its own, wrapped by them (null: plaintext). */
    public BackupService(Settings settings, BackupStore store, MasterKeys masterKeys) {
        this(settings, store, masterKeys, null);
    }

    /** {@code localImages}: where writers here keep their newest images as layers too (null: not kept). */
    public BackupService(Settings settings, BackupStore store, MasterKeys masterKeys, LocalImages localImages) {
        this.settings = settings;
        this.store = store;
        this.masterKeys = masterKeys;
        this.localImages = localImages;
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("borealis-backup-flush"));
        this.imager = Executors.newSingleThreadExecutor(daemon("borealis-backup-image"));
    }


    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public Settings settings() {
        return settings;
    }

    public BackupStore store() {
        return store;
    }

    /** The local copies of images taken here, or null. */
    public LocalImages localImages() {
        return localImages;
    }

    void active(String volumeId, boolean archiving) {
        if (archiving) {
            active.add(volumeId);
        } else {
            active.remove(volumeId);
        }
    }

    /** Sweeps expired backups now and then every image interval (on the image thread: it lists and deletes). */
    public void startSweeping() {
        long every = settings.imageInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> imager.execute(() -> {
            try {
                int n = sweepExpired(System.currentTimeMillis());
                if (n > 0) {
                    LOG.info("removed the backups of {} volume(s) with nothing left in the retention window", n);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("sweeping expired backups failed, will retry: {}", e.toString());
            }
        }), Math.min(every, 60_000), every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Removes every object of each volume whose newest point is older than the retention window
     * and whose writer is not archiving here: a deleted cluster's backup (restorable until then),
     * or one that stayed paused for longer than the window (its next writer starts a new backup).
     * Returns how many volumes were removed.
     */
    int sweepExpired(long nowMillis) throws IOException {
        java.util.Map<String, List<String>> byVolume = new java.util.TreeMap<>();
        java.util.Map<String, Long> newest = new java.util.HashMap<>();
        for (String key : store.list("volumes/")) {
            String rest = key.substring("volumes/".length());
            int cut = rest.contains("/log/") ? rest.lastIndexOf("/log/") : rest.contains("/image/") ? rest.lastIndexOf("/image/")
                    : rest.lastIndexOf('/');
            if (cut <= 0) {
                continue;
            }
            String volumeId = rest.substring(0, cut);
            byVolume.computeIfAbsent(volumeId, v -> new java.util.ArrayList<>()).add(key);
            LogSegments.Key log = LogSegments.parse(key);
            BaseImages.Key image = BaseImages.parse(key);
            long at = log != null ? log.lastMillis() : image != null ? image.takenMillis() : 0;
            newest.merge(volumeId, at, Math::max);
        }
        int removed = 0;
        long horizon = nowMillis - settings.retention().toMillis();
        for (java.util.Map.Entry<String, List<String>> v : byVolume.entrySet()) {
            if (active.contains(v.getKey()) || newest.getOrDefault(v.getKey(), 0L) >= horizon) {
                continue;
            }
            List<String> keys = new java.util.ArrayList<>(v.getValue());
            // The data key goes last: a sweep cut short leaves no object it could no longer open.
            keys.sort(java.util.Comparator.comparing((String k) -> k.endsWith("/" + DATA_KEY)));
            for (String key : keys) {
                store.delete(key);
            }
            if (localImages != null) {
                localImages.drop(v.getKey());
            }
            ciphers.remove(v.getKey());
            removed++;
        }
        if (localImages != null) {
            java.util.Map<String, List<String>> images = new java.util.HashMap<>();
            for (java.util.Map.Entry<String, List<String>> v : byVolume.entrySet()) {
                images.put(v.getKey(), v.getValue().stream().filter(k -> BaseImages.parse(k) != null).toList());
            }
            localImages.retainInactive(images, java.util.Set.copyOf(active));
        }
        return removed;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** Off-heap chunks for the archivers' queues; up to 16 MiB stay allocated between flushes. */
    ArchiveSpool.Chunks spoolChunks() {
        return spoolChunks;
    }

    ExecutorService imager() {
        return imager;
    }

    /** A new archiver for a writer about to open {@code volumeId}; {@link LogArchiver#attach} once it is open. */
    public LogArchiver archiver(String volumeId) {
        return new LogArchiver(volumeId, this);
    }

    /** The point a restore to {@code toLsn} / {@code toMillis} (either {@code Long.MAX_VALUE}: no limit) reaches. */
    public BackupCatalog.Target resolve(String volumeId, long toLsn, long toMillis) throws IOException {
        return BackupCatalog.resolve(store, cipher(volumeId, false), volumeId, toLsn, toMillis);
    }

    /**
     * The volume's bytes at {@code target}, in a new scratch file (encrypted under a key that lives
     * in memory only) the caller closes, which deletes it; timed for the restore metric.
     */
    public Materialized materialize(BackupCatalog.Target target) throws IOException {
        long began = System.nanoTime();
        ScratchFile scratch = new ScratchFile(Files.createTempFile(store.scratchDir(), "restore", ".vol"));
        try {
            long size = BackupCatalog.materialize(store, cipher(target.volumeId(), false), target, scratch);
            return new Materialized(scratch, size, (System.nanoTime() - began) / 1e9);
        } catch (IOException | RuntimeException e) {
            scratch.close();
            throw e;
        }
    }

    /**
     * Replays the archived log after the target's image up to the target into {@code into}, over
     * a volume of {@code imageSize} bytes (the image's); returns the volume's size at the target.
     */
    public long replay(BackupCatalog.Target target, long imageSize, BackupCatalog.Replay into) throws IOException {
        return BackupCatalog.replay(store, cipher(target.volumeId(), false), target, imageSize, into);
    }

    /** A rebuilt volume: {@code seconds} it took to read the image and replay the log. */
    public record Materialized(ScratchFile scratch, long size, double seconds) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            scratch.close();
        }
    }

    /** A finished restore, for the metric. */
    public static void restored(double seconds) {
        BackupMetrics.RESTORE_SECONDS.observe(seconds);
    }

    /**
     * Keeps what a restore needs to know about the cluster besides its bytes (its configuration, as
     * the control plane's own encoding), beside the volume's backup: a restore must work when the
     * control plane's record of the source is gone with the node's data directory.
     */
    public void putManifest(String volumeId, byte[] manifest) throws IOException {
        DataCipher c = cipher(volumeId, true);
        store.put(BackupCatalog.prefix(volumeId) + MANIFEST, c == null ? manifest : c.seal(manifest, volumeId));
    }

    /** The manifest stored with a volume's backup, or null. */
    public byte[] manifest(String volumeId) throws IOException {
        String key = BackupCatalog.prefix(volumeId) + MANIFEST;
        if (!store.list(key).contains(key)) {
            return null;
        }
        try (var in = BackupCatalog.open(store, cipher(volumeId, false), volumeId, key)) {
            return in.readAllBytes();
        }
    }

    private static final String DATA_KEY = "data.key";

    /**
     * The volume's data key, as a cipher; null when its backup is plaintext. A writer ({@code
     * forWriting}) of a volume with no backup yet makes one when the node encrypts; a key wrapped by
     * a previous master key is re-wrapped by the current one (rotation rewrites no data).
     */
    DataCipher cipher(String volumeId, boolean forWriting) throws IOException {
        DataCipher known = ciphers.get(volumeId);
        if (known != null) {
            return known;
        }
        String prefix = BackupCatalog.prefix(volumeId);
        String key = prefix + DATA_KEY;
        List<String> present = store.list(prefix);
        if (!present.contains(key)) {
            if (masterKeys == null || !forWriting) {
                return null;
            }
            if (!present.isEmpty()) {
                // Points written in plaintext stay readable: this volume's backup stays plaintext.
                return null;
            }
            byte[] dataKey = MasterKeys.newDataKey();
            store.put(key, masterKeys.wrap(dataKey, volumeId));
            return cache(volumeId, dataKey);
        }
        if (masterKeys == null) {
            throw new MasterKeys.WrongKeyException("the backup of volume " + volumeId + " is encrypted, and this node has no master key"
                    + " (borealis.encryption.enabled is off)");
        }
        byte[] wrapped;
        try (var in = store.open(key)) {
            wrapped = in.readAllBytes();
        }
        byte[] dataKey = masterKeys.unwrap(wrapped, volumeId);
        if (!masterKeys.isCurrent(wrapped)) {
            store.put(key, masterKeys.wrap(dataKey, volumeId));
        }
        return cache(volumeId, dataKey);
    }

    private DataCipher cache(String volumeId, byte[] dataKey) {
        DataCipher c = new DataCipher(dataKey);
        java.util.Arrays.fill(dataKey, (byte) 0);
        ciphers.put(volumeId, c);
        return c;
    }

    /**
     * Re-wraps every data key that a previous master key wrapped (after a rotation); returns how
     * many. Keys under a master key this node does not hold are left alone.
     */
    public int rewrapDataKeys() throws IOException {
        if (masterKeys == null || !masterKeys.rotating()) {
            return 0; // without a previous key nothing can need re-wrapping: no listing of the whole store at start
        }
        int n = 0;
        for (String key : store.list("volumes/")) {
            if (!key.endsWith("/" + DATA_KEY)) {
                continue;
            }
            String volumeId = key.substring("volumes/".length(), key.length() - DATA_KEY.length() - 1);
            byte[] wrapped;
            try (var in = store.open(key)) {
                wrapped = in.readAllBytes();
            }
            if (!masterKeys.isCurrent(wrapped)) {
                try {
                    store.put(key, masterKeys.wrap(masterKeys.unwrap(wrapped, volumeId), volumeId));
                    n++;
                } catch (MasterKeys.WrongKeyException e) {
                    // Not this node's to open (another key's backup in a shared store): left as it is.
                    LOG.warn("backup data key of volume {} not re-wrapped: {}", volumeId, e.getMessage());
                }
            }
        }
        return n;
    }

    /** The volumes backed up under {@code clusterPrefix} ({@code tenant/cluster}) that have a manifest, newest incarnation first. */
    public java.util.List<String> volumesOf(String clusterPrefix) throws IOException {
        String prefix = BackupCatalog.prefix(clusterPrefix);
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (String key : store.list(prefix)) {
            if (key.endsWith("/" + MANIFEST)) {
                ids.add(key.substring("volumes/".length(), key.length() - MANIFEST.length() - 1));
            }
        }
        ids.sort(java.util.Comparator.reverseOrder());
        return ids;
    }

    private static final String MANIFEST = "cluster.manifest";

    public BackupCatalog.Summary summary(String volumeId) throws IOException {
        return BackupCatalog.summary(store, volumeId);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        imager.shutdownNow();
    }
}
