package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.store.fs.FilePath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What H2 spills to the scratch directory (large results, LOBs in transit) is encrypted when the node encrypts at rest. */
class ScratchEncryptionTest {

    private final String owner = "scratch-encryption-test-" + System.nanoTime();

    @AfterEach
    void cleanUp() throws Exception {
        ScratchFiles.encrypt(false);
        Path dir = ScratchFiles.root().resolve(owner);
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aSpilledRowIsNotOnDiskInPlaintextAndReadsBack() throws Exception {
        ScratchFiles.encrypt(true);
        byte[] row = "spilled-row-marker customer 4711 ".repeat(300).getBytes(StandardCharsets.US_ASCII);
        FilePath spill = ScratchFiles.forVolume(owner, "result.tmp");
        try (FileChannel ch = spill.open("rw")) {
            ch.write(ByteBuffer.wrap(row), 0);
            ch.write(ByteBuffer.wrap(row, 0, 100), 70_000); // beyond a hole
        }
        Path raw = ScratchFiles.root().resolve(owner).resolve("result.tmp");
        assertFalse(new String(Files.readAllBytes(raw), StandardCharsets.ISO_8859_1).contains("spilled-row-marker"));
        try (FileChannel ch = spill.open("rw")) {
            ByteBuffer back = ByteBuffer.allocate(row.length);
            ch.read(back, 0);
            assertEquals(new String(row, StandardCharsets.US_ASCII), new String(back.array(), StandardCharsets.US_ASCII));
            assertEquals(70_100, ch.size());
        }
    }

    @Test
    void withoutEncryptionTheSameCheckFindsTheRow() throws Exception {
        FilePath spill = ScratchFiles.forVolume(owner, "result.tmp");
        try (FileChannel ch = spill.open("rw")) {
            ch.write(ByteBuffer.wrap("spilled-row-marker".getBytes(StandardCharsets.US_ASCII)), 0);
        }
        Path raw = ScratchFiles.root().resolve(owner).resolve("result.tmp");
        assertEquals(true, new String(Files.readAllBytes(raw), StandardCharsets.ISO_8859_1).contains("spilled-row-marker"));
    }
}
