package borealis.persistence.backup;

import borealis.persistence.crypto.ScratchFile;
import borealis.persistence.volume.log.Compression;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.CRC32C;

/**
 * Base images: a copy of a whole volume, taken while the writer goes on writing. The copy is
 * fuzzy (each chunk is as of the moment it was read), which is harmless: every chunk reflects at
 * least the log up to {@code start} (the highest LSN when the copy began) and at most up to
 * {@code end} (the highest when it ended), and replaying the archived records after {@code start}
 * over it, in order, leaves each byte as the last record up to the replay target wrote it. So an
 * image restores any point from {@code end} on, once the archive holds the records between. All-zero
 * chunks are left out; the others are LZ4-compressed. Key: {@code <volume>/image/<start>-<end>-<takenMillis>.img}.
 */
final class BaseImages {

    static final int CHUNK = 1 << 20;
    private static final int MAGIC = 0x42494d47; // "BIMG"
    private static final int VERSION = 1;

    /** What a copy reads: the writer's volume. */
    interface Source {
        long size();

        long highestLsn();

        void read(long offset, ByteBuffer dst) throws IOException;

        /** The clock the writer stamps durable records with. */
        default long nowMillis() {
            return System.currentTimeMillis();
        }

        /** The volume's protection group size, for a local copy in layers (0: none). */
        default long groupSize() {
            return 0;
        }
    }

    record Key(String key, long start, long end, long takenMillis) {}

    /** A finished copy in a local file, not yet stored. */
    record Taken(Path file, long start, long end, long takenMillis, long bytes) {}

    private BaseImages() {}

    static String key(String volumePrefix, long start, long end, long takenMillis) {
        return ObjectNames.name(volumePrefix, "image", start, end, takenMillis, "img");
    }

    /** Parses a listed key; null for something else. */
    static Key parse(String key) {
        long[] n = ObjectNames.numbers(key, "img");
        return n == null ? null : new Key(key, n[0], n[1], n[2]);
    }

    /**
     * Copies {@code source} into a new file in {@code dir} (encrypted with {@code cipher} unless
     * null); {@code stop} is polled between chunks. {@code local}, when set, gets every chunk too
     * (a copy kept as layers on this node, {@link LocalImages}) and is finished with the image.
     */
    static Taken take(Source source, Path dir, java.util.function.BooleanSupplier stop, DataCipher cipher, String volumeId)
            throws IOException {
        return take(source, dir, stop, cipher, volumeId, null);
    }

    static Taken take(Source source, Path dir, java.util.function.BooleanSupplier stop, DataCipher cipher, String volumeId,
                      LocalImages.Copy local) throws IOException {
        long takenMillis = source.nowMillis();
        long start = source.highestLsn();
        long size = source.size();
        Path file = Files.createTempFile(dir, "image", ".part");
        try {
            CRC32C crc = new CRC32C();
            // Encrypted as it is written: no plaintext reaches the disk, not even the scratch file.
            OutputStream sink = Files.newOutputStream(file);
            try (OutputStream raw = new BufferedOutputStream(cipher == null ? sink : cipher.encrypting(sink, volumeId), 1 << 16);
                 DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeLong(size);
                out.writeLong(start);
                byte[] chunk = new byte[CHUNK];
                for (long off = 0; off < size; off += CHUNK) {
                    if (stop.getAsBoolean()) {
                        throw new IOException("image of the volume abandoned: the volume closed");
                    }
                    int n = (int) Math.min(CHUNK, size - off);
                    ByteBuffer dst = ByteBuffer.wrap(chunk, 0, n);
                    source.read(off, dst);
                    if (local != null) {
                        local.chunk(off, chunk, n);
                    }
                    if (allZero(chunk, n)) {
                        continue;
                    }
                    byte[] packed = Compression.compressIfSmaller(chunk, 0, n);
                    out.writeInt((int) (off / CHUNK));
                    out.writeInt(n);
                    out.writeInt(packed == null ? 0 : packed.length);
                    out.write(packed == null ? chunk : packed, 0, packed == null ? n : packed.length);
                }
                out.writeInt(-1);
                long end = source.highestLsn();
                out.writeLong(end);
                out.flush();
                long sum = crc.getValue();
                out.writeLong(sum);
                out.flush();
                if (local != null) {
                    local.finish(size, start, end, takenMillis);
                }
                return new Taken(file, start, end, takenMillis, Files.size(file));
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private static boolean allZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Writes the image's content into {@code target} (an empty file); returns the volume size it had. */
    static long restoreInto(String key, InputStream in, ScratchFile target) throws IOException {
        CRC32C crc = new CRC32C();
        DataInputStream d = new DataInputStream(new CheckedInputStream(new BufferedInputStream(in, 1 << 16), crc));
        if (d.readInt() != MAGIC || d.readInt() != VERSION) {
            throw new IOException("backup object " + key + " is not a base image of this version");
        }
        long size = d.readLong();
        d.readLong(); // start: also in the key
        byte[] chunk = new byte[CHUNK];
        for (int index = d.readInt(); index >= 0; index = d.readInt()) {
            int n = d.readInt();
            int packed = d.readInt();
            if (n > CHUNK || packed > CHUNK + 1024 || (long) index * CHUNK + n > size) {
                throw new IOException("backup object " + key + " is corrupt (chunk " + index + ")");
            }
            if (packed == 0) {
                d.readFully(chunk, 0, n);
            } else {
                try {
                    Compression.decompressInto(d.readNBytes(packed), n, chunk);
                } catch (RuntimeException e) {
                    throw new IOException("backup object " + key + " is corrupt (chunk " + index + "): " + e.getMessage(), e);
                }
            }
            target.write(ByteBuffer.wrap(chunk, 0, n), (long) index * CHUNK);
        }
        d.readLong(); // end
        long expected = crc.getValue();
        if (d.readLong() != expected) {
            throw new IOException("backup object " + key + " fails its checksum");
        }
        return size;
    }
}
