package borealis.persistence.volume.log;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block compression of WRITE payloads. The engine's pages are mostly padding and repeated
 * structure, so compressing once at the writer saves six times the bytes on the wire and in the
 * replicas' journals.
 */
public final class Compression {

    /** Below this size compression does not pay for its header and CPU. */
    public static final int MIN_COMPRESSIBLE = 512;

    private static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();
    private static final LZ4Compressor COMPRESSOR = FACTORY.fastCompressor();
    // The safe decompressor (told the compressed length): lz4-java's "fast" one is pure Java in
    // every factory since 1.8.1 and was 5-8x slower here on H2's zero-padded chunks; this one is
    // native and also bounds-checks its input.
    private static final LZ4SafeDecompressor DECOMPRESSOR = FACTORY.safeDecompressor();

    private Compression() {}

    /** The compressed bytes, or null when compression would not make the payload smaller by 1/8. */
    public static byte[] compressIfSmaller(byte[] raw, int offset, int length) {
        if (length < MIN_COMPRESSIBLE) {
            return null;
        }
        byte[] buffer = new byte[COMPRESSOR.maxCompressedLength(length)];
        int n = COMPRESSOR.compress(raw, offset, length, buffer, 0, buffer.length);
        if (n > length - length / 8) {
            return null;
        }
        byte[] out = new byte[n];
        System.arraycopy(buffer, 0, out, 0, n);
        return out;
    }

    public static byte[] decompress(byte[] compressed, int length) {
        byte[] out = new byte[length];
        decompressInto(compressed, length, out);
        return out;
    }

    /** Decompresses into the start of {@code out} (at least {@code length} long): no allocation. */
    public static void decompressInto(byte[] compressed, int length, byte[] out) {
        int n = DECOMPRESSOR.decompress(compressed, 0, compressed.length, out, 0, length);
        if (n != length) {
            throw new IllegalArgumentException("compressed payload expands to " + n + " bytes, expected " + length);
        }
    }
}
