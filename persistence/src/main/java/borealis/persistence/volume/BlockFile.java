package borealis.persistence.volume;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A replica's materialized copy of its protection group: the bytes of every applied log record,
 * at group-local offsets, in a sparse local file, with a CRC32C per 4 KiB block in a sidecar file
 * so that a corrupt block is detected on read instead of being served.
 *
 * <p>The file is not forced on every write: the journal holds the records, and the file is forced
 * before a snapshot lets the journal forget them.
 */
public final class BlockFile implements AutoCloseable {

    public static final int BLOCK = 4096;
    private static final int ZERO_BLOCK_CRC;

    static {
        CRC32C crc = new CRC32C();
        crc.update(new byte[BLOCK]);
        ZERO_BLOCK_CRC = (int) crc.getValue();
    }

    private final Path path;
    private final FileChannel data;
    private final FileChannel sums;
    private long length;

    /** Thrown when a block's content does not match its checksum. */
    public static final class CorruptBlockException extends IOException {
        public final long block;

        CorruptBlockException(Path path, long block) {
            super("checksum mismatch in " + path + " block " + block);
            this.block = block;
        }
    }

    public BlockFile(Path path) {
        try {
            Files.createDirectories(path.getParent());
            this.path = path;
            this.data = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.sums = FileChannel.open(sumsPath(path), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.length = data.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open block file " + path, e);
        }
    }

    private static Path sumsPath(Path path) {
        return path.resolveSibling(path.getFileName() + ".crc");
    }

    public Path path() {
        return path;
    }

    public long length() {
        return length;
    }

    /** Writes {@code bytes} at a group-local offset, updating the checksum of every block touched. */
    public void write(long offset, byte[] bytes) {
        try {
            writeFully(data, ByteBuffer.wrap(bytes), offset);
            length = Math.max(length, offset + bytes.length);
            long first = offset / BLOCK;
            long last = (offset + bytes.length - 1) / BLOCK;
            ByteBuffer newSums = ByteBuffer.allocate((int) (last - first + 1) * 4);
            for (long b = first; b <= last; b++) {
                long blockStart = b * BLOCK;
                boolean whole = offset <= blockStart && offset + bytes.length >= blockStart + BLOCK;
                // Whole blocks are summed from the bytes in hand; partial ones are read back.
                newSums.putInt(whole ? checksum(bytes, (int) (blockStart - offset)) : checksum(readBlock(b), 0));
            }
            newSums.flip();
            writeFully(sums, newSums, first * 4);
        } catch (IOException e) {
            throw new UncheckedIOException("write to " + path + " failed", e);
        }
    }

    /** Sets the length; a shrink drops the bytes and checksums beyond it, a grow reads as zeros. */
    public void truncate(long newLength) {
        try {
            if (newLength < length) {
                data.truncate(newLength);
                sums.truncate(blocksFor(newLength) * 4);
                length = newLength;
                if (newLength % BLOCK != 0) {
                    updateChecksum(newLength / BLOCK);
                }
            } else if (newLength > length) {
                // Extend sparsely; the new blocks are zeros, whose stored sum is 0 (see storedChecksum).
                writeFully(data, ByteBuffer.wrap(new byte[1]), newLength - 1);
                length = newLength;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("truncate of " + path + " failed", e);
        }
    }

    /**
     * Reads {@code length} bytes at a group-local offset, verifying the checksum of every block
     * touched. Bytes past the end read as zeros.
     */
    public byte[] read(long offset, int len) throws CorruptBlockException {
        byte[] out = new byte[len];
        if (offset >= length || len == 0) {
            return out;
        }
        long first = offset / BLOCK;
        long last = (Math.min(offset + len, length) - 1) / BLOCK;
        try {
            for (long b = first; b <= last; b++) {
                byte[] block = readBlock(b);
                if (checksum(block, 0) != storedChecksum(b)) {
                    throw new CorruptBlockException(path, b);
                }
                long blockStart = b * BLOCK;
                long from = Math.max(offset, blockStart);
                long to = Math.min(offset + len, blockStart + BLOCK);
                System.arraycopy(block, (int) (from - blockStart), out, (int) (from - offset), (int) (to - from));
            }
        } catch (CorruptBlockException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("read of " + path + " failed", e);
        }
        return out;
    }

    /** Reads one whole block without verifying it (for repair and for hashing). */
    public byte[] readBlock(long block) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        long pos = block * BLOCK;
        while (buf.hasRemaining()) {
            int n = data.read(buf, pos + buf.position());
            if (n < 0) {
                break;
            }
        }
        byte[] bytes = buf.array();
        // The tail of the last block beyond the length is defined as zeros.
        long validBytes = Math.min(BLOCK, length - pos);
        for (int i = (int) Math.max(0, validBytes); i < BLOCK; i++) {
            bytes[i] = 0;
        }
        return bytes;
    }

    /** Forces content and checksums to disk. */
    public void force() {
        try {
            data.force(false);
            sums.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("fsync of " + path + " failed", e);
        }
    }

    @Override
    public void close() {
        try {
            data.close();
            sums.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the files (used when a replica's data is wiped or its cluster deleted). */
    public static void delete(Path path) throws IOException {
        Files.deleteIfExists(path);
        Files.deleteIfExists(sumsPath(path));
    }

    private void updateChecksum(long block) throws IOException {
        ByteBuffer sum = ByteBuffer.allocate(4).putInt(0, checksum(readBlock(block), 0));
        writeFully(sums, sum, block * 4);
    }

    private int storedChecksum(long block) throws IOException {
        ByteBuffer sum = ByteBuffer.allocate(4);
        while (sum.hasRemaining()) {
            if (sums.read(sum, block * 4 + sum.position()) < 0) {
                return 0;
            }
        }
        return sum.getInt(0);
    }

    /**
     * The stored form of a block's CRC32C, XORed with the CRC of a zero block so that a block never
     * written (a hole in the sums file, which reads as 0) checks as zeros without being summed.
     */
    private static int checksum(byte[] bytes, int from) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, BLOCK);
        return (int) crc.getValue() ^ ZERO_BLOCK_CRC;
    }

    private static long blocksFor(long length) {
        return (length + BLOCK - 1) / BLOCK;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            position += channel.write(buf, position);
        }
    }
}
