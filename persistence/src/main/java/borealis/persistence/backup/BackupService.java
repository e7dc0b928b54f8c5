package borealis.persistence.backup;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A node's continuous backup: the store, the settings, one timer thread that flushes every
 * writer's archive and one thread that takes base images (one at a time, so that copies never take
 * more than a core from the tenants). Also rebuilds a volume at a past point for a restore.
 */
public final class BackupService implements AutoCloseable {

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
    private final ScheduledExecutorService timer;
    private final ExecutorService imager;

    public BackupService(Settings settings, BackupStore store) {
        this.settings = settings;
        this.store = store;
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("borealis-backup-flush"));
        this.imager = Executors.newSingleThreadExecutor(daemon("borealis-backup-image"));
    }

    /** From configuration, with a local directory store; null when backup is disabled. */
    public static BackupService from(Config backup) throws IOException {
        Settings s = Settings.from(backup);
        return s.enabled() ? new BackupService(s, new LocalBackupStore(s.dir())) : null;
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

    ScheduledExecutorService timer() {
        return timer;
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
        return BackupCatalog.resolve(store, volumeId, toLsn, toMillis);
    }

    /** The volume's bytes at {@code target}, in a new scratch file the caller deletes; timed for the restore metric. */
    public Materialized materialize(BackupCatalog.Target target) throws IOException {
        long began = System.nanoTime();
        Path file = Files.createTempFile(store.scratchDir(), "restore", ".vol");
        try {
            long size = BackupCatalog.materialize(store, target, file);
            return new Materialized(file, size, (System.nanoTime() - began) / 1e9);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** A rebuilt volume: {@code seconds} it took to read the image and replay the log. */
    public record Materialized(Path file, long size, double seconds) {}

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
        store.put(BackupCatalog.prefix(volumeId) + MANIFEST, manifest);
    }

    /** The manifest stored with a volume's backup, or null. */
    public byte[] manifest(String volumeId) throws IOException {
        String key = BackupCatalog.prefix(volumeId) + MANIFEST;
        if (!store.list(key).contains(key)) {
            return null;
        }
        try (var in = store.open(key)) {
            return in.readAllBytes();
        }
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
