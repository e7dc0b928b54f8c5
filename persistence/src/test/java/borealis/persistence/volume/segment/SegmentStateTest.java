package borealis.persistence.volume.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica's state: gaps, hydration from a peer's copy, corrupt blocks and their repair. */
class SegmentStateTest {

    private static final VolumeLayout LAYOUT = new VolumeLayout(1 << 20);

    @TempDir
    Path dir;

    /** How block files are encrypted: not here, every case again in {@link EncryptedSegmentStateTest}. */
    borealis.persistence.crypto.FileKeys keys() {
        return borealis.persistence.crypto.FileKeys.NONE;
    }

    SegmentFiles files(Path d) {
        return new SegmentFiles(d, keys());
    }

    BlockFile blockFile(Path p) {
        return new BlockFile(p, keys());
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 7 + i);
        }
        return b;
    }

    /** A chain of WRITE records of group 0, LSNs 1..n, each 6000 bytes at a spot of its own. */
    private static List<LogRecord> chain(int n) {
        List<LogRecord> out = new ArrayList<>();
        for (int lsn = 1; lsn <= n; lsn++) {
            out.add(LogRecord.write(lsn, lsn - 1, 0, (lsn % 7) * 5000L, bytes(6000, lsn), 6000, false));
        }
        return out;
    }

    @Test
    void replicasKeepAppliedRecordsWithinTheNodesBudgetAndGiveThemBackWhenTheyStop() {
        List<LogRecord> all = chain(8);
        long one = all.get(0).wireSize();
        RetainedRecords node = new RetainedRecords(5 * one);
        SegmentState a = new SegmentState(LAYOUT, 0, files(dir.resolve("a")));
        SegmentState b = new SegmentState(LAYOUT, 0, files(dir.resolve("b")));
        a.keepApplied(100 * one, node);
        b.keepApplied(100 * one, node);
        a.append(1, 1, all, 8);
        assertEquals(8, a.appliedLsn());
        assertEquals(0, node.free(), "the first replica took the node's whole budget");
        assertTrue(a.recordsAbove(3).isPresent(), "it keeps the latest five records, 4..8");
        assertFalse(a.recordsAbove(2).isPresent(), "a gap it does not reach is reported as such, never filled partly");
        b.append(1, 1, all, 8);
        assertFalse(b.recordsAbove(7).isPresent(), "the budget is spent: the second keeps none");
        a.releaseRetained();
        assertEquals(5 * one, node.free(), "a replica that stops gives its bytes back");
        b.append(1, 1, List.of(LogRecord.write(9, 8, 0, 0, bytes(6000, 9), 6000, false)), 9);
        assertTrue(b.recordsAbove(8).isPresent(), "and others may keep records again");
    }

    /** The replica's content as applied records, a block file image of group 0 up to its length. */
    private static byte[] content(SegmentState s) throws Exception {
        return s.read(0, (int) s.file().length(), s.scl());
    }

    /**
     * A freeze replayed after a crash from a snapshot taken before it: replay writes the records
     * before the freeze into a fresh file of the old generation (the real one is the layer now),
     * which the replayed freeze drops; the layer keeps what it held at the freeze, and the clone
     * seeded from it reads exactly that, whatever the source does after.
     */
    @Test
    void aFreezeReplayedFromAnOlderSnapshotLeavesTheLayerAsItWasFrozen() throws Exception {
        List<LogRecord> all = chain(12);
        SegmentFiles files = files(dir.resolve("src"));
        SegmentState live = new SegmentState(LAYOUT, 0, files);
        live.append(1, 1, all.subList(0, 4), 4);
        live.file().force();
        SegmentState.Snapshot before = live.snapshot();
        live.append(1, 1, all.subList(4, 8), 8);
        byte[] atFreeze = content(live);
        live.frozen("L1", live.generation() + 2);
        live.append(1, 1, all.subList(8, 12), 12);
        byte[] latest = content(live);
        live.file().force();
        live.file().close();

        SegmentState clone = new SegmentState(LAYOUT, 0, files(dir.resolve("clone")));
        clone.files().adopt(files.dir(), "L1", false);
        clone.seeded("L1", 2, 8, 8, 0, 0);
        assertArrayEquals(atFreeze, content(clone), "the clone starts as the source was at the freeze");

        // The crash: the source restarts from the snapshot before the freeze and replays the events since.
        SegmentState replayed = new SegmentState(LAYOUT, 0, files);
        replayed.restore(before);
        replayed.append(1, 1, all.subList(4, 8), 8);
        replayed.frozen("L1", before.generation() + 2);
        replayed.append(1, 1, all.subList(8, 12), 12);
        assertEquals(null, replayed.verifyRestoredFiles(), "the frozen generation's file is not taken for a lost one");
        assertArrayEquals(latest, content(replayed));
        assertArrayEquals(atFreeze, content(clone), "the source's replay never wrote into the shared layer");
        assertFalse(Files.exists(files.path(before.generation())), "the file replay recreated under the frozen name is gone");

        // The clone writes on its own; the source does not see it, nor the clone the source.
        clone.append(1, 1, List.of(LogRecord.write(13, 8, 0, 100, bytes(3000, 99), 3000, false)), 13);
        assertArrayEquals(latest, content(replayed));
        byte[] expected = atFreeze.clone();
        System.arraycopy(bytes(3000, 99), 0, expected, 100, 3000);
        assertArrayEquals(expected, content(clone));
    }

    @Test
    void aGapIsSeenAndFilledRecordsCompleteIt() {
        SegmentState s = new SegmentState(LAYOUT, 0, files(dir.resolve("r")));
        List<LogRecord> all = chain(6);
        s.append(1, 1, List.of(all.get(0), all.get(1), all.get(4), all.get(5)), 0);
        assertEquals(2, s.scl());
        assertTrue(s.hasGap());
        s.append(1, 1, List.of(all.get(2), all.get(3)), 6);
        assertEquals(6, s.scl());
        assertFalse(s.hasGap());
        assertEquals(6, s.appliedLsn());
        assertEquals(null, s.checkBeginEpoch(1), "the same writer may ask again");
        assertEquals(SegmentState.Rejection.STALE_EPOCH, s.checkBeginEpoch(0), "an older writer is fenced");
        assertEquals(SegmentState.Rejection.STALE_EPOCH, s.checkAppend(0));
    }

    @Test
    void hydrationFromAPeersAheadCopyEndsEqualToThePeer() throws Exception {
        List<LogRecord> all = chain(30);
        SegmentState peer = new SegmentState(LAYOUT, 0, files(dir.resolve("peer")));
        peer.append(1, 1, all.subList(0, 20), 20);
        long base = peer.appliedLsn();
        // The copy is taken while the peer applies further: some of it is ahead of the base.
        peer.append(1, 1, all.subList(20, 25), 25);
        byte[] copy = peer.readApplied(0, (int) peer.file().length());

        SegmentState lost = new SegmentState(LAYOUT, 0, files(dir.resolve("lost")));
        lost.append(1, 1, all.subList(22, 30), 0); // what the writer sent it since: a gap below
        lost.append(1, 1, all.subList(20, 22), 0); // the peer's records above its base
        assertTrue(lost.hasGap());
        BlockFile next = lost.files().open(1);
        next.write(0, copy);
        next.force();
        next.close();
        lost.hydrated(1, base, 25, 0);
        assertEquals(30, lost.scl());
        assertFalse(lost.canServe(24), "the copy is ahead of 24");
        lost.advanceDurable(30);
        peer.append(1, 1, all.subList(25, 30), 30);
        assertEquals(peer.appliedLsn(), lost.appliedLsn());
        assertArrayEquals(peer.readApplied(0, (int) peer.file().length()), lost.readApplied(0, (int) lost.file().length()));
        assertFalse(Files.exists(lost.files().path(0)), "the old generation is gone");
    }

    @Test
    void aBlockFileFromBeforeGenerationsIsAdoptedWithItsLegacySnapshot() throws Exception {
        Path dir = this.dir.resolve("vol").resolve("0-3");
        try (BlockFile legacy = blockFile(dir.resolveSibling("0-3.blocks"))) {
            legacy.write(0, bytes(6000, 1));
        }
        SegmentState s = new SegmentState(LAYOUT, 0, files(dir));
        s.restore(new SegmentState.LegacySnapshot(2, 1, 1, 1, 0, List.of()).upgrade());
        assertEquals(0, s.generation());
        assertArrayEquals(bytes(6000, 1), s.readApplied(0, 6000));
        assertFalse(Files.exists(dir.resolveSibling("0-3.blocks")));
    }

    @Test
    void aCorruptBlockIsRefusedUntilRepaired() throws Exception {
        SegmentState s = new SegmentState(LAYOUT, 0, files(dir.resolve("r")));
        s.append(1, 1, chain(3), 3);
        byte[] good = s.readApplied(8192, 4096);
        try (FileChannel ch = FileChannel.open(s.files().path(0), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 8192 + 10);
        }
        assertThrows(BlockFile.CorruptBlockException.class, () -> s.read(8192, 100, 3));
        // A later partial write to that block must not bless the corruption.
        s.append(1, 1, List.of(LogRecord.write(4, 3, 0, 8192 + 2000, bytes(100, 9), 100, false)), 4);
        assertTrue(s.file().corruptBlocks().contains(2L));
        assertThrows(BlockFile.CorruptBlockException.class, () -> s.readApplied(8192, 4096));

        byte[] repaired = good.clone();
        System.arraycopy(bytes(100, 9), 0, repaired, 2000, 100);
        s.repaired(2, repaired, 4);
        assertTrue(s.file().corruptBlocks().isEmpty());
        assertArrayEquals(repaired, s.readApplied(8192, 4096));
        assertFalse(Arrays.equals(good, repaired));
    }

    /** A replica that applied {@code chain(10)} and snapshotted, then stopped. */
    private SegmentState.Snapshot snapshotted(SegmentFiles files) {
        SegmentState s = new SegmentState(LAYOUT, 0, files);
        s.append(1, 1, chain(10), 10);
        s.file().force();
        SegmentState.Snapshot snap = s.snapshot();
        s.file().close();
        return snap;
    }

    @Test
    void aBlockFileLostBehindASnapshotIsReportedAndTheReplicaServesNothingUntilItCatchesUp() throws Exception {
        SegmentFiles files = files(dir.resolve("r"));
        SegmentState.Snapshot snap = snapshotted(files);
        BlockFile.delete(files.path(0));

        SegmentState s = new SegmentState(LAYOUT, 0, files);
        s.restore(snap);
        // Replay after the snapshot writes into the new empty file, as far as its end: the length
        // alone no longer shows the loss then.
        s.append(1, 1, List.of(LogRecord.write(11, 10, 0, 40_000, bytes(6000, 11), 6000, false)), 11);
        assertEquals(11, s.appliedLsn());
        String missing = s.verifyRestoredFiles();
        assertTrue(missing != null && missing.contains("holds 0 bytes"), "the loss is reported: " + missing);
        s.blocksLost();
        assertEquals(0, s.appliedLsn());
        assertTrue(s.hasGap(), "it must catch up from its peers");
        assertFalse(s.canServe(1), "it serves no read");
        assertEquals(1, s.generation(), "the damaged generation is left behind");
        assertEquals(0, s.file().length());
        assertEquals(null, s.verifyRestoredFiles(), "reported once");
    }

    @Test
    void lostChecksumsAreReported() throws Exception {
        SegmentFiles files = files(dir.resolve("r"));
        SegmentState.Snapshot snap = snapshotted(files);
        Files.delete(BlockFile.sumsPath(files.path(0)));
        SegmentState s = new SegmentState(LAYOUT, 0, files);
        s.restore(snap);
        String missing = s.verifyRestoredFiles();
        assertTrue(missing != null && missing.contains("checksums"), "the loss is reported: " + missing);
    }

    @Test
    void aWholeFileOrOneCutByAReplayedTruncationIsNotDamage() throws Exception {
        SegmentFiles files = files(dir.resolve("r"));
        SegmentState.Snapshot snap = snapshotted(files);
        SegmentState whole = new SegmentState(LAYOUT, 0, files);
        whole.restore(snap);
        assertEquals(null, whole.verifyRestoredFiles());
        // After the snapshot the file was cut (and that reached the disk) before a crash: replay
        // applies the same cut again.
        LogRecord cut = LogRecord.truncate(11, 10, 0, 4096);
        whole.append(1, 1, List.of(cut), 11);
        assertEquals(4096, whole.file().length());
        whole.file().close();
        SegmentState s = new SegmentState(LAYOUT, 0, files);
        s.restore(snap);
        s.append(1, 1, List.of(cut), 11);
        assertEquals(null, s.verifyRestoredFiles());
        assertEquals(11, s.appliedLsn());
    }

    /**
     * A cut still pending when the snapshot was taken (not yet durable), applied after it: the
     * snapshot's file length predates the cut. Seen in bin/bench-pgbench: every replica of a group
     * restarted after H2 shrank its file and reported lost blocks, leaving no write quorum.
     */
    @Test
    void aCutAppliedBeforeARestartThatReplayLeavesPendingIsNotDamage() throws Exception {
        SegmentFiles files = files(dir.resolve("r"));
        SegmentState s = new SegmentState(LAYOUT, 0, files);
        s.append(1, 1, chain(10), 10);
        LogRecord cut = LogRecord.truncate(11, 10, 0, 4096);
        s.append(1, 1, List.of(cut), 10);
        assertEquals(10, s.appliedLsn(), "the cut waits for durability");
        s.file().force();
        SegmentState.Snapshot snap = s.snapshot();
        assertTrue(snap.fileLength() > 4096);
        s.advanceDurable(11);
        assertEquals(11, s.appliedLsn());
        assertEquals(4096, s.file().length());
        s.file().close();

        SegmentState restarted = new SegmentState(LAYOUT, 0, files);
        restarted.restore(snap);
        assertEquals(null, restarted.verifyRestoredFiles());
        restarted.advanceDurable(11);
        assertEquals(11, restarted.appliedLsn());
        assertEquals(4096, restarted.file().length());
        restarted.file().close();

        // the cut arrived after the snapshot in an event whose durable hint did not cover it; a
        // durable notice (not an event) then applied it before the restart: replay leaves it pending
        SegmentFiles files2 = files(dir.resolve("r2"));
        SegmentState live = new SegmentState(LAYOUT, 0, files2);
        live.append(1, 1, chain(10), 10);
        live.file().force();
        SegmentState.Snapshot before = live.snapshot();
        live.append(1, 1, List.of(cut), 10);
        live.advanceDurable(11);
        assertEquals(4096, live.file().length());
        live.file().close();
        SegmentState replayed = new SegmentState(LAYOUT, 0, files2);
        replayed.restore(before);
        replayed.append(1, 1, List.of(cut), 10);
        assertEquals(10, replayed.appliedLsn(), "replay leaves the cut pending");
        assertEquals(null, replayed.verifyRestoredFiles());
        replayed.file().close();

        // a file cut below the pending cut is still damage
        BlockFile.delete(files.path(0));
        SegmentState lost = new SegmentState(LAYOUT, 0, files);
        lost.restore(snap);
        String missing = lost.verifyRestoredFiles();
        assertTrue(missing != null && missing.contains("holds 0 bytes"), "the loss is reported: " + missing);
    }

    @Test
    void snapshotsFromBeforeFileLengthsAreNotChecked() {
        SegmentFiles files = files(dir.resolve("r"));
        SegmentState.Snapshot snap = snapshotted(files);
        SegmentState s = new SegmentState(LAYOUT, 0, files);
        s.restore(SegmentState.Snapshot.of(new SegmentState.SnapshotBeforeLengths(snap.epoch(), snap.epochStart(),
                snap.appliedLsn(), snap.durableHint(), snap.highestGroup(), snap.pending(), snap.generation(), snap.aheadLsn())));
        assertEquals(10, s.appliedLsn());
        assertEquals(null, s.verifyRestoredFiles());
    }
}
