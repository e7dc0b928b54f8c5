package borealis.persistence.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore's scratch file: byte for byte what was written (holes and cut tails as zeros), none of it in plaintext on disk. */
class ScratchFileTest {

    @TempDir
    Path dir;

    @Test
    void readsBackWhatWasWrittenAndHoldsNoPlaintext() throws Exception {
        Random r = new Random(11);
        byte[] model = new byte[0];
        byte[] marker = "scratch-marker-0123456789".getBytes(StandardCharsets.US_ASCII);
        Path p = dir.resolve("restore.vol");
        try (ScratchFile f = new ScratchFile(p)) {
            for (int i = 0; i < 400; i++) {
                if (r.nextInt(10) == 0) {
                    int size = r.nextInt(200_000);
                    f.truncate(size);
                    model = Arrays.copyOf(model, size);
                } else {
                    int len = 1 + r.nextInt(12_000);
                    int off = r.nextInt(200_000);
                    byte[] data = new byte[len];
                    for (int j = 0; j < len; j++) {
                        data[j] = marker[(off + j) % marker.length];
                    }
                    f.write(ByteBuffer.wrap(data), off);
                    if (off + len > model.length) {
                        model = Arrays.copyOf(model, off + len);
                    }
                    System.arraycopy(data, 0, model, off, len);
                }
                assertEquals(model.length, f.size());
            }
            ByteBuffer all = ByteBuffer.allocate(model.length);
            f.read(all, 0);
            assertArrayEquals(model, all.array());
            byte[] raw = Files.readAllBytes(p);
            assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("scratch-marker"), "no plaintext in the file");
        }
        assertFalse(Files.exists(p), "closing deletes it");
    }
}
