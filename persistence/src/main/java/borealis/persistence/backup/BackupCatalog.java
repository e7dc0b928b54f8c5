package borealis.persistence.backup;

import borealis.persistence.crypto.ScratchFile;
import borealis.persistence.volume.client.LogArchive.DurableRecord;
import borealis.persistence.volume.log.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a backup store holds for one volume, read from its listing: base images and runs of
 * archived log. Answers which point a restore can reach and rebuilds the volume's bytes at it.
 */
public final class BackupCatalog {

    /** Volume ids are made by the control plane from validated names ({@code tenant/cluster/incarnation}). */
    private static final Pattern VOLUME_ID = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*");

    /** A point a restore reaches: the volume's state just after record {@code lsn}, which became durable at {@code durableAtMillis}. */
    public record Target(String volumeId, String imageKey, long lsn, long durableAtMillis) {}

    /** Nothing in the store reaches the asked point; the message says what it does reach. */
    public static final class NoRestorePoint extends IOException {
        public NoRestorePoint(String message) {
            super(message);
        }
    }

    /** What is kept: images and log runs, oldest first. */
    record Listing(List<BaseImages.Key> images, List<LogSegments.Key> logs) {
        long lastArchivedLsn() {
            return logs.isEmpty() ? 0 : logs.get(logs.size() - 1).last();
        }
    }

    private BackupCatalog() {}

    static String prefix(String volumeId) {
        if (!VOLUME_ID.matcher(volumeId).matches()) {
            throw new IllegalArgumentException("not a volume id: " + volumeId);
        }
        return "volumes/" + volumeId + "/";
    }

    static Listing list(BackupStore store, String volumeId) throws IOException {
        List<BaseImages.Key> images = new ArrayList<>();
        List<LogSegments.Key> logs = new ArrayList<>();
        String prefix = prefix(volumeId);
        for (String key : store.list(prefix)) {
            String rest = key.substring(prefix.length());
            if (rest.startsWith("image/") && BaseImages.parse(key) != null) {
                images.add(BaseImages.parse(key));
            } else if (rest.startsWith("log/") && LogSegments.parse(key) != null) {
                logs.add(LogSegments.parse(key));
            }
        }
        images.sort(Comparator.comparingLong(BaseImages.Key::start));
        logs.sort(Comparator.comparingLong(LogSegments.Key::first));
        return new Listing(images, logs);
    }

    /**
     * The latest point at or before {@code toLsn} and {@code toMillis} (either may be {@code Long.MAX_VALUE})
     * that ends an engine write and that an image plus an unbroken run of archived log reach.
     */
    public static Target resolve(BackupStore store, DataCipher cipher, String volumeId, long toLsn, long toMillis) throws IOException {
        Listing listing = list(store, volumeId);
        if (listing.images().isEmpty()) {
            throw new NoRestorePoint("the backup store (" + store.describe() + ") holds no base image of volume " + volumeId);
        }
        Target best = null;
        for (int i = listing.images().size() - 1; i >= 0 && best == null; i--) {
            BaseImages.Key image = listing.images().get(i);
            if (image.start() > toLsn || image.takenMillis() > toMillis) {
                continue;
            }
            best = reach(store, cipher, volumeId, listing, image, toLsn, toMillis);
        }
        if (best == null) {
            throw new NoRestorePoint("no backup of volume " + volumeId + " reaches " + describe(toLsn, toMillis) + "; it holds "
                    + window(listing));
        }
        return best;
    }

    /** The last boundary at or after the image's end that the unbroken log after the image reaches, or null. */
    private static Target reach(BackupStore store, DataCipher cipher, String volumeId, Listing listing, BaseImages.Key image, long toLsn,
                                long toMillis)
            throws IOException {
        Target found = image.start() == image.end() ? new Target(volumeId, image.key(), image.start(), image.takenMillis()) : null;
        long next = image.start() + 1;
        for (LogSegments.Key log : listing.logs()) {
            if (log.last() < next) {
                continue;
            }
            if (log.first() > next) {
                break; // a gap in the archive: nothing past it is reachable from this image
            }
            for (DurableRecord d : read(store, cipher, volumeId, log)) {
                LogRecord r = d.record();
                if (r.lsn() < next) {
                    continue;
                }
                if (r.lsn() != next || r.lsn() > toLsn || d.durableAtMillis() > toMillis) {
                    return found;
                }
                next++;
                if (d.boundary() && r.lsn() >= image.end()) {
                    found = new Target(volumeId, image.key(), r.lsn(), d.durableAtMillis());
                }
            }
        }
        return found;
    }

    private static List<DurableRecord> read(BackupStore store, DataCipher cipher, String volumeId, LogSegments.Key log) throws IOException {
        try (InputStream in = open(store, cipher, volumeId, log.key())) {
            return LogSegments.decode(log.key(), in);
        }
    }

    /** An object's plaintext: decrypted with the volume's data key when the backup is encrypted ({@code cipher} not null). */
    static InputStream open(BackupStore store, DataCipher cipher, String volumeId, String key) throws IOException {
        InputStream raw = store.open(key);
        return cipher == null ? raw : cipher.decrypting(raw, volumeId, key);
    }

    /**
     * Rebuilds the volume's bytes at {@code target} into {@code file} (created or emptied): the
     * image, then every archived record after the image's start up to the target, in order.
     * Returns the volume size.
     */
    public static long materialize(BackupStore store, DataCipher cipher, Target target, ScratchFile ch) throws IOException {
        BaseImages.Key image = BaseImages.parse(target.imageKey());
        ch.truncate(0);
        long imageSize;
        try (InputStream in = open(store, cipher, target.volumeId(), image.key())) {
            imageSize = BaseImages.restoreInto(image.key(), in, ch);
        }
        long size = replay(store, cipher, target, imageSize, new Replay() {
            @Override
            public void write(long offset, byte[] payload) throws IOException {
                ch.write(ByteBuffer.wrap(payload), offset);
            }

            @Override
            public void truncate(long offset) throws IOException {
                ch.truncate(Math.min(ch.size(), offset));
            }
        });
        ch.truncate(size);
        return size;
    }

    /** Where the archived records after an image go, in order. */
    public interface Replay {
        void write(long offset, byte[] payload) throws IOException;

        void truncate(long offset) throws IOException;
    }

    /**
     * Hands every archived record after the target's image's start up to the target to {@code
     * into}, in order, over a volume of {@code imageSize} bytes (the image's); returns the size
     * the volume has at the target.
     */
    static long replay(BackupStore store, DataCipher cipher, Target target, long imageSize, Replay into) throws IOException {
        Listing listing = list(store, target.volumeId());
        BaseImages.Key image = BaseImages.parse(target.imageKey());
        long size = imageSize;
        long next = image.start() + 1;
        for (LogSegments.Key log : listing.logs()) {
            if (log.last() < next || next > target.lsn()) {
                continue;
            }
            for (DurableRecord d : read(store, cipher, target.volumeId(), log)) {
                LogRecord r = d.record();
                if (r.lsn() < next || r.lsn() > target.lsn()) {
                    continue;
                }
                if (r.lsn() != next) {
                    throw new IOException("the archived log of volume " + target.volumeId() + " lacks record " + next);
                }
                next++;
                switch (r.kind()) {
                    case WRITE -> {
                        into.write(r.offset(), r.payload());
                        size = Math.max(size, r.offset() + r.length());
                    }
                    case TRUNCATE -> {
                        into.truncate(r.offset());
                        size = r.offset();
                    }
                    case GROW -> { }
                }
            }
        }
        if (next <= target.lsn()) {
            throw new IOException("the archived log of volume " + target.volumeId() + " ends at " + (next - 1) + ", before " + target.lsn());
        }
        return size;
    }

    /**
     * Drops what no restore within the window needs: images older than the newest one taken at or
     * before {@code keepFromMillis}, and the log before that image.
     */
    static int prune(BackupStore store, String volumeId, long keepFromMillis) throws IOException {
        Listing listing = list(store, volumeId);
        BaseImages.Key keep = null;
        for (BaseImages.Key image : listing.images()) {
            if (image.takenMillis() <= keepFromMillis) {
                keep = image;
            }
        }
        if (keep == null) {
            return 0;
        }
        int deleted = 0;
        for (BaseImages.Key image : listing.images()) {
            if (image.start() < keep.start()) {
                store.delete(image.key());
                deleted++;
            }
        }
        for (LogSegments.Key log : listing.logs()) {
            if (log.last() <= keep.start()) {
                store.delete(log.key());
                deleted++;
            }
        }
        return deleted;
    }

    /** The oldest image's time to the newest archived record's, for messages and the admin API. */
    static String window(Listing listing) {
        if (listing.images().isEmpty()) {
            return "no base image";
        }
        long from = listing.images().get(0).takenMillis();
        long to = listing.logs().isEmpty() ? from : listing.logs().get(listing.logs().size() - 1).lastMillis();
        return "points from about " + Instant.ofEpochMilli(from) + " to " + Instant.ofEpochMilli(to) + " (LSN up to "
                + listing.lastArchivedLsn() + ")";
    }

    /** What the store holds for a volume, for the admin API: object counts, the newest image's time (0: none), the newest LSN. */
    public record Summary(int images, long lastImageMillis, int logObjects, long lastArchivedLsn, String window) {}

    public static Summary summary(BackupStore store, String volumeId) throws IOException {
        Listing l = list(store, volumeId);
        return new Summary(l.images().size(), l.images().stream().mapToLong(BaseImages.Key::takenMillis).max().orElse(0), l.logs().size(),
                l.lastArchivedLsn(), window(l));
    }

    /** The restorable window of a volume, for the admin API. */
    public static String window(BackupStore store, String volumeId) throws IOException {
        return window(list(store, volumeId));
    }

    private static String describe(long toLsn, long toMillis) {
        if (toMillis != Long.MAX_VALUE) {
            return Instant.ofEpochMilli(toMillis).toString();
        }
        return toLsn == Long.MAX_VALUE ? "its latest point" : "LSN " + toLsn;
    }
}
