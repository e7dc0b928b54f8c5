package borealis.persistence.backup;

import borealis.persistence.crypto.MasterKeys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.volume.client.LogArchive.DurableRecord;
import borealis.persistence.volume.log.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups encrypted with a per-volume data key wrapped by the node's master key: no plaintext in
 * the store, a wrong key refused by name, a rotation that re-wraps keys and rewrites no data.
 */
class BackupEncryptionTest {

    private static final String VOLUME = "acme/secrets/0001";
    private static final byte[] MARKER = "ROW-PLAINTEXT-MARKER-".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    /** A volume whose content repeats a marker, written by records as a writer would hand them over. */
    private static final class MarkedVolume implements BaseImages.Source {
        byte[] bytes = new byte[0];
        long lsn;
        final List<DurableRecord> log = new ArrayList<>();

        void write(long offset, int length) {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = MARKER[i % MARKER.length];
            }
            if (offset + length > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, (int) (offset + length));
            }
            System.arraycopy(data, 0, bytes, (int) offset, length);
            log.add(new DurableRecord(LogRecord.write(++lsn, 0, 0, offset, data, length, false), true, System.currentTimeMillis()));
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public long highestLsn() {
            return lsn;
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            dst.put(bytes, (int) offset, dst.remaining());
        }
    }

    private BackupService service(Path keyFile, List<Path> previous) throws IOException {
        BackupService.Settings s = new BackupService.Settings(true, dir.resolve("store"), Duration.ofDays(1), Duration.ofMillis(20),
                Duration.ofHours(1), 1L << 30, 1 << 24);
        return new BackupService(s, new LocalBackupStore(s.dir()), MasterKeys.load(keyFile, previous));
    }

    private MarkedVolume archive(BackupService service) throws Exception {
        MarkedVolume v = new MarkedVolume();
        v.write(0, 64 * 1024);
        LogArchiver archiver = service.archiver(VOLUME);
        archiver.durable(v.log);
        archiver.attach(v);
        service.putManifest(VOLUME, "engineSecret=ROW-PLAINTEXT-MARKER-secret".getBytes(StandardCharsets.US_ASCII));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (BackupCatalog.list(service.store(), VOLUME).images().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        int archived = v.log.size();
        v.write(100_000, 8192);
        archiver.durable(v.log.subList(archived, v.log.size()));
        archiver.close();
        return v;
    }

    private Map<Path, byte[]> storeFiles() throws IOException {
        Map<Path, byte[]> files = new HashMap<>();
        try (Stream<Path> walk = Files.walk(dir.resolve("store"))) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(p, Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void theStoreHoldsNoPlaintextAndTheRightKeyRestoresIt() throws Exception {
        BackupService service = service(dir.resolve("master.key"), List.of());
        try {
            MarkedVolume v = archive(service);
            Map<Path, byte[]> files = storeFiles();
            assertTrue(files.size() >= 4, "data key, manifest, image and log: " + files.keySet());
            for (Map.Entry<Path, byte[]> f : files.entrySet()) {
                assertFalse(contains(f.getValue(), MARKER), "plaintext in " + f.getKey());
            }
            BackupService.Materialized m = service.materialize(service.resolve(VOLUME, Long.MAX_VALUE, Long.MAX_VALUE));
            assertArrayEquals(v.bytes, ScratchFiles.contents(m));
            assertTrue(new String(service.manifest(VOLUME), StandardCharsets.US_ASCII).contains("secret"));
        } finally {
            service.close();
        }
        // The same store read without encryption is refused, not misread.
        BackupService plain = new BackupService(new BackupService.Settings(true, dir.resolve("store"), Duration.ofDays(1),
                Duration.ofMillis(20), Duration.ofHours(1), 1L << 30, 1 << 24), new LocalBackupStore(dir.resolve("store")));
        IOException e = assertThrows(IOException.class, () -> plain.resolve(VOLUME, Long.MAX_VALUE, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("is encrypted"), e.getMessage());
        plain.close();
    }

    @Test
    void aWrongMasterKeyIsRefusedByName() throws Exception {
        BackupService writer = service(dir.resolve("a.key"), List.of());
        archive(writer);
        writer.close();
        BackupService other = service(dir.resolve("b.key"), List.of());
        MasterKeys.WrongKeyException e = assertThrows(MasterKeys.WrongKeyException.class,
                () -> other.resolve(VOLUME, Long.MAX_VALUE, Long.MAX_VALUE));
        String a = MasterKeys.load(dir.resolve("a.key"), List.of()).currentFingerprint();
        assertTrue(e.getMessage().contains("encrypted under master key " + a), e.getMessage());
        other.close();
    }

    @Test
    void aRotationRewrapsTheDataKeyAndRewritesNoData() throws Exception {
        BackupService before = service(dir.resolve("old.key"), List.of());
        MarkedVolume v = archive(before);
        before.close();
        Map<Path, byte[]> filesBefore = storeFiles();

        BackupService rotating = service(dir.resolve("new.key"), List.of(dir.resolve("old.key")));
        assertEquals(1, rotating.rewrapDataKeys());
        assertEquals(0, rotating.rewrapDataKeys(), "already current");
        rotating.close();
        Map<Path, byte[]> filesAfter = storeFiles();
        int changed = 0;
        for (Map.Entry<Path, byte[]> f : filesAfter.entrySet()) {
            if (!java.util.Arrays.equals(f.getValue(), filesBefore.get(f.getKey()))) {
                changed++;
                assertTrue(f.getKey().toString().endsWith("data.key"), "only the key object changes: " + f.getKey());
            }
        }
        assertEquals(1, changed);

        BackupService after = service(dir.resolve("new.key"), List.of());
        BackupService.Materialized m = after.materialize(after.resolve(VOLUME, Long.MAX_VALUE, Long.MAX_VALUE));
        assertArrayEquals(v.bytes, ScratchFiles.contents(m));
        after.close();
    }

    @Test
    void aMasterKeyOthersCanReadIsRefused() throws Exception {
        Path key = dir.resolve("exposed.key");
        MasterKeys.load(key, List.of());
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> MasterKeys.load(key, List.of()));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void anAlteredObjectDoesNotDecrypt() throws Exception {
        BackupService service = service(dir.resolve("master.key"), List.of());
        try {
            archive(service);
            List<LogSegments.Key> logs = BackupCatalog.list(service.store(), VOLUME).logs();
            String logKey = logs.get(logs.size() - 1).key(); // the one a restore to the latest point must read
            Path file = dir.resolve("store").resolve(logKey);
            byte[] b = Files.readAllBytes(file);
            b[b.length - 20] ^= 1;
            Files.write(file, b);
            IOException e = assertThrows(IOException.class, () -> service.resolve(VOLUME, Long.MAX_VALUE, Long.MAX_VALUE));
            assertTrue(e.getMessage().contains("does not decrypt"), e.getMessage());
        } finally {
            service.close();
        }
    }
}
