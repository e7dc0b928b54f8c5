package borealis.actors.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The server side of one SCRAM-SHA-256 exchange:
 *
 * <pre>
 *  client-first   n,,n=user,r=cnonce             ──►  server-first  r=cnonce+snonce,s=salt,i=4096
 *  client-final   c=biws,r=nonce,p=proof         ──►  server-final  v=signature   (or failure)
 * </pre>
 *
 * The user name inside the SCRAM message is ignored, as PostgreSQL does: the startup packet's user
 * counts. For an unknown user a decoy verifier ({@link DecoyVerifiers}) runs the same exchange, with
 * the same work, and fails at the end, so the answer does not reveal which user names exist.
 */
public final class ScramServer {

    public static final String MECHANISM = "SCRAM-SHA-256";
    public static final String MECHANISM_PLUS = "SCRAM-SHA-256-PLUS";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Raised when the client's messages are malformed or its proof is wrong. */
    public static final class ScramException extends Exception {
        public final boolean badPassword;

        ScramException(String message, boolean badPassword) {
            super(message);
            this.badPassword = badPassword;
        }
    }

    private final ScramVerifier verifier;
    private final boolean userKnown;
    private final byte[] channelBinding;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String gs2Header;

    /**
     * @param verifier       the user's verifier, or a decoy for an unknown user
     * @param userKnown      false for a decoy: the exchange runs to its end and then fails
     * @param channelBinding tls-server-end-point data when TLS is on (null otherwise)
     */
    public ScramServer(ScramVerifier verifier, boolean userKnown, byte[] channelBinding) {
        this.userKnown = userKnown;
        this.verifier = verifier;
        this.channelBinding = channelBinding;
    }

    /** Handles the client-first-message (from SASLInitialResponse); returns the server-first-message. */
    public String clientFirst(String mechanism, String message) throws ScramException {
        boolean plus = MECHANISM_PLUS.equals(mechanism);
        if (!MECHANISM.equals(mechanism) && !plus) {
            throw new ScramException("unsupported SASL mechanism \"" + mechanism + "\"", false);
        }
        if (plus && channelBinding == null) {
            throw new ScramException("channel binding requested but the connection is not using TLS", false);
        }
        // gs2-header: "n,," (no binding), "y,," (client could bind but thinks the server cannot), "p=tls-server-end-point,,"
        int second = message.indexOf(',', message.indexOf(',') + 1);
        if (second < 0) {
            throw new ScramException("malformed SCRAM client-first-message", false);
        }
        gs2Header = message.substring(0, second + 1);
        char flag = gs2Header.charAt(0);
        if (flag == 'p' && !plus) {
            throw new ScramException("channel binding used without the SCRAM-SHA-256-PLUS mechanism", false);
        }
        if (flag == 'y' && channelBinding != null) {
            throw new ScramException("client supports channel binding but the server offered it: possible downgrade attack", false);
        }
        if (plus && flag != 'p') {
            throw new ScramException("SCRAM-SHA-256-PLUS requires channel binding", false);
        }
        clientFirstBare = message.substring(second + 1);
        Map<String, String> attrs = attributes(clientFirstBare);
        String clientNonce = attrs.get("r");
        if (clientNonce == null || clientNonce.isEmpty()) {
            throw new ScramException("malformed SCRAM client-first-message: no nonce", false);
        }
        nonce = clientNonce + randomNonce();
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt()) + ",i=" + verifier.iterations();
        return serverFirst;
    }

    /** Verifies the client-final-message; returns the server-final-message. */
    public String clientFinal(String message) throws ScramException {
        int proofAt = message.lastIndexOf(",p=");
        if (proofAt < 0 || serverFirst == null) {
            throw new ScramException("malformed SCRAM client-final-message", false);
        }
        String withoutProof = message.substring(0, proofAt);
        Map<String, String> attrs = attributes(message);
        byte[] expectedBinding = gs2Header.getBytes(StandardCharsets.US_ASCII);
        if (gs2Header.startsWith("p=")) {
            byte[] b = new byte[expectedBinding.length + channelBinding.length];
            System.arraycopy(expectedBinding, 0, b, 0, expectedBinding.length);
            System.arraycopy(channelBinding, 0, b, expectedBinding.length, channelBinding.length);
            expectedBinding = b;
        }
        String c = attrs.get("c");
        if (c == null || !MessageDigest.isEqual(Base64.getDecoder().decode(c), expectedBinding)) {
            throw new ScramException("SCRAM channel binding check failed", false);
        }
        if (!nonce.equals(attrs.get("r"))) {
            throw new ScramException("SCRAM nonce mismatch", false);
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(attrs.getOrDefault("p", ""));
        } catch (IllegalArgumentException e) {
            throw new ScramException("malformed SCRAM proof", false);
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = ScramVerifier.hmac(verifier.storedKey(), authMessage);
        if (proof.length != clientSignature.length) {
            throw new ScramException("password authentication failed", true);
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        if (!userKnown || !MessageDigest.isEqual(ScramVerifier.sha256(clientKey), verifier.storedKey())) {
            throw new ScramException("password authentication failed", true);
        }
        return "v=" + Base64.getEncoder().encodeToString(ScramVerifier.hmac(verifier.serverKey(), authMessage));
    }

    private static Map<String, String> attributes(String message) {
        Map<String, String> out = new HashMap<>();
        for (String part : message.split(",")) {
            int eq = part.indexOf('=');
            if (eq == 1) {
                out.putIfAbsent(part.substring(0, 1), part.substring(2));
            }
        }
        return out;
    }

    private static String randomNonce() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
