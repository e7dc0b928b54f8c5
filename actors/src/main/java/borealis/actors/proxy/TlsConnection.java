package borealis.actors.proxy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * TLS on a client connection after the client's SSLRequest was answered 'S': an SSLEngine driven
 * from the proxy session's actor, bytes in and bytes out, no threads of its own.
 *
 * <p>{@link #receive} turns network bytes into plaintext (and handshake bytes to send back);
 * {@link #send} turns plaintext into network bytes. {@link #channelBinding} is the RFC 5929
 * tls-server-end-point data for SCRAM-SHA-256-PLUS: a hash of the server certificate.
 */
public final class TlsConnection {

    /** The server's TLS identity, loaded once per node from a key store. */
    public static final class Identity {
        final SSLContext context;
        final byte[] channelBinding;

        private Identity(SSLContext context, byte[] channelBinding) {
            this.context = context;
            this.channelBinding = channelBinding;
        }

        /** The context, for another TLS listener of the node with a key store of its own (the admin API's HTTPS). */
        public SSLContext sslContext() {
            return context;
        }

        /** Loads a PKCS#12 (or JKS) key store holding the server's key and certificate chain. */
        static Identity load(Path keyStore, char[] password, String type) throws Exception {
            KeyStore ks = KeyStore.getInstance(type);
            try (InputStream in = Files.newInputStream(keyStore)) {
                ks.load(in, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            X509Certificate cert = null;
            for (String alias : java.util.Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    Certificate c = ks.getCertificate(alias);
                    if (c instanceof X509Certificate x) {
                        cert = x;
                        break;
                    }
                }
            }
            if (cert == null) {
                throw new IllegalArgumentException("no key entry with an X.509 certificate in " + keyStore);
            }
            return new Identity(ctx, endPointHash(cert));
        }

        /** tls-server-end-point: the certificate hashed with its signature's hash, SHA-256 for MD5 and SHA-1. */
        static byte[] endPointHash(X509Certificate cert) throws Exception {
            String alg = cert.getSigAlgName().toUpperCase(Locale.ROOT);
            String hash = alg.startsWith("SHA384") ? "SHA-384" : alg.startsWith("SHA512") ? "SHA-512" : "SHA-256";
            return MessageDigest.getInstance(hash).digest(cert.getEncoded());
        }
    }

    /** What the network delivered: plaintext for the decoder and bytes to send back (handshake). */
    record Received(ByteString plaintext, ByteString reply) {}

    private final SSLEngine engine;
    private final Identity identity;
    private ByteBuffer netIn = ByteBuffer.allocate(0);

    TlsConnection(Identity identity) {
        this.identity = identity;
        this.engine = identity.context.createSSLEngine();
        engine.setUseClientMode(false);
    }

    byte[] channelBinding() {
        return identity.channelBinding;
    }

    Received receive(ByteBuffer bytes) throws SSLException {
        ByteBuffer merged = ByteBuffer.allocate(netIn.remaining() + bytes.remaining());
        merged.put(netIn).put(bytes).flip();
        netIn = merged;
        ByteStringBuilder plain = new ByteStringBuilder();
        ByteStringBuilder reply = new ByteStringBuilder();
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        while (true) {
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
                continue;
            }
            if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                reply.append(wrap(ByteBuffer.allocate(0)));
                continue;
            }
            SSLEngineResult r = engine.unwrap(netIn, app);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                ByteBuffer bigger = ByteBuffer.allocate(app.capacity() * 2);
                app.flip();
                bigger.put(app);
                app = bigger;
                continue;
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_TASK
                    && engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                break;
            }
        }
        app.flip();
        plain.putBytes(toArray(app));
        netIn = netIn.slice();
        return new Received(plain.result(), reply.result());
    }

    /** Plaintext from the server, encrypted for the network. */
    ByteString send(ByteString plaintext) throws SSLException {
        return wrap(plaintext.asByteBuffer());
    }

    /** close_notify for the client. */
    ByteString close() {
        engine.closeOutbound();
        try {
            return wrap(ByteBuffer.allocate(0));
        } catch (SSLException e) {
            return ByteString.emptyByteString();
        }
    }

    private ByteString wrap(ByteBuffer src) throws SSLException {
        ByteStringBuilder out = new ByteStringBuilder();
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        do {
            net.clear();
            SSLEngineResult r = engine.wrap(src, net);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                net = ByteBuffer.allocate(net.capacity() * 2);
                continue;
            }
            net.flip();
            out.putBytes(toArray(net));
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
        } while (src.hasRemaining() || engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP);
        return out.result();
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    /** The identity in a key store, or null (TLS off) when no key store is configured. */
    public static Identity loadOrNull(String keyStore, String password, String type) {
        if (keyStore == null || keyStore.isBlank()) {
            return null;
        }
        try {
            return Identity.load(Path.of(keyStore), password.toCharArray(), type);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the TLS key store " + keyStore + ": " + e.getMessage(), e);
        }
    }
}
