package borealis.persistence.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.volume.client.LogArchive.DurableRecord;
import borealis.persistence.volume.log.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restores rebuilt from images and archived log equal the volume as it was, at every point an
 * engine write ended, including from an image copied while writes went on.
 */
class BackupCatalogTest {

    private static final String VOLUME = "acme/orders/0001";

    @TempDir
    Path dir;

    /** A volume in memory: writes become records (split in two, like a write across protection groups), one boundary each. */
    private static final class SimVolume implements BaseImages.Source {
        byte[] bytes = new byte[0];
        long lsn;
        long clock = 1_000_000;
        final List<DurableRecord> log = new ArrayList<>();
        /** The volume's bytes after each boundary LSN. */
        final Map<Long, byte[]> states = new HashMap<>();
        final Map<Long, Long> times = new HashMap<>();
        Runnable duringRead = () -> { };
        long groupSize;

        void write(long offset, byte[] data) {
            int half = data.length / 2;
            record(LogRecord.write(++lsn, 0, 0, offset, Arrays.copyOf(data, half), half, false), false);
            if (offset + data.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) (offset + data.length));
            }
            System.arraycopy(data, 0, bytes, (int) offset, data.length);
            record(LogRecord.write(++lsn, 0, 1, offset + half, Arrays.copyOfRange(data, half, data.length), data.length - half, false),
                    true);
        }

        void truncate(int size) {
            bytes = Arrays.copyOf(bytes, size);
            record(LogRecord.truncate(++lsn, 0, 0, size), true);
        }

        private void record(LogRecord r, boolean boundary) {
            clock += 10;
            log.add(new DurableRecord(r, boundary, clock));
            if (boundary) {
                states.put(r.lsn(), bytes.clone());
                times.put(r.lsn(), clock);
            }
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public long nowMillis() {
            return clock;
        }

        @Override
        public long groupSize() {
            return groupSize;
        }

        @Override
        public long highestLsn() {
            return lsn;
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            duringRead.run();
            int n = (int) Math.max(0, Math.min(dst.remaining(), bytes.length - offset));
            dst.put(bytes, (int) offset, n);
            while (dst.hasRemaining()) {
                dst.put((byte) 0);
            }
        }
    }

    private final Random random = new Random(42);

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private void randomWrite(SimVolume v) {
        int len = 4096 * (1 + random.nextInt(8));
        long offset = 4096L * random.nextInt(900);
        v.write(offset, randomBytes(len));
    }

    private void archive(LocalBackupStore store, List<DurableRecord> records) throws IOException {
        if (!records.isEmpty()) {
            DurableRecord last = records.get(records.size() - 1);
            store.put(LogSegments.key(BackupCatalog.prefix(VOLUME), records.get(0).record().lsn(), last.record().lsn(),
                    last.durableAtMillis()), LogSegments.encode(records));
        }
    }

    private void storeImage(LocalBackupStore store, SimVolume v) throws IOException {
        BaseImages.Taken t = BaseImages.take(v, store.scratchDir(), () -> false, null, VOLUME);
        store.put(BaseImages.key(BackupCatalog.prefix(VOLUME), t.start(), t.end(), t.takenMillis()), t.file());
    }

    private byte[] restore(LocalBackupStore store, BackupCatalog.Target t) throws IOException {
        try (borealis.persistence.crypto.ScratchFile out = new borealis.persistence.crypto.ScratchFile(dir.resolve("restored-" + t.lsn()))) {
            long size = BackupCatalog.materialize(store, null, t, out);
            assertEquals(size, out.size());
            return ScratchFiles.read(out);
        }
    }

    @Test
    void everyBoundaryRestoresExactlyFromAnImageCopiedWhileWritesWentOn() throws IOException {
        LocalBackupStore store = new LocalBackupStore(dir.resolve("store"));
        SimVolume v = new SimVolume();
        for (int i = 0; i < 40; i++) {
            randomWrite(v);
        }
        // Every chunk the copy reads lets two more writes land first: the image is fuzzy.
        v.duringRead = () -> {
            randomWrite(v);
            randomWrite(v);
        };
        storeImage(store, v);
        v.duringRead = () -> { };
        long imageEnd = v.lsn;
        for (int i = 0; i < 30; i++) {
            randomWrite(v);
            if (i == 10) {
                v.truncate(4096 * 300);
            }
        }
        archive(store, v.log.subList(0, 50));
        archive(store, v.log.subList(50, v.log.size()));

        int checked = 0;
        for (Map.Entry<Long, byte[]> e : v.states.entrySet()) {
            if (e.getKey() < imageEnd) {
                assertThrows(BackupCatalog.NoRestorePoint.class, () -> BackupCatalog.resolve(store, null, VOLUME, e.getKey(), Long.MAX_VALUE),
                        "a point the fuzzy image does not reach consistently is refused");
                continue;
            }
            BackupCatalog.Target t = BackupCatalog.resolve(store, null, VOLUME, e.getKey(), Long.MAX_VALUE);
            assertEquals(e.getKey(), t.lsn());
            assertArrayEquals(e.getValue(), restore(store, t), "volume at LSN " + e.getKey());
            checked++;
        }
        assertTrue(checked >= 30, "checked " + checked);
    }

    /** The bytes of a laid-out volume: each group's layer read through its block file (and the layers below it). */
    private static byte[] readLayers(Path dir, List<String> layerIds, long groupSize, long size, borealis.persistence.crypto.FileKeys keys)
            throws IOException {
        byte[] all = new byte[(int) size];
        for (int g = 0; g < layerIds.size(); g++) {
            Path layer = dir.resolve(borealis.persistence.volume.segment.SegmentFiles.layerFile(layerIds.get(g)));
            borealis.persistence.volume.segment.BlockFile f = borealis.persistence.volume.segment.BlockFile.openReadOnly(layer, keys);
            try {
                assertTrue(f.encrypted(), "the layers are encrypted like the replicas' files");
                long from = g * groupSize;
                assertEquals(Math.min(groupSize, size - from), f.length(), "length of group " + g);
                System.arraycopy(f.read(0, (int) f.length()), 0, all, (int) from, (int) f.length());
            } finally {
                f.close();
            }
        }
        return all;
    }

    @Test
    void localCopiesFollowTheStoresImages() throws IOException {
        LocalBackupStore store = new LocalBackupStore(dir.resolve("store"));
        LocalImages local = new LocalImages(dir.resolve("images"), 2, volume -> borealis.persistence.crypto.FileKeys.NONE);
        SimVolume v = new SimVolume();
        v.groupSize = 1 << 20;
        List<String> imageKeys = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            randomWrite(v);
            BaseImages.Taken t;
            try (LocalImages.Copy copy = local.begin(VOLUME, v.groupSize)) {
                t = BaseImages.take(v, store.scratchDir(), () -> false, null, VOLUME, copy);
            }
            imageKeys.add(BaseImages.key(BackupCatalog.prefix(VOLUME), t.start(), t.end(), t.takenMillis()));
        }
        local.retainInactive(Map.of(VOLUME, imageKeys), java.util.Set.of());
        assertEquals(null, local.find(VOLUME, imageKeys.get(0)), "keep: the newest two");
        assertTrue(local.find(VOLUME, imageKeys.get(1)) != null && local.find(VOLUME, imageKeys.get(2)) != null);
        local.retainInactive(Map.of(VOLUME, List.of(imageKeys.get(2))), java.util.Set.of(VOLUME));
        assertTrue(local.find(VOLUME, imageKeys.get(1)) != null, "the copies of a volume whose writer archives here are its writer's to prune");
        local.retainInactive(Map.of(VOLUME, List.of(imageKeys.get(2))), java.util.Set.of());
        assertEquals(null, local.find(VOLUME, imageKeys.get(1)), "an image the store pruned has no copy left");
        assertTrue(local.find(VOLUME, imageKeys.get(2)) != null);
        local.retainInactive(Map.of(), java.util.Set.of());
        assertEquals(null, local.find(VOLUME, imageKeys.get(2)), "a volume the store no longer holds keeps no copy here");
    }

    @Test
    void aLocalCopyInLayersOfAnImageCopiedWhileWritesWentOnRestoresEveryBoundaryWithTheLogAfterIt() throws IOException {
        LocalBackupStore store = new LocalBackupStore(dir.resolve("store"));
        borealis.persistence.crypto.FileKeys keys = new borealis.persistence.crypto.FileKeys(borealis.persistence.crypto.AtRestKeys.open(
                dir.resolve("keys"), borealis.persistence.crypto.MasterKeys.of(borealis.persistence.crypto.MasterKeys.newDataKey())),
                "volume:" + VOLUME);
        Files.createDirectories(dir.resolve("images").resolve("x.part"));
        LocalImages local = new LocalImages(dir.resolve("images"), 2, volume -> keys);
        assertTrue(Files.notExists(dir.resolve("images").resolve("x.part")), "a copy a crash cut short is removed");
        SimVolume v = new SimVolume();
        v.groupSize = 3 * BaseImages.CHUNK / 2; // groups end inside the image's chunks
        v.write(0, randomBytes(4096 * 910)); // no byte is zero: a truncate that keeps one shows
        for (int i = 0; i < 40; i++) {
            randomWrite(v);
        }
        v.duringRead = () -> {
            randomWrite(v);
            randomWrite(v);
        };
        List<String> imageKeys = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            BaseImages.Taken t;
            try (LocalImages.Copy copy = local.begin(VOLUME, v.groupSize)) {
                t = BaseImages.take(v, store.scratchDir(), () -> false, null, VOLUME, copy);
            }
            String key = BaseImages.key(BackupCatalog.prefix(VOLUME), t.start(), t.end(), t.takenMillis());
            store.put(key, t.file());
            imageKeys.add(key);
            v.duringRead = () -> { };
            for (int i = 0; i < 20; i++) {
                randomWrite(v);
                if (round == 0 && i == 10) {
                    v.truncate(4096 * 300);
                }
            }
            v.duringRead = () -> randomWrite(v);
        }
        archive(store, v.log);
        assertTrue(v.size() > 2 * v.groupSize, "the volume spans three groups: " + v.size());

        BackupService service = new BackupService(new BackupService.Settings(true, dir.resolve("store"), Duration.ofDays(1),
                Duration.ofSeconds(1), Duration.ofHours(1), 1 << 30, 1 << 20), store, null, local);
        int checked = 0;
        int untouchedGroups = 0;
        for (int i = 0; i < imageKeys.size(); i++) {
            BaseImages.Key image = BaseImages.parse(imageKeys.get(i));
            LocalImages.Image copy = local.find(VOLUME, image.key());
            for (Map.Entry<Long, byte[]> e : v.states.entrySet()) {
                if (e.getKey() < image.end() || (i + 1 < imageKeys.size() && e.getKey() >= BaseImages.parse(imageKeys.get(i + 1)).end())) {
                    continue;
                }
                BackupCatalog.Target t = BackupCatalog.resolve(store, null, VOLUME, e.getKey(), Long.MAX_VALUE);
                assertEquals(image.key(), t.imageKey());
                Path staging = dir.resolve("staging-" + e.getKey());
                ImageReplay.LaidOut laid = ImageReplay.layOut(service, t, copy, staging, "r" + e.getKey(), keys);
                assertEquals(e.getValue().length, laid.size());
                assertArrayEquals(e.getValue(), readLayers(staging, laid.layerIds(), copy.groupSize(), laid.size(), keys),
                        "volume at LSN " + e.getKey() + " from image " + i);
                untouchedGroups += (int) laid.layerIds().stream().filter(id -> id.endsWith("i")).count();
                checked++;
            }
        }
        assertTrue(checked >= 50, "checked " + checked);
        assertTrue(untouchedGroups > 0, "a group the log after the image never wrote is the image's layer itself");

        local.retain(VOLUME, imageKeys.subList(1, 3));
        assertEquals(null, local.find(VOLUME, imageKeys.get(0)), "an image the store no longer holds is not kept");
        assertTrue(local.find(VOLUME, imageKeys.get(2)) != null);
        local.retain(VOLUME, imageKeys);
        local.retain(VOLUME, List.of(imageKeys.get(2)));
        assertEquals(null, local.find(VOLUME, imageKeys.get(1)));
        local.drop(VOLUME);
        assertEquals(null, local.find(VOLUME, imageKeys.get(2)));
    }

    @Test
    void aTimeRestoresTheLastWriteDurableAtOrBeforeItAndNeverHalfAWrite() throws IOException {
        LocalBackupStore store = new LocalBackupStore(dir.resolve("store"));
        SimVolume v = new SimVolume();
        randomWrite(v);
        storeImage(store, v);
        for (int i = 0; i < 10; i++) {
            randomWrite(v);
        }
        archive(store, v.log);
        long firstBoundaryAfterImage = v.lsn - 18; // writes are two records each
        long at = v.times.get(firstBoundaryAfterImage + 6);
        // Between the two records of the next write: the write is not half restored.
        BackupCatalog.Target t = BackupCatalog.resolve(store, null, VOLUME, Long.MAX_VALUE, at + 10);
        assertEquals(firstBoundaryAfterImage + 6, t.lsn());
        assertEquals(at, t.durableAtMillis());
        assertArrayEquals(v.states.get(t.lsn()), restore(store, t));
        BackupCatalog.Target latest = BackupCatalog.resolve(store, null, VOLUME, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(v.lsn, latest.lsn());
        BackupCatalog.NoRestorePoint before = assertThrows(BackupCatalog.NoRestorePoint.class,
                () -> BackupCatalog.resolve(store, null, VOLUME, Long.MAX_VALUE, 1000));
        assertTrue(before.getMessage().contains("holds points from"), before.getMessage());
    }

    @Test
    void aGapInTheArchiveEndsWhatAnOlderImageReachesAndANewImageResumes() throws IOException {
        LocalBackupStore store = new LocalBackupStore(dir.resolve("store"));
        SimVolume v = new SimVolume();
        randomWrite(v);
        storeImage(store, v);
        for (int i = 0; i < 6; i++) {
            randomWrite(v);
        }
        archive(store, v.log.subList(0, 8));
        long beforeGap = v.log.get(7).record().lsn();
        // Records 9..12 never reach the store (the writer crashed first).
        storeImage(store, v);
        int after = v.log.size();
        for (int i = 0; i < 4; i++) {
            randomWrite(v);
        }
        archive(store, v.log.subList(after, v.log.size()));
        assertEquals(beforeGap, BackupCatalog.resolve(store, null, VOLUME, v.lsn - 9, Long.MAX_VALUE).lsn(),
                "a point inside the gap gets the last one before it");
        BackupCatalog.Target latest = BackupCatalog.resolve(store, null, VOLUME, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(v.lsn, latest.lsn());
        assertArrayEquals(v.states.get(v.lsn), restore(store, latest));
    }

    @Test
    void pruningKeepsEveryPointOfTheWindow() throws IOException {
        LocalBackupStore store = new LocalBackupStore(dir.resolve("store"));
        SimVolume v = new SimVolume();
        List<Long> imageTimes = new ArrayList<>();
        int archived = 0;
        for (int round = 0; round < 3; round++) {
            randomWrite(v);
            archive(store, v.log.subList(archived, v.log.size()));
            archived = v.log.size();
            storeImage(store, v);
            imageTimes.add(BackupCatalog.list(store, VOLUME).images().get(round).takenMillis());
            for (int i = 0; i < 3; i++) {
                randomWrite(v);
            }
            archive(store, v.log.subList(archived, v.log.size()));
            archived = v.log.size();
        }
        long keepFrom = imageTimes.get(1) + 1;
        assertTrue(BackupCatalog.prune(store, VOLUME, keepFrom) > 0);
        BackupCatalog.Listing left = BackupCatalog.list(store, VOLUME);
        assertEquals(2, left.images().size());
        BackupCatalog.Target latest = BackupCatalog.resolve(store, null, VOLUME, Long.MAX_VALUE, Long.MAX_VALUE);
        assertArrayEquals(v.states.get(v.lsn), restore(store, latest));
    }

    @Test
    void backupsWithNothingLeftInTheWindowAreSweptUnlessTheirWriterArchivesHere() throws IOException {
        LocalBackupStore store = new LocalBackupStore(dir.resolve("store"));
        BackupService service = new BackupService(new BackupService.Settings(true, dir.resolve("store"), Duration.ofDays(1),
                Duration.ofSeconds(1), Duration.ofHours(1), 1 << 30, 1 << 20), store);
        long now = System.currentTimeMillis();
        long old = now - Duration.ofDays(2).toMillis();
        for (String volume : List.of("acme/deleted/1", "acme/paused/1", "acme/recent/1")) {
            long at = volume.contains("recent") ? now - 1000 : old;
            String prefix = BackupCatalog.prefix(volume);
            store.put(BaseImages.key(prefix, 1, 1, at), new byte[] {1});
            store.put(LogSegments.key(prefix, 2, 9, at + 10), new byte[] {2});
            store.put(prefix + "cluster.manifest", new byte[] {3});
        }
        service.active("acme/paused/1", true);
        try {
            assertEquals(1, service.sweepExpired(now));
            assertEquals(List.of(), store.list("volumes/acme/deleted/"));
            assertEquals(3, store.list("volumes/acme/paused/").size(), "a volume archiving here is never swept");
            assertEquals(3, store.list("volumes/acme/recent/").size(), "a point inside the window keeps the whole backup");
        } finally {
            service.close();
        }
    }

    @Test
    void aDamagedObjectIsRefusedByItsChecksum() throws IOException {
        LocalBackupStore store = new LocalBackupStore(dir.resolve("store"));
        SimVolume v = new SimVolume();
        randomWrite(v);
        storeImage(store, v);
        randomWrite(v);
        archive(store, v.log);
        String logKey = BackupCatalog.list(store, VOLUME).logs().get(0).key();
        Path file = dir.resolve("store").resolve(logKey);
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 1;
        Files.write(file, b);
        IOException e = assertThrows(IOException.class, () -> BackupCatalog.resolve(store, null, VOLUME, Long.MAX_VALUE, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void theArchiverStoresDurableRecordsAndTakesAnImageWhenItHasNone() throws Exception {
        BackupService service = new BackupService(new BackupService.Settings(true, dir.resolve("store"), Duration.ofDays(1),
                Duration.ofMillis(20), Duration.ofHours(1), 1 << 30, 1 << 20), new LocalBackupStore(dir.resolve("store")));
        try {
            SimVolume v = new SimVolume();
            LogArchiver archiver = service.archiver(VOLUME);
            for (int i = 0; i < 5; i++) {
                randomWrite(v);
            }
            archiver.durable(v.log);
            archiver.attach(v);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (BackupCatalog.list(service.store(), VOLUME).images().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            int archived = v.log.size();
            for (int i = 0; i < 5; i++) {
                randomWrite(v);
            }
            archiver.durable(v.log.subList(archived, v.log.size()));
            archiver.close();
            assertEquals(v.lsn, archiver.lastArchivedLsn(), "closing archives what is queued");
            BackupCatalog.Target latest = service.resolve(VOLUME, Long.MAX_VALUE, Long.MAX_VALUE);
            BackupService.Materialized m = service.materialize(latest);
            assertArrayEquals(v.states.get(v.lsn), ScratchFiles.contents(m));
        } finally {
            service.close();
        }
    }
}
