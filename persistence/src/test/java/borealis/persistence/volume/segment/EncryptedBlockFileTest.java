package borealis.persistence.volume.segment;

import borealis.persistence.crypto.AtRestKeys;
import borealis.persistence.crypto.FileKeys;
import borealis.persistence.crypto.MasterKeys;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Every case of {@link BlockFileTest} with block files encrypted at rest. */
class EncryptedBlockFileTest extends BlockFileTest {

    @TempDir
    Path keyDir;
    private FileKeys keys;

    @Override
    FileKeys keys() {
        if (keys == null) {
            keys = TestKeys.forVolume(keyDir);
        }
        return keys;
    }

    @org.junit.jupiter.api.Test
    void noPlaintextReachesTheFileAndAnotherNodesKeysCannotOpenIt() throws Exception {
        Path p = dir.resolve("g.blocks");
        byte[] row = "customer-4711 card 4242424242424242 ".repeat(200).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (BlockFile f = blockFile(p)) {
            f.write(0, row);
            f.write(3 * 4096 + 17, row, 300); // partial blocks
            f.truncate(5 * 4096 + 5);
            f.truncate(9 * 4096);
            f.force();
            org.junit.jupiter.api.Assertions.assertArrayEquals(row, f.read(0, row.length));
        }
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), borealis.persistence.DiskScan.filesContaining(dir, "customer-4711"),
                "no plaintext in the block file or its sidecars");
        try (BlockFile f = blockFile(p)) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(row, f.read(0, row.length), "read back after reopening");
            org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[4096 * 4 - 5], f.read(5 * 4096 + 5, 4096 * 4 - 5), "grown bytes read as zeros");
        }
        AtRestKeys other = AtRestKeys.open(keyDir.resolve("other"), MasterKeys.of(MasterKeys.newDataKey()));
        UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(UncheckedIOException.class,
                () -> new BlockFile(p, new FileKeys(other, "volume:test")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getCause() instanceof MasterKeys.WrongKeyException, e.toString());
    }
}
