package borealis.persistence.crypto;

import borealis.persistence.files.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The node's master keys: the current one wraps every new data key; previous ones (after a
 * rotation) only unwrap. A data key is wrapped with AES-256-GCM, bound to the volume it protects;
 * rotating the master key re-wraps the small key objects and rewrites no data. A key is named by
 * its fingerprint (the first 8 bytes of its SHA-256), never by its bytes.
 */
public final class MasterKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    public static final int KEY_BYTES = 32;
    private static final int NONCE = 12;

    private record Key(String fingerprint, byte[] bytes) {}

    private final Key current;
    private final List<Key> previous;

    private MasterKeys(Key current, List<Key> previous) {
        this.current = current;
        this.previous = previous;
    }

    /**
     * Reads the current key file (created, owner-only, with a fresh key when missing) and the
     * previous ones (which must exist). A key file holds 32 bytes in base64.
     */
    public static MasterKeys load(Path currentFile, List<Path> previousFiles) throws IOException {
        if (!Files.exists(currentFile)) {
            byte[] k = new byte[KEY_BYTES];
            RANDOM.nextBytes(k);
            Files.createDirectories(currentFile.toAbsolutePath().getParent());
            try {
                // CREATE_NEW: of nodes starting together on one shared file, the first one's key is everyone's.
                OwnerOnly.writeNew(currentFile, (Base64.getEncoder().encodeToString(k) + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made meanwhile by another node: read below
            }
        }
        List<Key> prev = new ArrayList<>();
        for (Path p : previousFiles) {
            prev.add(read(p));
        }
        return new MasterKeys(read(currentFile), prev);
    }

    public static MasterKeys of(byte[] current) {
        return new MasterKeys(new Key(fingerprint(current), current.clone()), List.of());
    }

    private static Key read(Path file) throws IOException {
        if (OwnerOnly.isExposed(file)) {
            throw new IOException("master key file " + file + " is readable or writable by other users, so the key may be known:"
                    + " check who had access, then make it owner-only (chmod 600 " + file + ") or rotate to a new key");
        }
        byte[] k;
        try {
            k = Base64.getDecoder().decode(Files.readString(file).trim());
        } catch (IllegalArgumentException e) {
            throw new IOException("master key file " + file + " does not hold base64: " + e.getMessage());
        }
        if (k.length != KEY_BYTES) {
            throw new IOException("master key file " + file + " holds " + k.length + " bytes; a master key is " + KEY_BYTES);
        }
        return new Key(fingerprint(k), k);
    }

    public static String fingerprint(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether previous keys are configured: only then can a data key need re-wrapping. */
    public boolean rotating() {
        return !previous.isEmpty();
    }

    /** The current key's fingerprint. */
    public String currentFingerprint() {
        return current.fingerprint();
    }

    /** A new random data key. */
    public static byte[] newDataKey() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return k;
    }

    /** The wrapped form of {@code dataKey} for {@code volumeId}: fingerprint, nonce, ciphertext and tag. */
    public byte[] wrap(byte[] dataKey, String volumeId) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        byte[] fp = current.fingerprint().getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, current.bytes(), nonce, dataKey, volumeId);
        return ByteBuffer.allocate(1 + fp.length + NONCE + sealed.length).put((byte) fp.length).put(fp).put(nonce).put(sealed).array();
    }

    /** Whether {@code wrapped} was made with the current key (else a rotation re-wraps it). */
    public boolean isCurrent(byte[] wrapped) {
        return fingerprintOf(wrapped).equals(current.fingerprint());
    }

    public byte[] unwrap(byte[] wrapped, String volumeId) throws IOException {
        return unwrap(wrapped, volumeId, "the backup of volume " + volumeId);
    }

    /** Unwraps a data key bound to {@code boundTo}; {@code what} names what it protects in the error. */
    public byte[] unwrap(byte[] wrapped, String boundTo, String what) throws IOException {
        String volumeId = boundTo;
        String fp = fingerprintOf(wrapped);
        Key key = fp.equals(current.fingerprint()) ? current : previous.stream().filter(k -> k.fingerprint().equals(fp)).findFirst()
                .orElseThrow(() -> new WrongKeyException(what + " is encrypted under master key " + fp
                        + ", which this node does not hold (it has " + current.fingerprint() + " and "
                        + previous.stream().map(Key::fingerprint).toList()
                        + "; borealis.encryption.master-key-file, previous-master-key-files)"));
        ByteBuffer b = ByteBuffer.wrap(wrapped);
        b.position(1 + b.get(0));
        byte[] nonce = new byte[NONCE];
        b.get(nonce);
        byte[] sealed = new byte[b.remaining()];
        b.get(sealed);
        try {
            return gcm(Cipher.DECRYPT_MODE, key.bytes(), nonce, sealed, volumeId);
        } catch (IllegalStateException e) {
            throw new WrongKeyException("the data key of " + what + " does not open with master key " + fp
                    + " (the key object is damaged, or belongs to something else)");
        }
    }

    private static String fingerprintOf(byte[] wrapped) {
        int n = wrapped.length == 0 ? 0 : wrapped[0];
        return n <= 0 || n + 1 > wrapped.length ? "?" : new String(wrapped, 1, n, StandardCharsets.US_ASCII);
    }

    private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] input, String aad) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }

    /** A key the node does not hold, or one that does not open what it should. */
    public static final class WrongKeyException extends IOException {
        public WrongKeyException(String message) {
            super(message);
        }
    }
}
