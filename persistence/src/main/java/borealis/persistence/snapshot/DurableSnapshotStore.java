package borealis.persistence.snapshot;

import borealis.persistence.crypto.AtRestEncryption;
import borealis.persistence.files.Fsync;
import borealis.persistence.files.OwnerOnly;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.serialization.Snapshot;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;

/**
 * Pekko Persistence snapshot store whose snapshots survive a power loss.
 *
 * <p>Pekko's local store writes a temporary file and renames it, never forcing either, yet a
 * saved snapshot lets an entity delete the journal events behind it ({@code StorageSegment}
 * does): after a power loss the snapshot could be empty or missing while its events are gone.
 * Here a save completes only once the file's content is forced, it has its final name by an
 * atomic rename, and that name is forced into the directory, so whatever the journal deletes
 * afterwards is held by a durable snapshot.
 *
 * <p>Files keep the local store's names and format ({@code snapshot-<url-encoded id>-<seqNr>-<timestamp>},
 * a serialized {@link Snapshot}), so a data directory written by it is read as it is. A snapshot
 * that cannot be read (cut by a crash of an older version) is skipped for the next older one.
 */
public final class DurableSnapshotStore extends SnapshotStore {

    private static final Pattern NAME = Pattern.compile("^snapshot-(.+)-(\\d+)-(\\d+)$");
    /** Older snapshots tried, newest first, when the newest cannot be read. */
    private static final int MAX_LOAD_ATTEMPTS = 3;

    private final Path dir;
    private final Serialization serialization;
    private final ExecutorService io;
    private final ExecutionContext ioContext;
    private final AtRestEncryption encryption;

    public DurableSnapshotStore(Config config) {
        this.dir = Path.of(config.getString("dir")).toAbsolutePath();
        try {
            OwnerOnly.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create snapshot directory " + dir, e);
        }
        this.serialization = SerializationExtension.get(context().system());
        this.encryption = AtRestEncryption.get(context().system());
        // One thread: saves and deletes of one entity stay in the order they were asked for.
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "borealis-snapshot-io");
            t.setDaemon(true);
            return t;
        });
        this.ioContext = ExecutionContext.fromExecutorService(io);
    }

    @Override
    public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        return Futures.future(() -> load(persistenceId, criteria), ioContext);
    }

    @Override
    public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
        return Futures.future(() -> {
            byte[] plain = serialization.serialize(new Snapshot(snapshot)).get();
            save(metadata, encryption.seal(metadata.persistenceId(), metadata.sequenceNr(), "snapshot", plain));
            return null;
        }, ioContext);
    }

    @Override
    public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
        return Futures.future(() -> {
            for (SnapshotMetadata m : metadatas(metadata.persistenceId())) {
                if (m.sequenceNr() == metadata.sequenceNr() && (metadata.timestamp() == 0 || m.timestamp() == metadata.timestamp())) {
                    Files.deleteIfExists(file(m));
                }
            }
            return null;
        }, ioContext);
    }

    @Override
    public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        return Futures.future(() -> {
            // Not forced: a deleted snapshot that reappears after a power loss is older than the
            // newest one, which is what a load picks.
            for (SnapshotMetadata m : metadatas(persistenceId)) {
                if (criteria.matches(m)) {
                    Files.deleteIfExists(file(m));
                }
            }
            return null;
        }, ioContext);
    }

    @Override
    public void postStop() throws Exception {
        io.shutdown();
        super.postStop();
    }

    private Optional<SelectedSnapshot> load(String persistenceId, SnapshotSelectionCriteria criteria) throws IOException {
        List<SnapshotMetadata> candidates = new ArrayList<>(metadatas(persistenceId).stream().filter(criteria::matches).toList());
        candidates.sort(Comparator.comparingLong(SnapshotMetadata::sequenceNr).thenComparingLong(SnapshotMetadata::timestamp).reversed());
        Exception last = null;
        for (SnapshotMetadata m : candidates.subList(0, Math.min(MAX_LOAD_ATTEMPTS, candidates.size()))) {
            try {
                byte[] stored = Files.readAllBytes(file(m));
                byte[] plain = encryption.open(persistenceId, m.sequenceNr(), "snapshot", stored);
                Snapshot s = serialization.deserialize(plain, Snapshot.class).get();
                return Optional.of(SelectedSnapshot.create(m, s.data()));
            } catch (Exception e) {
                log().warning("snapshot {} of {} cannot be read, trying an older one: {}", m.sequenceNr(), persistenceId, e.toString());
                last = e;
            }
        }
        if (last != null) {
            throw new IOException("no readable snapshot of " + persistenceId + " in " + dir, last);
        }
        return Optional.empty();
    }

    private void save(SnapshotMetadata metadata, byte[] bytes) throws IOException {
        Path target = file(metadata);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = OwnerOnly.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(dir);
    }

    private Path file(SnapshotMetadata m) {
        return dir.resolve("snapshot-" + URLEncoder.encode(m.persistenceId(), StandardCharsets.UTF_8) + "-" + m.sequenceNr() + "-" + m.timestamp());
    }

    private List<SnapshotMetadata> metadatas(String persistenceId) throws IOException {
        String prefix = "snapshot-" + URLEncoder.encode(persistenceId, StandardCharsets.UTF_8) + "-";
        List<SnapshotMetadata> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (!name.startsWith(prefix)) {
                    continue;
                }
                Matcher m = NAME.matcher(name);
                if (m.matches() && URLDecoder.decode(m.group(1), StandardCharsets.UTF_8).equals(persistenceId)) {
                    out.add(SnapshotMetadata.apply(persistenceId, Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
                }
            }
        }
        return out;
    }
}
