package borealis.persistence.volume.segment;

import borealis.persistence.crypto.BlockCipher;
import borealis.persistence.crypto.FileKeys;
import borealis.persistence.crypto.KeyRing;
import borealis.persistence.crypto.MasterKeys;
import borealis.persistence.files.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A block file's encryption (see {@link BlockCipher}): the {@code .enc} sidecar names the data
 * key and holds the file's nonce, written (forced) before any block; the {@code .wc} sidecar holds
 * each block's write count, 4 bytes per block, 0 for a block never written encrypted (a hole, or
 * plaintext from before), which is read as it is.
 *
 * <p>A file is encrypted from its creation or never: one that has data and no {@code .enc} stays
 * plaintext, so replicas written before encryption was turned on stay readable.
 */
final class BlockCrypt implements AutoCloseable {

    private static final int MAGIC = 0x42424b31; // "BBK1"

    private final BlockCipher cipher;
    private final FileChannel counts;

    private BlockCrypt(BlockCipher cipher, FileChannel counts) {
        this.cipher = cipher;
        this.counts = counts;
    }

    static Path keyPath(Path file) {
        return file.resolveSibling(file.getFileName() + ".enc");
    }

    static Path countsPath(Path file) {
        return file.resolveSibling(file.getFileName() + ".wc");
    }

    /**
     * The encryption of the block file at {@code file}: its own when it has one; a new one under
     * {@code keys.newFileKey()} when it holds no block yet ({@code empty}) and may be written; else
     * null (plaintext).
     */
    static BlockCrypt open(Path file, FileKeys keys, boolean readOnly, boolean empty) throws IOException {
        Path kp = keyPath(file);
        BlockCipher cipher;
        if (Files.exists(kp)) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(kp));
            if (b.remaining() != 12 + BlockCipher.NONCE_BYTES || b.getInt() != MAGIC) {
                throw new IOException("encryption sidecar " + kp + " is damaged: the blocks of " + file + " cannot be read");
            }
            long keyId = b.getLong();
            byte[] nonce = new byte[BlockCipher.NONCE_BYTES];
            b.get(nonce);
            if (keys.ring() == null) {
                throw new MasterKeys.WrongKeyException(file + " is encrypted, and encryption is not configured on this node (borealis.encryption)");
            }
            cipher = new BlockCipher(keys.ring().byId(keyId), nonce);
        } else if (!readOnly && empty && keys.newFileKey() != null) {
            KeyRing.DataKey key = keys.ring().forName(keys.newFileKey());
            byte[] nonce = BlockCipher.newFileNonce();
            OwnerOnly.writeNew(kp, ByteBuffer.allocate(12 + nonce.length).putInt(MAGIC).putLong(key.id()).put(nonce).array());
            cipher = new BlockCipher(key, nonce);
        } else {
            return null;
        }
        Path cp = countsPath(file);
        FileChannel ch = readOnly ? (Files.exists(cp) ? FileChannel.open(cp, StandardOpenOption.READ) : null)
                : OwnerOnly.open(cp, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new BlockCrypt(cipher, ch);
    }

    /** Block {@code block}'s write count: 0 when it was never written encrypted. */
    int count(long block) throws IOException {
        if (counts == null) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.allocate(4);
        while (b.hasRemaining()) {
            if (counts.read(b, block * 4 + b.position()) < 0) {
                return 0;
            }
        }
        return b.getInt(0);
    }

    /** The write counts of {@code n} consecutive blocks from {@code first}, in one read. */
    int[] counts(long first, int n) throws IOException {
        int[] out = new int[n];
        if (counts == null) {
            return out;
        }
        ByteBuffer b = ByteBuffer.allocate(n * 4);
        while (b.hasRemaining()) {
            if (counts.read(b, first * 4 + b.position()) < 0) {
                break;
            }
        }
        b.flip();
        for (int i = 0; i < n && b.remaining() >= 4; i++) {
            out[i] = b.getInt();
        }
        return out;
    }

    /** Decrypts the first {@code len} bytes of block {@code block}, read raw into {@code buf}. */
    void decrypt(long block, byte[] buf, int off, int len) throws IOException {
        int c = count(block);
        if (c != 0) {
            cipher.apply(block, c, buf, off, len);
        }
    }

    /** Encrypts {@code len} bytes of block {@code block} (written {@code count} times so far) from {@code src} into {@code dst} under its next write count, which it returns. */
    int encrypt(long block, int count, byte[] src, int srcOff, byte[] dst, int dstOff, int len) {
        int c = count + 1;
        if (c == 0) {
            c = 1; // after 2^32 - 1 writes of one block
        }
        cipher.apply(block, c, src, srcOff, dst, dstOff, len);
        return c;
    }

    /** Encrypts {@code len} plaintext bytes of block {@code block} (written {@code count} times so far) in place under its next write count, which it returns. */
    int encrypt(long block, int count, byte[] buf, int off, int len) {
        int c = count + 1;
        if (c == 0) {
            c = 1; // after 2^32 - 1 writes of one block
        }
        cipher.apply(block, c, buf, off, len);
        return c;
    }

    /** Records the write counts of consecutive blocks from {@code first} (before or with their data: see {@link BlockFile#force}). */
    void writeCounts(long first, int[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (int v : values) {
            b.putInt(v);
        }
        b.flip();
        BlockFile.writeFully(counts, b, first * 4);
    }

    /** Drops the counts of blocks at and beyond {@code blocks}: they are holes again. */
    void truncate(long blocks) throws IOException {
        counts.truncate(blocks * 4);
    }

    void force() throws IOException {
        if (counts != null) {
            counts.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        if (counts != null) {
            counts.close();
        }
    }
}
