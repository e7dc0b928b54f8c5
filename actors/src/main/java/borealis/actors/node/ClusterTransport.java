package borealis.actors.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a node talks to its peers: Pekko Artery over TLS 1.3 with mutual authentication when
 * {@code borealis.node.cluster-tls} names a key store, plain TCP otherwise, and plain TCP only on
 * loopback unless an operator says the network is private ({@code allow-plaintext}).
 *
 * <p>Without this, anyone who reached a node's cluster port could join with the storage roles and
 * be sent replicas of every tenant's log. The key stores are opened here, before the actor system
 * starts, so that a wrong path or password is one clear error instead of a node that starts and
 * then fails every handshake.
 */
public final class ClusterTransport {

    private ClusterTransport() {}

    /** {@code config} with the Artery transport settings its {@code borealis.node.cluster-tls} asks for. */
    public static Config apply(Config config) {
        Config tls = config.getConfig("borealis.node.cluster-tls");
        String keyStore = tls.getString("key-store");
        if (keyStore.isEmpty()) {
            String host = config.getString("pekko.remote.artery.canonical.hostname");
            if (!tls.getBoolean("allow-plaintext") && !loopback(host)) {
                throw new IllegalArgumentException("the node listens for its cluster peers on " + host + " without TLS: set"
                        + " borealis.node.cluster-tls.key-store (BOREALIS_CLUSTER_TLS_KEY_STORE) to a key store every node shares,"
                        + " or borealis.node.cluster-tls.allow-plaintext = on on a network that is private and authenticated");
            }
            return config;
        }
        String keyPassword = tls.getString("key-store-password");
        String trustStore = tls.getString("trust-store").isEmpty() ? keyStore : tls.getString("trust-store");
        String trustPassword = tls.getString("trust-store").isEmpty() ? keyPassword : tls.getString("trust-store-password");
        KeyStore keys = open(Path.of(keyStore), keyPassword, "borealis.node.cluster-tls.key-store");
        requireKey(keys, keyStore);
        KeyStore trusted = open(Path.of(trustStore), trustPassword, "borealis.node.cluster-tls.trust-store");
        requireCertificate(trusted, trustStore);
        Map<String, Object> artery = new LinkedHashMap<>();
        String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
        artery.put("pekko.remote.artery.transport", "tls-tcp");
        artery.put(engine + "key-store", Path.of(keyStore).toAbsolutePath().toString());
        artery.put(engine + "key-store-password", keyPassword);
        artery.put(engine + "key-password", keyPassword);
        artery.put(engine + "trust-store", Path.of(trustStore).toAbsolutePath().toString());
        artery.put(engine + "trust-store-password", trustPassword);
        artery.put(engine + "protocol", "TLSv1.3");
        artery.put(engine + "require-mutual-authentication", "on");
        return ConfigFactory.parseMap(artery).withFallback(config);
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static KeyStore open(Path file, String password, String setting) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(setting + ": cannot read " + file.toAbsolutePath());
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(in, password.toCharArray());
            return ks;
        } catch (Exception e) {
            throw new IllegalArgumentException(setting + ": cannot open " + file.toAbsolutePath()
                    + " (a PKCS#12 key store, with its password in the matching -password setting): " + e.getMessage(), e);
        }
    }

    private static void requireKey(KeyStore ks, String file) {
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    return;
                }
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot list " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("borealis.node.cluster-tls.key-store: " + file + " holds no private key");
    }

    private static void requireCertificate(KeyStore ks, String file) {
        try {
            if (ks.size() > 0) {
                return;
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot list " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("borealis.node.cluster-tls.trust-store: " + file + " holds no certificate");
    }
}
