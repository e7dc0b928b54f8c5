package borealis.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.DiskScan;
import borealis.persistence.crypto.AtRestEncryption;
import borealis.persistence.crypto.AtRestKeys;
import borealis.persistence.crypto.MasterKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journal entries at rest: sealed under the entity's key, read back, and plaintext from before still read. */
class SealedJournalTest {

    private static final String SEGMENT = "StorageSegment-zone-a|acme/orders/v1:1073741824:0:3";
    private static final String CLUSTER = "DbCluster|acme/orders";

    @TempDir
    Path dir;

    private static byte[] marked(long n) {
        return ("row-marker-" + n + "-confidential").repeat(8).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] only(JournalStore store, String pid) {
        List<JournalStore.Located> l = store.located(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(1, l.size());
        return store.payload(pid, l.get(0));
    }

    private static boolean anyFileContains(Path root, String text) throws IOException {
        return !DiskScan.filesContaining(root, text).isEmpty();
    }

    @Test
    void eventsAreSealedUnderTheirEntitysKeyAndReadBack() throws Exception {
        AtRestKeys ring = AtRestKeys.open(dir.resolve("keys"), MasterKeys.of(MasterKeys.newDataKey()));
        AtRestEncryption enc = AtRestEncryption.over(ring, true);
        Path journal = dir.resolve("journal");
        try (JournalStore store = new JournalStore(journal, 1 << 20, true, 0, enc)) {
            store.append(List.of(new LogEntry.Events(SEGMENT, new long[] {1}, new byte[][] {marked(1)}),
                    new LogEntry.Events(CLUSTER, new long[] {1}, new byte[][] {marked(2)}))).get();
            assertArrayEquals(marked(1), only(store, SEGMENT));
        }
        assertFalse(anyFileContains(journal, "row-marker-1"), "no plaintext of an event in the journal's files");
        assertFalse(anyFileContains(journal, "row-marker-2"));
        assertEquals(2, ring.size(), "one key for the volume, one for the node's entities");
        try (JournalStore store = new JournalStore(journal, 1 << 20, true, 0, enc)) {
            assertArrayEquals(marked(1), only(store, SEGMENT), "read back after a restart");
            assertArrayEquals(marked(2), only(store, CLUSTER));
        }
        // A node without the key ring (encryption never configured) refuses instead of returning ciphertext.
        try (JournalStore store = new JournalStore(journal, 1 << 20, true, 0, AtRestEncryption.over(null, false))) {
            assertThrows(java.io.UncheckedIOException.class, () -> only(store, SEGMENT));
        }
    }

    @Test
    void plaintextWrittenBeforeEncryptionWasTurnedOnIsStillRead() throws Exception {
        Path journal = dir.resolve("journal");
        try (JournalStore store = new JournalStore(journal, 1 << 20, true)) {
            store.append(List.of(new LogEntry.Events(SEGMENT, new long[] {1}, new byte[][] {marked(1)}))).get();
        }
        assertTrue(anyFileContains(journal, "row-marker-1"), "the control: unencrypted, the marker is on disk");
        AtRestEncryption enc = AtRestEncryption.over(AtRestKeys.open(dir.resolve("keys"), MasterKeys.of(MasterKeys.newDataKey())), true);
        try (JournalStore store = new JournalStore(journal, 1 << 20, true, 0, enc)) {
            assertArrayEquals(marked(1), only(store, SEGMENT));
            store.append(List.of(new LogEntry.Events(SEGMENT, new long[] {2}, new byte[][] {marked(2)}))).get();
        }
        assertFalse(anyFileContains(journal, "row-marker-2"));
    }
}
