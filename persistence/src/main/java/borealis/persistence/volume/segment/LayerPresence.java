package borealis.persistence.volume.segment;

import borealis.persistence.files.Fsync;
import borealis.persistence.files.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * Which blocks a block file laid over a frozen layer holds itself (the others are read through to
 * the layer), and how much of the layer is still visible: a truncation since the layer was frozen
 * hides the layer's bytes at and beyond {@code baseLimit}, so that a later grow reads zeros there.
 *
 * <p>Kept in memory and saved only by {@link #save}, which the block file calls after forcing its
 * own data: a bit on disk thus always covers forced content. A bit lost at a crash makes the block
 * read through to the layer again, which replaying the records since the last snapshot corrects.
 * Saved whole, by a forced temporary file renamed over the old one, so a torn save cannot lose bits.
 */
final class LayerPresence {

    private final Path path;
    private final BitSet present;
    private long baseLimit;
    private boolean dirty;

    private LayerPresence(Path path, BitSet present, long baseLimit) {
        this.path = path;
        this.present = present;
        this.baseLimit = baseLimit;
    }

    static Path pathFor(Path blockFile) {
        return blockFile.resolveSibling(blockFile.getFileName() + ".present");
    }

    /** Reads the saved presence, or none held yet with the whole layer of {@code layerLength} visible. */
    static LayerPresence load(Path blockFile, long layerLength) throws IOException {
        Path p = pathFor(blockFile);
        if (!Files.exists(p)) {
            return new LayerPresence(p, new BitSet(), layerLength);
        }
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(p));
        if (all.remaining() < Long.BYTES) {
            throw new IOException(p + " is " + all.remaining() + " bytes long, shorter than its header");
        }
        long limit = all.getLong();
        return new LayerPresence(p, BitSet.valueOf(all), limit);
    }

    boolean has(long block) {
        return present.get(Math.toIntExact(block));
    }

    void set(long block) {
        int b = Math.toIntExact(block);
        if (!present.get(b)) {
            present.set(b);
            dirty = true;
        }
    }

    long baseLimit() {
        return baseLimit;
    }

    void lowerBaseLimit(long limit) {
        if (limit < baseLimit) {
            baseLimit = limit;
            dirty = true;
        }
    }

    /** Blocks held by this file itself. */
    long count() {
        return present.cardinality();
    }

    /** Writes the presence if it changed since the last save; the caller has forced the data it covers. */
    void save() throws IOException {
        if (!dirty) {
            return;
        }
        byte[] bits = present.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(Long.BYTES + bits.length).putLong(baseLimit).put(bits);
        out.flip();
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel ch = OwnerOnly.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(false);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.parentOf(path);
        dirty = false;
    }
}
