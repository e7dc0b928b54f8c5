package borealis.actors.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SCRAM verifiers for users that do not exist (an unknown user of a cluster, or any user of an
 * unknown cluster), so that the exchange with them looks exactly like one with a real user whose
 * password is wrong: a salt of the same size that is the same on every attempt (a random one
 * would differ between two attempts and give the user away), the same iteration count, the same
 * work per message, and the failure only at the end (28P01). Everything is derived with
 * HMAC-SHA-256 from a server secret and the cluster and user names, as PostgreSQL derives its mock
 * salt from a cluster-wide nonce.
 *
 * <p>The secret is {@code borealis.auth.secret}, or else a random one kept in
 * {@code <data-dir>/auth-secret} (created owner-only on first start). Nodes behind one load
 * balancer should share it, or one unknown user would show a different salt through each node.
 */
public final class DecoyVerifiers {

    static final String FILE = "auth-secret";
    private static final int SECRET_BYTES = 32;
    private static final int SALT_BYTES = 16;

    private final byte[] secret;

    DecoyVerifiers(byte[] secret) {
        this.secret = secret.clone();
    }

    /** The configured secret, or the one kept in {@code dataDir}, or a new one saved there. */
    public static DecoyVerifiers load(String configured, Path dataDir) throws IOException {
        if (configured != null && !configured.isEmpty()) {
            return new DecoyVerifiers(configured.getBytes(StandardCharsets.UTF_8));
        }
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            return new DecoyVerifiers(HexFormat.of().parseHex(SecretFiles.readPrivate(file)));
        }
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        SecretFiles.createPrivate(file, HexFormat.of().formatHex(secret));
        return new DecoyVerifiers(secret);
    }

    /** The verifier an unknown {@code user} of cluster {@code clusterId} gets: the same one every time. */
    public ScramVerifier forUnknown(String clusterId, String user) {
        String who = clusterId + "\u0000" + user;
        byte[] salt = Arrays.copyOf(derive("salt", who), SALT_BYTES);
        return new ScramVerifier(salt, ScramVerifier.ITERATIONS, derive("stored-key", who), derive("server-key", who));
    }

    private byte[] derive(String purpose, String who) {
        return ScramVerifier.hmac(secret, (purpose + "\u0000" + who).getBytes(StandardCharsets.UTF_8));
    }
}
