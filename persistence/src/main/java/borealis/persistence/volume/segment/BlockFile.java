package borealis.persistence.volume.segment;

import borealis.persistence.files.Fsync;
import borealis.persistence.files.OwnerOnly;
import borealis.persistence.volume.log.VolumeLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * A replica's materialized copy of its protection group: the bytes of every applied log record,
 * at group-local offsets, in a sparse local file, with a CRC32C per 4 KiB block in a sidecar file
 * so that a corrupt block is detected on read instead of being served.
 *
 * <p>The file is not forced on every write: the journal holds the records, and the file is forced
 * before a snapshot lets the journal forget them.
 *
 * <p>A block found corrupt (on read, or when a partial write must read it back) is remembered and
 * its stored checksum is left mismatching, so it is never served until {@link #repair} replaces it
 * with a verified copy from a peer.
 */
public final class BlockFile implements AutoCloseable {

    private static final int BLOCK = VolumeLayout.BLOCK;
    private static final int ZERO_BLOCK_CRC;

    static {
        CRC32C crc = new CRC32C();
        crc.update(new byte[BLOCK]);
        ZERO_BLOCK_CRC = (int) crc.getValue();
    }

    /**
     * Written bytes after which the file is forced in the background. A snapshot must force the
     * file before the journal drops the events behind it; with hundreds of events' worth of dirty
     * pages (tens of MB) that force took 25-56 ms on the replica's thread. Forcing every few MiB
     * off that thread leaves the snapshot's own force little to do.
     */
    static final long BACKGROUND_FORCE_BYTES = 4L << 20;
    private static final java.util.concurrent.ExecutorService FORCER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "borealis-block-forcer");
        t.setDaemon(true);
        return t;
    });

    private final Path path;
    private final FileChannel data;
    private final FileChannel sums;
    private long length;
    private final Set<Long> corrupt = new TreeSet<>();
    private long unforcedBytes;
    /** Created by this open and not yet in a forced directory. */
    private volatile boolean entriesUnsynced;
    private final java.util.concurrent.atomic.AtomicBoolean forceQueued = new java.util.concurrent.atomic.AtomicBoolean();

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
            OwnerOnly.createDirectories(path.getParent());
            this.path = path;
            this.entriesUnsynced = !Files.exists(path) || !Files.exists(sumsPath(path));
            this.data = OwnerOnly.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.sums = OwnerOnly.open(sumsPath(path), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.length = data.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open block file " + path, e);
        }
    }

    static Path sumsPath(Path path) {
        return path.resolveSibling(path.getFileName() + ".crc");
    }

    public Path path() {
        return path;
    }

    public long length() {
        return length;
    }

    /** The size of the checksum file: 4 bytes per block up to the last one written. */
    public long checksumsLength() {
        try {
            return sums.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot size " + sumsPath(path), e);
        }
    }

    /** The checksum file's size once a file is cut to {@code length}, at most. */
    public static long checksumsLengthFor(long length) {
        return blocksFor(length) * 4;
    }

    /** Writes {@code bytes} at a group-local offset, updating the checksum of every block touched. */
    public void write(long offset, byte[] bytes) {
        write(offset, bytes, bytes.length);
    }

    /**
     * Writes the first {@code len} bytes of {@code bytes} at a group-local offset, updating the
     * checksum of every block touched. The checksums of consecutive blocks go to the sidecar in
     * one write (a 36 KiB chunk is nine blocks: one call instead of nine).
     */
    public void write(long offset, byte[] bytes, int len) {
        try {
            long first = offset / BLOCK;
            long last = (offset + len - 1) / BLOCK;
            // A partly covered block keeps some old bytes: they must be sound before the new sum covers them.
            for (long b : new long[] {first, last}) {
                if (!coversWhole(offset, len, b) && !corrupt.contains(b) && !verify(b)) {
                    corrupt.add(b);
                }
            }
            writeFully(data, ByteBuffer.wrap(bytes, 0, len), offset);
            length = Math.max(length, offset + len);
            ByteBuffer run = ByteBuffer.allocate((int) (last - first + 1) * 4);
            long runStart = first;
            for (long b = first; b <= last; b++) {
                boolean whole = coversWhole(offset, len, b);
                if (whole) {
                    corrupt.remove(b);
                } else if (corrupt.contains(b)) {
                    // Leave its stored sum mismatching until it is repaired: end the run before it.
                    run.flip();
                    writeFully(sums, run, runStart * 4);
                    run.clear();
                    runStart = b + 1;
                    continue;
                }
                // Whole blocks are summed from the bytes in hand; partial ones are read back.
                run.putInt(whole ? checksum(bytes, (int) (b * BLOCK - offset)) : checksum(readBlock(b), 0));
            }
            run.flip();
            writeFully(sums, run, runStart * 4);
            unforcedBytes += len;
            if (unforcedBytes >= BACKGROUND_FORCE_BYTES && forceQueued.compareAndSet(false, true)) {
                unforcedBytes = 0;
                FORCER.execute(this::forceInBackground);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("write to " + path + " failed", e);
        }
    }

    /** Only shortens a later {@link #force}, which still runs (and reports errors) where it matters. */
    private void forceInBackground() {
        try {
            data.force(false);
            sums.force(false);
        } catch (IOException | RuntimeException e) {
            // Closed meanwhile, or failing: the next force on the owner's thread reports it.
        } finally {
            forceQueued.set(false);
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
                if (corrupt.contains(b) || checksum(block, 0) != storedChecksum(b)) {
                    corrupt.add(b);
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

    /**
     * Replaces one whole block with a copy verified elsewhere (a peer's), making it sound again.
     * Only the part below the current length is written: the length is the log's business.
     */
    public void repair(long block, byte[] content) {
        if (content.length != BLOCK) {
            throw new IllegalArgumentException("a repair replaces one whole block of " + BLOCK + " bytes, got " + content.length);
        }
        try {
            long start = block * BLOCK;
            int valid = (int) Math.max(0, Math.min(BLOCK, length - start));
            writeFully(data, ByteBuffer.wrap(content, 0, valid), start);
            // The sum covers the block as read back: zeros past the end, as everywhere.
            writeFully(sums, ByteBuffer.allocate(4).putInt(0, checksum(readBlock(block), 0)), block * 4);
            corrupt.remove(block);
        } catch (IOException e) {
            throw new UncheckedIOException("repair of " + path + " block " + block + " failed", e);
        }
    }

    /** Whether a block's content matches its stored checksum (and it is not known corrupt). */
    public boolean verify(long block) throws IOException {
        return !corrupt.contains(block) && checksum(readBlock(block), 0) == storedChecksum(block);
    }

    /** Blocks known to be corrupt, lowest first. */
    public Set<Long> corruptBlocks() {
        return Set.copyOf(corrupt);
    }

    /**
     * Forces content and checksums to disk, and the first time after the files were created, their
     * directory entries too: a snapshot that relies on this file lets the journal drop the records
     * behind it, so a name lost at a power loss would lose them.
     */
    public void force() {
        try {
            data.force(false);
            sums.force(false);
            if (entriesUnsynced) {
                Fsync.parentOf(path);
                entriesUnsynced = false;
            }
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

    private static boolean coversWhole(long offset, int len, long block) {
        long blockStart = block * BLOCK;
        return offset <= blockStart && offset + len >= blockStart + BLOCK;
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
