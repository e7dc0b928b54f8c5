package borealis.persistence.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * One sealed payload (a journal event, a snapshot): AES-256-GCM under a data key, with the key's
 * id, the nonce and the tag beside the ciphertext, and associated data that binds it to where it
 * belongs (an event sealed for one entity and sequence number does not open as another's).
 *
 * <p>Layout: {@code 0xB5 0x01 | key id (8) | nonce (12) | ciphertext | tag (16)}. Plain payloads
 * (Pekko's protobuf, Kryo) never begin with {@code 0xB5 0x01}, so data written before encryption
 * was turned on is read as it is. Nonces are a per-process random prefix and a counter: unique
 * without a call into the system's random source per event.
 */
public final class Sealed {

    private static final byte M0 = (byte) 0xB5;
    private static final byte M1 = 0x01;
    private static final int NONCE = 12;
    private static final int TAG = 16;
    static final int OVERHEAD = 2 + 8 + NONCE + TAG;
    private static final int NONCE_PREFIX = new SecureRandom().nextInt();
    private static final AtomicLong NONCE_COUNTER = new AtomicLong(new SecureRandom().nextLong());
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    });

    private Sealed() {}

    public static boolean isSealed(byte[] bytes) {
        return bytes.length >= OVERHEAD && bytes[0] == M0 && bytes[1] == M1;
    }

    public static byte[] seal(KeyRing.DataKey key, byte[] plain, byte[] aad) {
        byte[] out = new byte[OVERHEAD + plain.length];
        ByteBuffer b = ByteBuffer.wrap(out).put(M0).put(M1).putLong(key.id()).putInt(NONCE_PREFIX).putLong(NONCE_COUNTER.getAndIncrement());
        try {
            Cipher c = GCM.get();
            c.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(TAG * 8, out, 10, NONCE));
            c.updateAAD(aad);
            c.doFinal(plain, 0, plain.length, out, b.position());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The plaintext of a sealed payload; {@code what} names it in errors. A payload that does not
     * open (damaged, moved, or sealed under a key this node does not hold) is an error, never
     * returned as it is.
     */
    public static byte[] open(KeyRing ring, byte[] sealed, byte[] aad, String what) throws IOException {
        if (ring == null) {
            throw new MasterKeys.WrongKeyException(what + " is encrypted, and encryption is not configured on this node (borealis.encryption)");
        }
        long keyId = ByteBuffer.wrap(sealed, 2, 8).getLong();
        KeyRing.DataKey key = ring.byId(keyId);
        try {
            Cipher c = GCM.get();
            c.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(TAG * 8, sealed, 10, NONCE));
            c.updateAAD(aad);
            return c.doFinal(sealed, 10 + NONCE, sealed.length - 10 - NONCE);
        } catch (GeneralSecurityException e) {
            throw new IOException(what + " does not decrypt under " + key + " (damaged, or moved from elsewhere)", e);
        }
    }
}
