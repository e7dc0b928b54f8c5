package borealis.persistence.crypto;

import borealis.persistence.files.Fsync;
import borealis.persistence.files.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;

/**
 * The node's data keys for what it keeps at rest (journal entries, snapshots, block files): one
 * per volume, one for the node's own entities, each a random AES-256 key wrapped by the
 * {@link MasterKeys master key} and kept in a small file of its own ({@code <dir>/<id>.key}).
 *
 * <p>Everything encrypted names its key by id, so data written under a key stays readable whatever
 * key new data uses (a clone's files over its source's layers, a file written before a rotation).
 * A key is on disk, forced with its directory entry, before anything is written under it. All
 * keys are unwrapped when the ring opens, so a wrong or missing master key stops the node at start
 * with the key's name and fingerprint instead of failing later on one read; nothing is changed.
 * A rotation of the master key re-wraps these files and rewrites no data.
 */
public final class AtRestKeys implements KeyRing {

    private static final int MAGIC = 0x42524b31; // "BRK1"
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final MasterKeys master;
    private final Map<Long, DataKey> byId = new HashMap<>();
    private final Map<String, DataKey> byName = new HashMap<>();
    private final int rewrapped;

    private AtRestKeys(Path dir, MasterKeys master) throws IOException {
        this.dir = dir;
        this.master = master;
        OwnerOnly.createDirectories(dir);
        int n = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".key")).sorted().toList()) {
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f));
                if (b.remaining() < 14 || b.getInt() != MAGIC) {
                    throw new IOException("data key file " + f + " is not a Borealis key file (damaged?); the data under it cannot be read");
                }
                long id = b.getLong();
                byte[] name = new byte[b.getShort()];
                b.get(name);
                byte[] wrapped = new byte[b.remaining()];
                b.get(wrapped);
                String keyName = new String(name, StandardCharsets.UTF_8);
                byte[] raw = master.unwrap(wrapped, bindingOf(keyName, id), "the at-rest data key \"" + keyName + "\" (" + f + ")");
                DataKey key = new DataKey(id, keyName, new SecretKeySpec(raw, "AES"));
                byId.put(id, key);
                byName.put(keyName, key);
                if (!master.isCurrent(wrapped)) {
                    write(key, raw, true);
                    n++;
                }
            }
        }
        this.rewrapped = n;
    }

    /** Opens (creating when missing) the key ring in {@code dir}: every key is unwrapped now. */
    public static AtRestKeys open(Path dir, MasterKeys master) throws IOException {
        return new AtRestKeys(dir, master);
    }

    /** Keys re-wrapped under the current master key by this open (a rotation). */
    public int rewrapped() {
        return rewrapped;
    }

    public int size() {
        synchronized (this) {
            return byId.size();
        }
    }

    public String masterFingerprint() {
        return master.currentFingerprint();
    }

    @Override
    public synchronized DataKey byId(long id) throws IOException {
        DataKey k = byId.get(id);
        if (k == null) {
            throw new MasterKeys.WrongKeyException("data encrypted under at-rest key " + Long.toHexString(id) + ", which is not in " + dir
                    + " (the key file was removed, or the data was copied from another node)");
        }
        return k;
    }

    @Override
    public synchronized DataKey forName(String name) throws IOException {
        DataKey k = byName.get(name);
        if (k == null) {
            long id;
            do {
                id = RANDOM.nextLong();
            } while (id == 0 || byId.containsKey(id));
            byte[] raw = MasterKeys.newDataKey();
            k = new DataKey(id, name, new SecretKeySpec(raw, "AES"));
            write(k, raw, false);
            byId.put(id, k);
            byName.put(name, k);
        }
        return k;
    }

    private void write(DataKey key, byte[] raw, boolean replace) throws IOException {
        byte[] name = key.name().getBytes(StandardCharsets.UTF_8);
        byte[] wrapped = master.wrap(raw, bindingOf(key.name(), key.id()));
        byte[] content = ByteBuffer.allocate(14 + name.length + wrapped.length).putInt(MAGIC).putLong(key.id())
                .putShort((short) name.length).put(name).put(wrapped).array();
        Path target = dir.resolve(String.format("%016x.key", key.id()));
        if (!replace) {
            OwnerOnly.writeNew(target, content);
            return;
        }
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        OwnerOnly.writeNew(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(dir);
    }

    /** What a wrapped key is bound to: a key file renamed or edited to pass as another does not unwrap. */
    private static String bindingOf(String name, long id) {
        return "at-rest:" + Long.toHexString(id) + ":" + name;
    }
}
