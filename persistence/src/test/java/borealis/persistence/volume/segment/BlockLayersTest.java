package borealis.persistence.volume.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.files.Trees;
import borealis.persistence.volume.log.VolumeLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clones' copy-on-write block files: a frozen generation shared by hard links, each side writing
 * over it only its own blocks, checked byte for byte against a plain model of each side's content.
 */
class BlockLayersTest {

    private static final int B = VolumeLayout.BLOCK;

    @TempDir
    Path dir;

    /** How block files are encrypted: not here, every case again in {@link EncryptedBlockLayersTest}. */
    borealis.persistence.crypto.FileKeys keys() {
        return borealis.persistence.crypto.FileKeys.NONE;
    }

    SegmentFiles files(Path d) {
        return new SegmentFiles(d, keys());
    }

    BlockFile blockFile(Path p) {
        return new BlockFile(p, keys());
    }

    /** A side's expected content, grown and cut like the file. */
    private static final class Model {
        byte[] bytes = new byte[0];

        void write(long offset, byte[] data) {
            int end = (int) offset + data.length;
            if (end > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, end);
            }
            System.arraycopy(data, 0, bytes, (int) offset, data.length);
        }

        void truncate(long length) {
            bytes = java.util.Arrays.copyOf(bytes, (int) length);
        }

        Model copy() {
            Model m = new Model();
            m.bytes = bytes.clone();
            return m;
        }
    }

    private static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static void randomWrite(Random r, BlockFile f, Model m, int maxEnd) {
        int len = 1 + r.nextInt(3 * B);
        long offset = r.nextInt(maxEnd - len);
        byte[] data = random(r, len);
        f.write(offset, data);
        m.write(offset, data);
    }

    private static void assertSame(Model m, BlockFile f) throws Exception {
        assertEquals(m.bytes.length, f.length());
        assertArrayEquals(m.bytes, f.read(0, m.bytes.length));
    }

    @Test
    void aSourceAndItsCloneShareTheFrozenBlocksAndDivergeInTheirOwn() throws Exception {
        Random r = new Random(7);
        SegmentFiles source = files(dir.resolve("source"));
        SegmentFiles clone = files(dir.resolve("clone"));
        Model before = new Model();
        BlockFile s = source.open(0);
        for (int i = 0; i < 200; i++) {
            randomWrite(r, s, before, 64 * B);
        }
        s.force();
        s.close();

        source.freeze(0, "L1", 2);
        source.deleteAllBut(2);
        clone.adopt(source.dir(), "L1", false);
        clone.createOver(2, "L1");
        BlockFile sourceTop = source.open(2);
        BlockFile cloneTop = clone.open(2);
        assertSame(before, sourceTop);
        assertSame(before, cloneTop);
        assertEquals(0, cloneTop.ownBytes(), "a fresh clone holds no block of its own");
        assertTrue(sourceTop.isUntouchedOverlay() && cloneTop.isUntouchedOverlay(), "nothing written yet: a next clone can share the layer");

        Model sourceModel = before.copy();
        Model cloneModel = before.copy();
        for (int i = 0; i < 150; i++) {
            randomWrite(r, sourceTop, sourceModel, 80 * B); // some grow the file beyond the layer
            if (i % 15 == 0) {
                randomWrite(r, cloneTop, cloneModel, 64 * B);
            }
        }
        assertSame(sourceModel, sourceTop);
        assertSame(cloneModel, cloneTop);
        assertTrue(!sourceTop.isUntouchedOverlay() && !cloneTop.isUntouchedOverlay());
        assertTrue(cloneTop.ownBytes() > 0 && cloneTop.ownBytes() < cloneTop.length(), "the clone holds only what it wrote");

        // The presence of each side's own blocks survives a reopen once forced.
        sourceTop.force();
        cloneTop.force();
        sourceTop.close();
        cloneTop.close();
        try (BlockFile reopened = clone.open(2)) {
            assertSame(cloneModel, reopened);
        }

        // Deleting the source leaves the clone whole: its links keep the layer.
        Trees.delete(source.dir());
        try (BlockFile reopened = clone.open(2)) {
            assertSame(cloneModel, reopened);
            randomWrite(r, reopened, cloneModel, 64 * B);
            assertSame(cloneModel, reopened);
        }
    }

    @Test
    void freezingAgainStacksLayersAndACloneOfACloneReadsThroughAll() throws Exception {
        Random r = new Random(11);
        SegmentFiles a = files(dir.resolve("a"));
        Model m = new Model();
        BlockFile f = a.open(0);
        for (int i = 0; i < 100; i++) {
            randomWrite(r, f, m, 40 * B);
        }
        f.force();
        f.close();
        a.freeze(0, "L1", 2);
        f = a.open(2);
        for (int i = 0; i < 50; i++) {
            randomWrite(r, f, m, 40 * B);
        }
        f.force();
        f.close();
        a.freeze(2, "L2", 4);
        a.deleteAllBut(4);
        assertTrue(Files.exists(a.dir().resolve("layer-L1")), "the layer below the current one stays");

        SegmentFiles b = files(dir.resolve("b"));
        b.adopt(a.dir(), "L2", false);
        assertTrue(Files.exists(b.dir().resolve("layer-L1")), "adopting a layer links the layers below it too");
        b.createOver(2, "L2");
        try (BlockFile clone = b.open(2)) {
            assertSame(m, clone);
        }
    }

    @Test
    void aCutOverALayerHidesTheLayersBytesWhenTheFileGrowsAgain() throws Exception {
        Random r = new Random(3);
        SegmentFiles a = files(dir.resolve("a"));
        Model m = new Model();
        BlockFile f = a.open(0);
        byte[] full = random(r, 20 * B);
        f.write(0, full);
        m.write(0, full);
        f.force();
        f.close();
        a.freeze(0, "L1", 2);
        try (BlockFile top = a.open(2)) {
            top.truncate(5 * B + 100); // mid-block: the cut block keeps its head
            m.truncate(5 * B + 100);
            assertSame(m, top);
            top.truncate(12 * B);
            m.truncate(12 * B);
            assertSame(m, top);
            byte[] partial = random(r, 300);
            top.write(8 * B + 50, partial); // into a block the cut hid: zeros around it, not the layer's bytes
            m.write(8 * B + 50, partial);
            assertSame(m, top);
        }
    }

    @Test
    void aCorruptLayerBlockIsReportedAndARepairLandsInTheCloneOnly() throws Exception {
        Random r = new Random(5);
        SegmentFiles a = files(dir.resolve("a"));
        BlockFile f = a.open(0);
        byte[] full = random(r, 8 * B);
        f.write(0, full);
        f.force();
        f.close();
        a.freeze(0, "L1", 2);
        // Flip a byte of block 3 in the shared layer.
        try (FileChannel ch = FileChannel.open(a.dir().resolve("layer-L1"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (full[3 * B + 10] ^ 1)}), 3 * B + 10);
        }
        try (BlockFile top = a.open(2)) {
            assertThrows(BlockFile.CorruptBlockException.class, () -> top.read(3 * B, B));
            assertTrue(top.corruptBlocks().contains(3L));
            byte[] good = java.util.Arrays.copyOfRange(full, 3 * B, 4 * B);
            top.repair(3, good);
            assertArrayEquals(full, top.read(0, full.length));
            assertEquals(B, top.ownBytes(), "the repaired block is now the file's own");
        }
    }
}
