package borealis.persistence.volume.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.volume.log.VolumeLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checksums of multi-block writes (written as one run) and what a corrupt edge block does to them. */
class BlockFileTest {

    private static final int B = VolumeLayout.BLOCK;

    @TempDir
    Path dir;

    /** How block files are encrypted: not here, every case again in {@link EncryptedBlockFileTest}. */
    borealis.persistence.crypto.FileKeys keys() {
        return borealis.persistence.crypto.FileKeys.NONE;
    }

    SegmentFiles files(Path d) {
        return new SegmentFiles(d, keys());
    }

    BlockFile blockFile(Path p) {
        return new BlockFile(p, keys());
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aWriteSpanningBlocksChecksEveryBlockAndUsesOnlyTheGivenLength() throws Exception {
        try (BlockFile f = blockFile(dir.resolve("g.blocks"))) {
            byte[] buffer = random(12 * B, 1);
            // Unaligned at both ends: partial first and last blocks, whole ones between.
            f.write(100, buffer, 9 * B);
            assertEquals(100 + 9 * B, f.length());
            assertArrayEquals(Arrays.copyOf(buffer, 9 * B), f.read(100, 9 * B));
            assertArrayEquals(new byte[100], f.read(0, 100));
            for (long b = 0; b <= 9; b++) {
                assertTrue(f.verify(b), "block " + b);
            }
        }
    }

    @Test
    void aCorruptEdgeBlockStaysRefusedWhileTheOthersOfTheSameWriteAreSummed() throws Exception {
        Path p = dir.resolve("g.blocks");
        try (BlockFile f = blockFile(p)) {
            f.write(0, random(6 * B, 2));
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {9, 9, 9}), B + 7); // block 1 rots on disk
        }
        try (BlockFile f = blockFile(p)) {
            byte[] update = random(3 * B, 3);
            // Starts inside block 1 (partial, corrupt), covers 2 and 3 whole, ends inside 4 (partial, sound).
            f.write(B + 2000, update, 3 * B);
            assertTrue(f.corruptBlocks().contains(1L));
            assertThrows(BlockFile.CorruptBlockException.class, () -> f.read(B, 10));
            assertArrayEquals(Arrays.copyOfRange(update, B - 2000, 3 * B), f.read(2 * B, 3 * B - (B - 2000)));
            for (long b = 2; b <= 5; b++) {
                assertTrue(f.verify(b), "block " + b);
            }
        }
    }
}
