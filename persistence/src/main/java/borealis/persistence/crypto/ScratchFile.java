package borealis.persistence.crypto;

import borealis.persistence.files.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import javax.crypto.KeyGenerator;
import javax.crypto.spec.SecretKeySpec;

/**
 * A scratch file that holds no plaintext: random access by offset, kept on disk in 4 KiB blocks
 * encrypted like block files ({@link BlockCipher}) under a key made for it that lives only in
 * memory, so what a crash leaves behind is noise. Which blocks were written, and how often, is
 * kept in memory too (4 bytes per block: 1 MB for a 1 GB volume). Not thread-safe.
 *
 * <p>A restore rebuilds the volume here (the base image, then the log) before laying it out.
 */
public final class ScratchFile implements AutoCloseable {

    private static final int BLOCK = 4096;

    private final Path path;
    private final FileChannel ch;
    private final BlockCipher cipher;
    /** Per block: 0 never written (reads as zeros), else its write count. */
    private int[] counts = new int[256];
    private long size;

    public ScratchFile(Path path) throws IOException {
        this.path = path;
        this.ch = OwnerOnly.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            KeyGenerator g = KeyGenerator.getInstance("AES");
            g.init(256);
            byte[] raw = g.generateKey().getEncoded();
            this.cipher = new BlockCipher(new KeyRing.DataKey(0, "scratch", new SecretKeySpec(raw, "AES")), BlockCipher.newFileNonce());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot make a scratch key", e);
        }
    }

    public Path path() {
        return path;
    }

    /** The logical size: the end of the furthest write, or where a truncate cut. */
    public long size() {
        return size;
    }

    /** Writes {@code src}'s remaining bytes at {@code offset}. */
    public void write(ByteBuffer src, long offset) throws IOException {
        int len = src.remaining();
        if (len == 0) {
            return;
        }
        long first = offset / BLOCK;
        long last = (offset + len - 1) / BLOCK;
        byte[] out = new byte[(int) ((last - first + 1) * BLOCK)];
        for (long b = first; b <= last; b++) {
            int at = (int) ((b - first) * BLOCK);
            long blockStart = b * BLOCK;
            if (offset > blockStart || offset + len < blockStart + BLOCK) {
                readBlock(b, out, at); // keeps the block's other bytes
            }
            long from = Math.max(offset, blockStart);
            long to = Math.min(offset + len, blockStart + BLOCK);
            src.get(src.position() + (int) (from - offset), out, (int) (from - first * BLOCK), (int) (to - from));
            int c = count(b) + 1;
            setCount(b, c);
            cipher.apply(b, c, out, at, BLOCK);
        }
        src.position(src.position() + len);
        ByteBuffer w = ByteBuffer.wrap(out);
        long pos = first * BLOCK;
        while (w.hasRemaining()) {
            pos += ch.write(w, pos);
        }
        size = Math.max(size, offset + len);
    }

    /** Fills {@code dst} from {@code offset}; bytes never written, or past the size, read as zeros. */
    public void read(ByteBuffer dst, long offset) throws IOException {
        byte[] block = new byte[BLOCK];
        while (dst.hasRemaining()) {
            long b = offset / BLOCK;
            int in = (int) (offset % BLOCK);
            int n = Math.min(dst.remaining(), BLOCK - in);
            readBlock(b, block, 0);
            for (int i = 0; i < n; i++) {
                dst.put(offset + i < size ? block[in + i] : 0);
            }
            offset += n;
        }
    }

    /** Cuts (or extends with zeros) the logical size. */
    public void truncate(long newSize) throws IOException {
        if (newSize < size) {
            long keep = (newSize + BLOCK - 1) / BLOCK;
            for (long b = keep; b < (long) counts.length; b++) {
                counts[(int) b] = 0;
            }
            if (newSize % BLOCK != 0 && count(newSize / BLOCK) != 0) {
                // The cut block's tail must read as zeros if the file grows again.
                long b = newSize / BLOCK;
                byte[] block = new byte[BLOCK];
                readBlock(b, block, 0);
                Arrays.fill(block, (int) (newSize % BLOCK), BLOCK, (byte) 0);
                write(ByteBuffer.wrap(block), b * BLOCK);
            }
            ch.truncate(keep * BLOCK);
        }
        size = newSize;
    }

    private void readBlock(long b, byte[] into, int at) throws IOException {
        int c = count(b);
        if (c == 0) {
            Arrays.fill(into, at, at + BLOCK, (byte) 0);
            return;
        }
        ByteBuffer r = ByteBuffer.wrap(into, at, BLOCK);
        long pos = b * BLOCK;
        while (r.hasRemaining()) {
            int n = ch.read(r, pos + (r.position() - at));
            if (n < 0) {
                throw new IOException("scratch file " + path + " is shorter than its blocks");
            }
        }
        cipher.apply(b, c, into, at, BLOCK);
    }

    private int count(long b) {
        return b < counts.length ? counts[(int) b] : 0;
    }

    private void setCount(long b, int c) {
        if (b >= counts.length) {
            counts = Arrays.copyOf(counts, (int) Math.max(b + 1, counts.length * 2L));
        }
        counts[(int) b] = c;
    }

    /** Closes and deletes the file. */
    @Override
    public void close() throws IOException {
        ch.close();
        Files.deleteIfExists(path);
    }
}
