package borealis.persistence.crypto;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * Encryption at rest on one node (one per actor system): the key ring, and the sealing of what the
 * journals and the snapshot store write. Block files take their {@link FileKeys} from here.
 *
 * <p>Journal events and snapshots of a storage replica are sealed under its volume's key; those of
 * every other entity under the node's key. Configured by {@code borealis.encryption}; opened at
 * the node's start, so that a wrong master key stops the node there.
 */
public final class AtRestEncryption implements Extension {

    /** A storage replica's entity id: {@code volume:groupSize:group:replica}. */
    private static final Pattern SEGMENT_ENTITY = Pattern.compile("(.+):\\d+:\\d+:\\d+");

    private final boolean enabled;
    private final AtRestKeys keys;

    private AtRestEncryption(Config config) {
        Config e = config.getConfig("borealis.encryption");
        this.enabled = e.getBoolean("enabled");
        Path dir = Path.of(e.getString("keys-dir")).toAbsolutePath();
        try {
            if (enabled || Files.isDirectory(dir)) {
                MasterKeys master = MasterKeys.load(Path.of(e.getString("master-key-file")).toAbsolutePath(),
                        e.getStringList("previous-master-key-files").stream().map(f -> Path.of(f).toAbsolutePath()).toList());
                this.keys = AtRestKeys.open(dir, master);
            } else {
                this.keys = null;
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot open the at-rest data keys in " + dir + ": " + ex.getMessage(), ex);
        }
    }

    private AtRestEncryption(AtRestKeys keys, boolean enabled) {
        this.keys = keys;
        this.enabled = enabled;
    }

    /** Over a key ring opened elsewhere (tools, tests); {@code enabled}: new data is sealed. */
    public static AtRestEncryption over(AtRestKeys keys, boolean enabled) {
        return new AtRestEncryption(keys, enabled);
    }

    public static final Id ID = new Id();

    public static final class Id extends AbstractExtensionId<AtRestEncryption> {
        @Override
        public AtRestEncryption createExtension(ExtendedActorSystem system) {
            return new AtRestEncryption(system.settings().config());
        }
    }

    public static AtRestEncryption get(ActorSystem system) {
        return ID.get(system);
    }

    public static AtRestEncryption get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
        return ID.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
    }

    /** Whether new data is encrypted. */
    public boolean enabled() {
        return enabled;
    }

    /** The key ring, or null when encryption is off and was never on. */
    public AtRestKeys keys() {
        return keys;
    }

    /** Key names by persistence id: matching the pattern per event was a few µs of every append. */
    private final java.util.concurrent.ConcurrentHashMap<String, String> keyNames = new java.util.concurrent.ConcurrentHashMap<>();

    private String cachedKeyNameFor(String persistenceId) {
        String name = keyNames.get(persistenceId);
        if (name == null) {
            if (keyNames.size() > 100_000) {
                keyNames.clear();
            }
            name = keyNameFor(persistenceId);
            keyNames.put(persistenceId, name);
        }
        return name;
    }

    /** Which key a persistent entity's events and snapshots are sealed under. */
    public static String keyNameFor(String persistenceId) {
        int bar = persistenceId.indexOf('|');
        var m = SEGMENT_ENTITY.matcher(bar < 0 ? persistenceId : persistenceId.substring(bar + 1));
        return m.matches() ? volumeKeyName(m.group(1)) : "node";
    }

    public static String volumeKeyName(String volumeId) {
        return "volume:" + volumeId;
    }

    /** How a volume's replica encrypts the block files it creates (reading any it finds). */
    public FileKeys forVolume(String volumeId) {
        return new FileKeys(keys, enabled ? volumeKeyName(volumeId) : null);
    }

    /** {@code payload} as it goes to disk for one event (or snapshot) of an entity. */
    public byte[] seal(String persistenceId, long seqNr, String kind, byte[] payload) {
        if (!enabled) {
            return payload;
        }
        try {
            return Sealed.seal(keys.forName(cachedKeyNameFor(persistenceId)), payload, aad(persistenceId, seqNr, kind));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The payload of one stored event (or snapshot), opened when sealed. */
    public byte[] open(String persistenceId, long seqNr, String kind, byte[] stored) throws IOException {
        if (!Sealed.isSealed(stored)) {
            return stored;
        }
        return Sealed.open(keys, stored, aad(persistenceId, seqNr, kind), kind + " " + seqNr + " of " + persistenceId);
    }

    private static byte[] aad(String persistenceId, long seqNr, String kind) {
        return (kind + ":" + seqNr + ":" + persistenceId).getBytes(StandardCharsets.UTF_8);
    }
}
