package borealis.persistence.volume.segment;

import borealis.persistence.crypto.FileKeys;
import borealis.persistence.crypto.ScratchFile;
import borealis.persistence.files.Fsync;
import borealis.persistence.files.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The files that make a block file a frozen layer or lay it over one: the {@code .base} sidecar
 * naming the layer below, a layer written whole from a restored volume, the marker of a layer
 * adopted from a clone's source. See {@link BlockFile} and {@link SegmentFiles}.
 */
public final class LayerFiles {

    private LayerFiles() {}

    /**
     * Writes a layer from {@code length} bytes of {@code src} at {@code from} (a restored volume's
     * group): the data, sparse where a block is zeros, and its checksums, forced with their names;
     * encrypted under {@code keys.newFileKey()} when set.
     */
    public static void writeLayer(Path path, ScratchFile src, long from, long length, FileKeys keys) throws IOException {
        try (Writer w = new Writer(path, keys)) {
            int chunk = 256 * BlockFile.BLOCK;
            byte[] bytes = new byte[chunk];
            for (long off = 0; off < length; off += chunk) {
                int n = (int) Math.min(chunk, length - off);
                src.read(ByteBuffer.wrap(bytes, 0, n), from + off);
                w.append(bytes, n);
            }
            w.finish();
        }
    }

    /**
     * Writes a layer front to back from the bytes it is given (a base image as it is copied, a
     * restored volume's group). The layer is whole once {@link #finish} returned; closed before,
     * it is deleted.
     */
    public static final class Writer implements AutoCloseable {
        private final Path path;
        private final FileChannel out;
        private final FileChannel sumsOut;
        private final BlockCrypt crypt;
        private final byte[] tail = new byte[BlockFile.BLOCK];
        private long length;
        private boolean finished;

        public Writer(Path path, FileKeys keys) throws IOException {
            this.path = path;
            BlockFile.delete(path);
            OwnerOnly.createDirectories(path.getParent());
            out = OwnerOnly.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            sumsOut = OwnerOnly.open(BlockFile.sumsPath(path), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            crypt = BlockCrypt.open(path, keys, false, true);
        }

        /**
         * Appends {@code n} bytes of {@code bytes} (changed in place when encrypted); every call
         * but the last gives whole blocks.
         */
        public void append(byte[] bytes, int n) throws IOException {
            if (length % BlockFile.BLOCK != 0) {
                throw new IllegalStateException("a layer is appended whole blocks until its last");
            }
            int block = BlockFile.BLOCK;
            int blocks = (n + block - 1) / block;
            ByteBuffer sums = ByteBuffer.allocate(blocks * 4);
            for (int b = 0; b < blocks; b++) {
                int valid = Math.min(block, n - b * block);
                byte[] src = bytes;
                int at = b * block;
                if (valid < block) { // a short last block sums as zeros beyond the end
                    System.arraycopy(bytes, at, tail, 0, valid);
                    java.util.Arrays.fill(tail, valid, block, (byte) 0);
                    src = tail;
                    at = 0;
                }
                int sum = BlockFile.checksum(src, at);
                sums.putInt(sum);
                if (sum != 0) { // zeros stay a hole
                    long index = length / block + b;
                    if (crypt != null) {
                        crypt.writeCounts(index, new int[] {crypt.encrypt(index, 0, src, at, valid)});
                    }
                    BlockFile.writeFully(out, ByteBuffer.wrap(src, at, valid), index * block);
                }
            }
            sums.flip();
            BlockFile.writeFully(sumsOut, sums, length / block * 4);
            length += n;
        }

        /** Forces the layer with its name. */
        public void finish() throws IOException {
            if (length > 0 && out.size() < length) {
                BlockFile.writeFully(out, ByteBuffer.wrap(new byte[1]), length - 1);
            }
            out.force(false);
            sumsOut.force(false);
            if (crypt != null) {
                crypt.force();
            }
            finished = true;
            Fsync.parentOf(path);
        }

        @Override
        public void close() throws IOException {
            try (out; sumsOut; BlockCrypt c = crypt) {
                // closed in order
            }
            if (!finished) {
                BlockFile.delete(path);
            }
        }
    }

    static Path basePath(Path path) {
        return path.resolveSibling(path.getFileName() + ".base");
    }

    /** The name of the layer a block file lies over (a file in the same directory), or null. */
    static String layerName(Path path) throws IOException {
        Path p = basePath(path);
        return Files.exists(p) ? Files.readString(p, java.nio.charset.StandardCharsets.UTF_8).strip() : null;
    }

    /**
     * Creates {@code path} as an empty file over layer {@code layer} (a block file in the same
     * directory), with the layer's length and every block read through to it. The {@code .base}
     * sidecar is written last (forced, renamed), so a file without it was never finished: it is
     * created again from nothing.
     */
    static void createOver(Path path, String layer) throws IOException {
        BlockFile.delete(path);
        long layerLength = Files.size(path.resolveSibling(layer));
        try (FileChannel ch = OwnerOnly.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (layerLength > 0) {
                // Sparse: the length is the layer's; the bytes are read through to it.
                BlockFile.writeFully(ch, ByteBuffer.wrap(new byte[1]), layerLength - 1);
            }
            ch.force(false);
        }
        try (FileChannel ch = OwnerOnly.open(BlockFile.sumsPath(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.force(false);
        }
        Path tmp = path.resolveSibling(path.getFileName() + ".base.tmp");
        try (FileChannel ch = OwnerOnly.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            BlockFile.writeFully(ch, ByteBuffer.wrap(layer.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0);
            ch.force(false);
        }
        Files.move(tmp, basePath(path), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Fsync.parentOf(path);
    }

    /**
     * Opens a new block file at {@code path} lying over {@code baseLayerId} (a layer in the same
     * directory): written, forced and closed, it is a layer whose reads of unwritten blocks go
     * through to the base, as a frozen generation's do (a restore's log replayed over a base
     * image's layer).
     */
    public static BlockFile openOver(Path path, String baseLayerId, FileKeys keys) throws IOException {
        createOver(path, SegmentFiles.layerFile(baseLayerId));
        return new BlockFile(path, keys);
    }

    /** Beside a layer hard-linked from a clone's source: the layer is the source's, not this replica's. */
    static Path adoptedMarker(Path layer) {
        return layer.resolveSibling(layer.getFileName() + ".adopted");
    }

    /** The files of a block file: data, checksums and, over a layer, its presence and base name. */
    static java.util.List<Path> filesOf(Path path) {
        return java.util.List.of(BlockFile.sumsPath(path), BlockCrypt.keyPath(path), BlockCrypt.countsPath(path), LayerPresence.pathFor(path),
                basePath(path), path);
    }
}
