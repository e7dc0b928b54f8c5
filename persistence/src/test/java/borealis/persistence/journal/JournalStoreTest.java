package borealis.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's files: torn tails, group commit, and a size that follows what is live. */
class JournalStoreTest {

    @TempDir
    Path dir;

    private static LogEntry.Events events(String pid, long seqNr, int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (seqNr * 31 + i);
        }
        return new LogEntry.Events(pid, new long[] {seqNr}, new byte[][] {payload});
    }

    private static List<byte[]> replay(JournalStore store, String pid) {
        List<byte[]> out = new ArrayList<>();
        for (JournalStore.Located l : store.located(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)) {
            out.add(store.read(l.location()));
        }
        return out;
    }

    private Path lastFile() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".journal")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    @Test
    void aTornTailIsCutAndEverythingBeforeItSurvives() throws Exception {
        try (JournalStore store = new JournalStore(dir, 1 << 20, true)) {
            for (long n = 1; n <= 10; n++) {
                store.append(List.of(events("a", n, 100))).get();
            }
        }
        long goodSize = Files.size(lastFile());
        // A crash in the middle of the next write: a header promising more bytes than follow.
        try (FileChannel ch = FileChannel.open(lastFile(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.allocate(20).putInt(0, 5000).putInt(4, 12345));
        }
        try (JournalStore store = new JournalStore(dir, 1 << 20, true)) {
            assertEquals(goodSize, Files.size(lastFile()), "the torn tail is truncated");
            assertEquals(10, store.highestSequenceNr("a"));
            List<byte[]> replayed = replay(store, "a");
            assertEquals(10, replayed.size());
            assertArrayEquals(events("a", 7, 100).payloads()[0], replayed.get(6));
            store.append(List.of(events("a", 11, 100))).get();
        }
        try (JournalStore store = new JournalStore(dir, 1 << 20, true)) {
            assertEquals(11, replay(store, "a").size(), "appends after the cut tail are readable after a restart");
        }
    }

    @Test
    void aFlippedBitInTheTailEndsRecoveryThere() throws Exception {
        try (JournalStore store = new JournalStore(dir, 1 << 20, true)) {
            for (long n = 1; n <= 5; n++) {
                store.append(List.of(events("a", n, 1000))).get();
            }
        }
        long size = Files.size(lastFile());
        try (FileChannel ch = FileChannel.open(lastFile(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x55}), size - 10); // inside the last entry's payload
        }
        try (JournalStore store = new JournalStore(dir, 1 << 20, true)) {
            assertEquals(4, replay(store, "a").size(), "the entry whose checksum fails is dropped, the ones before it kept");
        }
    }

    /**
     * Damage in the middle of acknowledged entries is not a torn tail: the entries after it were
     * forced and acknowledged, so recovery keeps them and skips only the damaged one (its replica
     * misses that event and catches up from its peers), whether the bit flipped in a payload or in
     * an entry's length.
     */
    @Test
    void damageInsideAcknowledgedEntriesLosesOnlyTheDamagedEntry() throws Exception {
        for (boolean inLength : new boolean[] {false, true}) {
            Path d = dir.resolve(inLength ? "length" : "payload");
            List<Long> ends = new ArrayList<>();
            try (JournalStore store = new JournalStore(d, 1 << 20, true)) {
                for (long n = 1; n <= 5; n++) {
                    store.append(List.of(events("a", n, 1000))).get();
                    store.append(List.of(events("b", n, 300))).get();
                    ends.add(Files.size(lastFileIn(d)));
                }
            }
            long third = ends.get(1); // where a's third entry begins
            try (FileChannel ch = FileChannel.open(lastFileIn(d), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {0x7f, 0x7f}), inLength ? third : third + 500);
            }
            try (JournalStore store = new JournalStore(d, 1 << 20, true)) {
                assertEquals(1, store.damaged().size(), "the damage is reported");
                List<byte[]> a = replay(store, "a");
                assertEquals(4, a.size(), "only the damaged entry is lost");
                assertArrayEquals(events("a", 5, 1000).payloads()[0], a.get(3), "the acknowledged entries after the damage are kept");
                assertEquals(5, replay(store, "b").size(), "other replicas' entries around the damage are all kept");
                store.append(List.of(events("a", 6, 100))).get();
            }
            try (JournalStore store = new JournalStore(d, 1 << 20, true)) {
                assertEquals(5, replay(store, "a").size(), "appends after recovery are found again");
            }
        }
    }

    private static Path lastFileIn(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.toString().endsWith(".journal")).sorted().reduce((x, y) -> y).orElseThrow();
        }
    }

    @Test
    void concurrentAppendsShareFsyncs() throws Exception {
        try (JournalStore store = new JournalStore(dir, 64 << 20, true, 300_000)) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int round = 0; round < 50; round++) {
                for (int pid = 0; pid < 6; pid++) {
                    all.add(store.append(List.of(events("p" + pid, round + 1, 2000))));
                }
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get();
            assertTrue(store.syncs() < 300 / 2, "300 appends queued together took " + store.syncs() + " fsyncs");
            for (int pid = 0; pid < 6; pid++) {
                assertEquals(50, replay(store, "p" + pid).size());
            }
        }
    }

    @Test
    void deletedEventsLetFilesGoAndCountersSurvive() throws Exception {
        long maxFile = 64 * 1024;
        try (JournalStore store = new JournalStore(dir, maxFile, false)) {
            for (long n = 1; n <= 2000; n++) {
                store.append(List.of(events("live", n, 1000))).get();
                if (n % 100 == 0) {
                    // Like a replica after each snapshot: everything but the newest events goes.
                    store.append(List.of(new LogEntry.Delete("live", n - 10))).get();
                }
                if (n == 5) {
                    store.append(List.of(events("idle", 1, 1000))).get(); // one live event that pins an old file
                }
            }
            store.flush().get();
            assertTrue(store.bytesWritten() > 2_000_000);
            assertTrue(store.sizeOnDisk() < 8 * maxFile, "2 MB written, " + store.sizeOnDisk() + " bytes kept");
        }
        try (JournalStore store = new JournalStore(dir, maxFile, false)) {
            assertEquals(2000, store.highestSequenceNr("live"), "the sequence number survives its files");
            assertEquals(10, replay(store, "live").size());
            assertEquals(1, replay(store, "idle").size(), "a live event copied forward survives");
            assertArrayEquals(events("idle", 1, 1000).payloads()[0], replay(store, "idle").get(0));
        }
    }

    private long count(String suffix) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).count();
        }
    }

    @Test
    void retiredFilesAreReusedAndWhatTheyHeldNeverComesBack() throws Exception {
        long maxFile = 64 * 1024;
        try (JournalStore store = new JournalStore(dir, maxFile, true)) {
            // "old" fills files and is deleted: its files retire as spares.
            for (long n = 1; n <= 300; n++) {
                store.append(List.of(events("old", n, 1000))).get();
            }
            store.append(List.of(new LogEntry.Delete("old", 300))).get();
            for (long n = 1; n <= 200; n++) {
                store.append(List.of(events("new", n, 1000))).get();
                store.append(List.of(new LogEntry.Delete("new", n - 5))).get();
            }
            store.flush().get();
            assertTrue(store.filesReused() > 0, "retired files were reused");
            assertTrue(count(".spare") <= JournalStore.MAX_SPARES, "at most " + JournalStore.MAX_SPARES + " spares");
        }
        // A reused file is as long as its previous use; only the start is this use's. After a
        // "crash" (no clean end: the store above wrote nothing at close), recovery must stop
        // where this use ended, and the old entries beyond it must not count.
        Path last = lastFile();
        long onDisk = Files.size(last);
        try (JournalStore store = new JournalStore(dir, maxFile, true)) {
            assertEquals(0, replay(store, "old").size(), "deleted events do not come back from reused files");
            assertEquals(300, store.highestSequenceNr("old"));
            assertEquals(5, replay(store, "new").size());
            assertEquals(200, store.highestSequenceNr("new"));
            assertArrayEquals(events("new", 200, 1000).payloads()[0], replay(store, "new").get(4));
            assertTrue(Files.size(last) <= onDisk);
            store.append(List.of(events("new", 201, 1000))).get();
        }
        try (JournalStore store = new JournalStore(dir, maxFile, true)) {
            assertEquals(6, replay(store, "new").size(), "appends after recovery are kept");
        }
        // Files written before headers existed (no magic, checksums without a salt) still read.
        Path legacy = dir.resolve("legacy");
        Files.createDirectories(legacy);
        ByteBuffer entry = LogEntry.encode(events("x", 1, 100));
        try (FileChannel ch = FileChannel.open(legacy.resolve("0000000001.journal"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(entry);
        }
        try (JournalStore store = new JournalStore(legacy, maxFile, true)) {
            assertEquals(1, replay(store, "x").size());
            store.append(List.of(events("x", 2, 100))).get();
        }
        try (JournalStore store = new JournalStore(legacy, maxFile, true)) {
            assertEquals(2, replay(store, "x").size(), "a file without a header goes on without one");
        }
    }

    @Test
    void aReusedFileHoldingItsPreviousUsesEntriesRecoversOnlyItsOwn() throws Exception {
        long maxFile = 64 * 1024;
        long written = 0;
        try (JournalStore store = new JournalStore(dir, maxFile, true)) {
            for (long n = 1; n <= 200; n++) {
                store.append(List.of(events("a", n, 1000))).get();
            }
            store.append(List.of(new LogEntry.Delete("a", 200))).get();
            // Entries of the same size as the previous use's, from the same offset: after the last
            // one written, a whole old entry of "a" lies exactly where the next one would start.
            while (store.filesReused() == 0 || written % 10 != 0) {
                store.append(List.of(events("b", ++written, 1000))).get();
            }
            assertTrue(store.filesReused() > 0);
        }
        Path last = lastFile();
        long before = Files.size(last);
        try (JournalStore store = new JournalStore(dir, maxFile, true)) {
            assertTrue(Files.size(last) < before, "the previous use's tail is cut at recovery: " + Files.size(last) + " < " + before);
            assertEquals(0, replay(store, "a").size(), "the previous use's events of 'a' are not this file's");
            assertEquals(written, replay(store, "b").size());
            assertEquals(written, store.highestSequenceNr("b"));
        }
        ByteBuffer magic = ByteBuffer.allocate(4);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.READ)) {
            ch.read(magic, 0);
        }
        assertEquals(JournalFiles.FILE_MAGIC, magic.getInt(0), "new files begin with a header");
    }
}
