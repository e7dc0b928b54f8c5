package borealis.persistence.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * The encryption of one block file's 4 KiB blocks: AES-256-CTR, its counter block made of the
 * file's random nonce, the block's index and the block's <em>write count</em> (kept by the file
 * beside each block). Every write of a block takes the next count, so no two contents of one
 * block, in one file or any file under the same key, share a key stream.
 *
 * <p>CTR keeps a block 4 KiB (a file stays addressable by offset) and lets a prefix of a block
 * decrypt alone (the last block of a file ends where the file does). It has no tag: a block's
 * CRC-32C of its plaintext, kept by the file, finds damage (then repaired from a peer), and a
 * block file read by someone who holds the key is already inside the boundary.
 */
public final class BlockCipher {

    public static final int NONCE_BYTES = 6;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CTR = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is not available", e);
        }
    });

    private static final ThreadLocal<byte[]> OUT = ThreadLocal.withInitial(() -> new byte[4096]);

    private final KeyRing.DataKey key;
    private final byte[] fileNonce;

    public BlockCipher(KeyRing.DataKey key, byte[] fileNonce) {
        if (fileNonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("a block file's nonce is " + NONCE_BYTES + " bytes");
        }
        this.key = key;
        this.fileNonce = fileNonce.clone();
    }

    public static byte[] newFileNonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    public KeyRing.DataKey key() {
        return key;
    }

    public byte[] fileNonce() {
        return fileNonce.clone();
    }

    /** Encrypts or decrypts (the same in CTR) {@code len} bytes at the start of block {@code block} in place. */
    public void apply(long block, int writeCount, byte[] buf, int off, int len) {
        byte[] out = OUT.get();
        if (out.length < len) {
            out = new byte[len];
        }
        apply(block, writeCount, buf, off, out, 0, len);
        System.arraycopy(out, 0, buf, off, len);
    }

    /**
     * Encrypts or decrypts {@code len} bytes of block {@code block} from {@code src} into {@code
     * dst} (not overlapping: the JDK copies an input that overlaps the output, which made in-place
     * calls the node's largest allocation site, half its garbage in bin/bench-storage).
     */
    public void apply(long block, int writeCount, byte[] src, int srcOff, byte[] dst, int dstOff, int len) {
        if (block < 0 || block > 0xffffffffL) {
            throw new IllegalArgumentException("block index " + block + " is out of range");
        }
        byte[] iv = new byte[16];
        System.arraycopy(fileNonce, 0, iv, 0, NONCE_BYTES);
        iv[6] = (byte) (block >>> 24);
        iv[7] = (byte) (block >>> 16);
        iv[8] = (byte) (block >>> 8);
        iv[9] = (byte) block;
        iv[10] = (byte) (writeCount >>> 24);
        iv[11] = (byte) (writeCount >>> 16);
        iv[12] = (byte) (writeCount >>> 8);
        iv[13] = (byte) writeCount;
        try {
            Cipher c = CTR.get();
            c.init(Cipher.ENCRYPT_MODE, key.spec(), new IvParameterSpec(iv));
            c.doFinal(src, srcOff, len, dst, dstOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR failed: " + e.getMessage(), e);
        }
    }
}
