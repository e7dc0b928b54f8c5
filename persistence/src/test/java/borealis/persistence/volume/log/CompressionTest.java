package borealis.persistence.volume.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompressionTest {

    /** Like an H2 chunk: some data, then zero padding up to a block boundary. */
    private static byte[] chunkLike(int length) {
        byte[] b = new byte[length];
        Random r = new Random(7);
        for (int i = 0; i < length / 3; i++) {
            b[i] = (byte) r.nextInt(16);
        }
        return b;
    }

    @Test
    void roundTripsAPieceOfABuffer() {
        byte[] raw = chunkLike(36 * 1024);
        byte[] c = Compression.compressIfSmaller(raw, 4096, 16384);
        assertNotNull(c);
        assertArrayEquals(Arrays.copyOfRange(raw, 4096, 4096 + 16384), Compression.decompress(c, 16384));
    }

    @Test
    void incompressibleOrTinyPayloadsStayRaw() {
        byte[] random = new byte[8192];
        new Random(1).nextBytes(random);
        assertNull(Compression.compressIfSmaller(random, 0, random.length));
        assertNull(Compression.compressIfSmaller(new byte[100], 0, 100));
    }

    @Test
    void aPayloadOfTheWrongLengthFailsInsteadOfReturningShortData() {
        byte[] raw = chunkLike(16384);
        byte[] c = Compression.compressIfSmaller(raw, 0, raw.length);
        assertThrows(RuntimeException.class, () -> Compression.decompress(c, raw.length + 10));
        assertThrows(RuntimeException.class, () -> Compression.decompress(Arrays.copyOf(c, c.length / 2), raw.length));
    }
}
