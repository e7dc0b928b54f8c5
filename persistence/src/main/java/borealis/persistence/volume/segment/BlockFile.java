package borealis.persistence.volume.segment;

import borealis.persistence.crypto.FileKeys;
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
 *
 * <p>A file may lie over a frozen <em>layer</em> (a clone's shared base, see {@link SegmentFiles}):
 * a read-only block file, itself perhaps over another, named in a {@code .base} sidecar. Blocks
 * this file has not written yet are read through to the layer; the first partial write to one
 * copies the layer's block up first. Layers are never written again, so a source and its clones
 * share them through hard links and diverge only in the blocks each one writes.
 */
public final class BlockFile implements AutoCloseable {

    static final int BLOCK = VolumeLayout.BLOCK;
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
    /** Synchronized: a frozen layer is shared by the replicas reading through it (see {@link SharedLayers}). */
    private final Set<Long> corrupt = java.util.Collections.synchronizedSortedSet(new TreeSet<>());
    private long unforcedBytes;
    /** Created by this open and not yet in a forced directory. */
    private volatile boolean entriesUnsynced;
    private final java.util.concurrent.atomic.AtomicBoolean forceQueued = new java.util.concurrent.atomic.AtomicBoolean();
    /** The frozen layer below, or null when this file holds every block itself. */
    private final BlockFile base;
    /** With a base: which blocks this file holds, and how much of the base is visible. */
    private final LayerPresence presence;
    private final boolean readOnly;
    /** How its blocks are encrypted, or null: plaintext. */
    private final BlockCrypt crypt;

    /** Thrown when a block's content does not match its checksum. */
    public static final class CorruptBlockException extends IOException {
        public final long block;

        CorruptBlockException(Path path, long block) {
            super("checksum mismatch in " + path + " block " + block);
            this.block = block;
        }
    }

    public BlockFile(Path path) {
        this(path, false, FileKeys.NONE);
    }

    /** Opens (creating) a block file; a new one is encrypted under {@code keys.newFileKey()} when set. */
    public BlockFile(Path path, FileKeys keys) {
        this(path, false, keys);
    }

    private BlockFile(Path path, boolean readOnly, FileKeys keys) {
        this.path = path;
        this.readOnly = readOnly;
        BlockFile below = null;
        try {
            if (readOnly) {
                this.data = FileChannel.open(path, StandardOpenOption.READ);
                this.sums = FileChannel.open(sumsPath(path), StandardOpenOption.READ);
            } else {
                OwnerOnly.createDirectories(path.getParent());
                this.entriesUnsynced = !Files.exists(path) || !Files.exists(sumsPath(path));
                this.data = OwnerOnly.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                this.sums = OwnerOnly.open(sumsPath(path), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            this.length = data.size();
            this.crypt = BlockCrypt.open(path, keys, readOnly, sums.size() == 0);
            String layer = LayerFiles.layerName(path);
            if (layer != null) {
                below = SharedLayers.acquire(path.resolveSibling(layer), keys);
                this.presence = LayerPresence.load(path, below.length());
            } else {
                this.presence = null;
            }
            this.base = below;
        } catch (IOException e) {
            if (below != null) {
                SharedLayers.release(below);
            }
            throw new UncheckedIOException("cannot open block file " + path, e);
        }
    }

    /** Opens a block file read-only (tools and tests that look at a replica's files beside it). */
    public static BlockFile openReadOnly(Path path, FileKeys keys) {
        return new BlockFile(path, true, keys);
    }

    /** Opens a frozen layer, read-only; only {@link SharedLayers} calls this. */
    static BlockFile openLayer(Path path, FileKeys keys) {
        return new BlockFile(path, true, keys);
    }

    /** Whether this file's blocks are encrypted. */
    public boolean encrypted() {
        return crypt != null;
    }

    /**
     * Whether this file lies over a layer and differs from it in nothing: no block of its own, no
     * cut, the same length. Such a file can be cloned by sharing the layer itself.
     */
    public boolean isUntouchedOverlay() {
        return presence != null && presence.count() == 0 && presence.baseLimit() >= base.length() && length == base.length();
    }

    static Path sumsPath(Path path) {
        return path.resolveSibling(path.getFileName() + ".crc");
    }

    /** The bytes this file holds itself: all of them, or over a layer only the blocks written since. */
    public long ownBytes() {
        return presence == null ? length : Math.min(length, presence.count() * BLOCK);
    }

    /**
     * The bytes this replica is charged for: its own blocks and those of the layers it froze
     * itself, down to the first layer it adopted from a clone's source (that one, and all below,
     * are the source's). A clone is thus charged only for the blocks it changed.
     */
    public long chargedBytes() {
        long total = ownBytes();
        try {
            // By the names in this replica's directory: a shared layer's own path may be another's link.
            String name = LayerFiles.layerName(path);
            for (BlockFile layer = base; layer != null && name != null; layer = layer.base) {
                Path here = path.resolveSibling(name);
                if (Files.exists(LayerFiles.adoptedMarker(here))) {
                    break;
                }
                total += layer.ownBytes();
                name = LayerFiles.layerName(here);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the layers of " + path, e);
        }
        return total;
    }

    /** Whether block {@code b} is this file's own (not read through to the layer below). */
    private boolean holds(long b) {
        return presence == null || presence.has(b);
    }

    private void checkWritable() {
        if (readOnly) {
            throw new IllegalStateException(path + " is a frozen layer and is never written");
        }
    }

    /**
     * Makes block {@code b}, read through to the layer so far, this file's own: copies the layer's
     * content (the part below the length) with its checksum. A block the layer cannot verify is
     * taken over as corrupt, so that it is repaired from a peer like any other.
     */
    private void copyUp(long b) throws IOException {
        byte[] content;
        boolean sound = true;
        try {
            content = lowerBlock(b, true);
        } catch (CorruptBlockException e) {
            content = lowerBlock(b, false);
            sound = false;
        }
        long start = b * BLOCK;
        int valid = (int) Math.max(0, Math.min(BLOCK, length - start));
        writeOwn(b, content, valid);
        if (sound) {
            writeFully(sums, ByteBuffer.allocate(4).putInt(0, checksum(content, 0)), b * 4);
        } else {
            corrupt.add(b);
        }
        presence.set(b);
    }

    /** Block {@code b} as the layer below shows it: zeros beyond the visible part. */
    private byte[] lowerBlock(long b, boolean verified) throws IOException {
        long visible = Math.min(presence.baseLimit(), length);
        long start = b * BLOCK;
        if (start >= visible) {
            return new byte[BLOCK];
        }
        byte[] content;
        if (verified) {
            content = base.verifiedBlock(b);
        } else {
            content = base.readBlock(b);
        }
        for (int i = (int) Math.max(0, visible - start); i < BLOCK; i++) {
            content[i] = 0;
        }
        return content;
    }

    /** Block {@code b}'s content, verified against its checksum here or in the layer it is read from. */
    private byte[] verifiedBlock(long b) throws IOException {
        if (corrupt.contains(b)) {
            throw new CorruptBlockException(path, b);
        }
        if (!holds(b)) {
            try {
                return lowerBlock(b, true);
            } catch (CorruptBlockException e) {
                corrupt.add(b);
                throw new CorruptBlockException(path, b);
            }
        }
        byte[] block = ownBlock(b);
        if (checksum(block, 0) != storedChecksum(b)) {
            corrupt.add(b);
            throw new CorruptBlockException(path, b);
        }
        return block;
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
        checkWritable();
        try {
            long first = offset / BLOCK;
            long last = (offset + len - 1) / BLOCK;
            if (presence != null) {
                for (long b = first; b <= last; b++) {
                    if (!presence.has(b)) {
                        if (coversWhole(offset, len, b)) {
                            presence.set(b);
                        } else {
                            copyUp(b);
                        }
                    }
                }
            }
            // A partly covered block keeps some old bytes: they must be sound before the new sum covers them.
            for (long b : new long[] {first, last}) {
                if (!coversWhole(offset, len, b) && !corrupt.contains(b) && !verify(b)) {
                    corrupt.add(b);
                }
            }
            if (crypt == null) {
                writeFully(data, ByteBuffer.wrap(bytes, 0, len), offset);
            } else {
                if (length / BLOCK < first) {
                    extendTail(offset + len);
                }
                writeEncrypted(offset, bytes, len, first, last);
            }
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
                run.putInt(whole ? checksum(bytes, (int) (b * BLOCK - offset)) : checksum(ownBlock(b), 0));
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

    /**
     * Writes blocks {@code first..last} encrypted, each under its next write count: the bytes of
     * the write, and in a block it covers only partly, the block's other bytes as they read now.
     * One data write for the whole run, one for its counts.
     */
    private void writeEncrypted(long offset, byte[] bytes, int len, long first, long last) throws IOException {
        long start = first * BLOCK;
        long end = Math.min((last + 1) * BLOCK, Math.max(length, offset + len));
        byte[] out = encryptBuffer((int) (end - start));
        int[] counts = crypt.counts(first, (int) (last - first + 1));
        for (long b = first; b <= last; b++) {
            int at = (int) ((b - first) * BLOCK);
            int valid = (int) Math.min(BLOCK, end - b * BLOCK);
            long blockStart = b * BLOCK;
            int i = (int) (b - first);
            if (coversWhole(offset, len, b)) {
                // Straight from the caller's bytes into the output: one pass over the data.
                counts[i] = crypt.encrypt(b, counts[i], bytes, (int) (blockStart - offset), out, at, valid);
            } else {
                byte[] plain = ownBlock(b);
                long from = Math.max(offset, blockStart);
                long to = Math.min(offset + len, blockStart + BLOCK);
                System.arraycopy(bytes, (int) (from - offset), plain, (int) (from - blockStart), (int) (to - from));
                counts[i] = crypt.encrypt(b, counts[i], plain, 0, out, at, valid);
            }
        }
        crypt.writeCounts(first, counts);
        writeFully(data, ByteBuffer.wrap(out, 0, (int) (end - start)), start);
    }

    /** Reused by the replica threads: encrypted blocks are assembled here, not in a new array per write. */
    private static final ThreadLocal<byte[]> ENCRYPT_BUFFER = ThreadLocal.withInitial(() -> new byte[64 * BLOCK]);
    private static final int MAX_REUSED_BUFFER = 1 << 20;

    private static byte[] encryptBuffer(int size) {
        byte[] b = ENCRYPT_BUFFER.get();
        if (b.length >= size) {
            return b;
        }
        b = new byte[size];
        if (size <= MAX_REUSED_BUFFER) {
            ENCRYPT_BUFFER.set(b);
        }
        return b;
    }

    /**
     * Before the file grows past a last block it ends inside: an encrypted block's bytes beyond the
     * end would read as the raw zeros the file grows with, which decrypt to noise, so the block is
     * written again up to where the file will end (its plaintext there is zeros).
     */
    private void extendTail(long newLength) throws IOException {
        long tail = length / BLOCK;
        if (crypt != null && length % BLOCK != 0 && holds(tail)) {
            writeOwn(tail, ownBlock(tail), (int) Math.min(BLOCK, newLength - tail * BLOCK));
        }
    }

    /** Writes the first {@code valid} bytes of block {@code b} (encrypted, when this file is). */
    private void writeOwn(long b, byte[] content, int valid) throws IOException {
        if (crypt == null) {
            writeFully(data, ByteBuffer.wrap(content, 0, valid), b * BLOCK);
            return;
        }
        byte[] out = java.util.Arrays.copyOf(content, valid);
        crypt.writeCounts(b, new int[] {crypt.encrypt(b, crypt.count(b), out, 0, valid)});
        writeFully(data, ByteBuffer.wrap(out), b * BLOCK);
    }

    /** Only shortens a later {@link #force}, which still runs (and reports errors) where it matters. */
    private void forceInBackground() {
        try {
            data.force(false);
            sums.force(false);
            if (crypt != null) {
                crypt.force();
            }
        } catch (IOException | RuntimeException e) {
            // Closed meanwhile, or failing: the next force on the owner's thread reports it.
        } finally {
            forceQueued.set(false);
        }
    }

    /** Sets the length; a shrink drops the bytes and checksums beyond it, a grow reads as zeros. */
    public void truncate(long newLength) {
        checkWritable();
        try {
            if (newLength < length && presence != null) {
                // The cut block keeps its head: make it this file's own before cutting its tail.
                long cut = newLength / BLOCK;
                if (newLength % BLOCK != 0 && !presence.has(cut)) {
                    copyUp(cut);
                }
                presence.lowerBaseLimit(newLength);
            }
            if (newLength < length) {
                data.truncate(newLength);
                sums.truncate(blocksFor(newLength) * 4);
                if (crypt != null) {
                    crypt.truncate(blocksFor(newLength));
                }
                length = newLength;
                if (newLength % BLOCK != 0) {
                    updateChecksum(newLength / BLOCK);
                }
            } else if (newLength > length) {
                // Extend sparsely; the new blocks are zeros, whose stored sum is 0 (see storedChecksum).
                extendTail(newLength);
                if (data.size() < newLength) {
                    writeFully(data, ByteBuffer.wrap(new byte[1]), newLength - 1); // in a hole: read as it is
                }
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
                byte[] block = verifiedBlock(b);
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

    /** Reads one whole block as this file shows it, without verifying it (for repair and for hashing). */
    public byte[] readBlock(long block) throws IOException {
        return holds(block) ? ownBlock(block) : lowerBlock(block, false);
    }

    /** Reads one whole block of this file's own data, unverified. */
    private byte[] ownBlock(long block) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        long pos = block * BLOCK;
        while (buf.hasRemaining()) {
            int n = data.read(buf, pos + buf.position());
            if (n < 0) {
                break;
            }
        }
        byte[] bytes = buf.array();
        if (crypt != null) {
            crypt.decrypt(block, bytes, 0, BLOCK);
        }
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
        checkWritable();
        if (content.length != BLOCK) {
            throw new IllegalArgumentException("a repair replaces one whole block of " + BLOCK + " bytes, got " + content.length);
        }
        try {
            long start = block * BLOCK;
            int valid = (int) Math.max(0, Math.min(BLOCK, length - start));
            writeOwn(block, content, valid);
            // The sum covers the block as read back: zeros past the end, as everywhere.
            writeFully(sums, ByteBuffer.allocate(4).putInt(0, checksum(ownBlock(block), 0)), block * 4);
            if (presence != null) {
                presence.set(block);
            }
            corrupt.remove(block);
        } catch (IOException e) {
            throw new UncheckedIOException("repair of " + path + " block " + block + " failed", e);
        }
    }

    /** Whether a block's content matches its stored checksum (and it is not known corrupt). */
    public boolean verify(long block) throws IOException {
        if (corrupt.contains(block)) {
            return false;
        }
        if (!holds(block)) {
            try {
                lowerBlock(block, true);
                return true;
            } catch (CorruptBlockException e) {
                return false;
            }
        }
        return checksum(ownBlock(block), 0) == storedChecksum(block);
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
        if (readOnly) {
            return;
        }
        try {
            data.force(false);
            sums.force(false);
            if (crypt != null) {
                crypt.force();
            }
            if (presence != null) {
                presence.save(); // after the data its bits cover
            }
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
        if (readOnly) {
            SharedLayers.release(this);
            return;
        }
        closeLayer();
    }

    /** Closes the channels, and lets go of the layer below. */
    void closeLayer() {
        try {
            data.close();
            sums.close();
            if (crypt != null) {
                crypt.close();
            }
            if (base != null) {
                SharedLayers.release(base);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the files (used when a replica's data is wiped or its cluster deleted). */
    public static void delete(Path path) throws IOException {
        Files.deleteIfExists(LayerFiles.basePath(path));
        Files.deleteIfExists(LayerPresence.pathFor(path));
        Files.deleteIfExists(path);
        Files.deleteIfExists(sumsPath(path));
        Files.deleteIfExists(BlockCrypt.countsPath(path));
        Files.deleteIfExists(BlockCrypt.keyPath(path));
    }

    private void updateChecksum(long block) throws IOException {
        ByteBuffer sum = ByteBuffer.allocate(4).putInt(0, checksum(ownBlock(block), 0));
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
    static int checksum(byte[] bytes, int from) {
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

    static void writeFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            position += channel.write(buf, position);
        }
    }
}
