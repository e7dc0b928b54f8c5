package borealis.persistence.journal;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * Pekko Persistence journal plugin over {@link JournalStore}: node-local append-only log files with
 * per-entry checksums and group commit across every persistent actor of the node.
 *
 * <p>Configuration (see reference.conf, {@code borealis.journal.segments}):
 * {@code dir}, {@code max-file-size}, {@code fsync}, {@code group-commit-window}.
 */
public final class SegmentLogJournal extends AsyncWriteJournal {

    private static final Map<Path, JournalStore> OPEN = new ConcurrentHashMap<>();

    private final JournalStore store;
    private final Path dir;
    private final Serialization serialization;
    private final ExecutorService replayPool;
    private final ExecutionContext replayContext;

    public SegmentLogJournal(Config config) {
        this.dir = Path.of(config.getString("dir")).toAbsolutePath();
        long window = config.hasPath("group-commit-window") ? config.getDuration("group-commit-window").toNanos() : 0;
        this.store = new JournalStore(dir, config.getBytes("max-file-size"), config.getBoolean("fsync"), window,
                borealis.persistence.crypto.AtRestEncryption.get(context().system()));
        OPEN.put(dir, store);
        this.serialization = SerializationExtension.get(context().system());
        this.replayPool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "borealis-journal-replay");
            t.setDaemon(true);
            return t;
        });
        this.replayContext = ExecutionContext.fromExecutorService(replayPool);
    }

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
        AtomicWrites.Serialized writes = AtomicWrites.serialize(messages, serialization);
        List<LogEntry> entries = new ArrayList<>(writes.writes());
        List<Optional<Exception>> results = writes.results();
        CompletableFuture<Iterable<Optional<Exception>>> done = store.append(entries).thenApply(v -> results);
        return FutureConverters.asScala(done);
    }

    @Override
    public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        long to = Math.min(toSequenceNr, store.highestSequenceNr(persistenceId));
        return FutureConverters.asScala(store.append(List.of(new LogEntry.Delete(persistenceId, to))));
    }

    @Override
    public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                              Consumer<PersistentRepr> replayCallback) {
        return Futures.future(() -> {
            for (JournalStore.Located l : store.located(persistenceId, fromSequenceNr, toSequenceNr, max)) {
                replayCallback.accept(serialization.deserialize(store.payload(persistenceId, l), PersistentRepr.class).get());
            }
            return null;
        }, replayContext);
    }

    @Override
    public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
        return Futures.successful(store.highestSequenceNr(persistenceId));
    }

    @Override
    public void postStop() throws Exception {
        OPEN.remove(dir, store);
        store.close();
        replayPool.shutdown();
        super.postStop();
    }

    /**
     * Deletes every event of a persistence id in the journal open in {@code dir} (its sequence
     * numbers stay used): for a replica whose local data is dropped, when its volume is deleted
     * or in a failure drill. Completes once the deletion is on disk.
     */
    public static CompletableFuture<Void> forget(Path dir, String persistenceId) {
        JournalStore s = OPEN.get(dir.toAbsolutePath());
        if (s == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no journal open in " + dir));
        }
        return s.append(List.of(new LogEntry.Delete(persistenceId, s.highestSequenceNr(persistenceId))));
    }

    /** Figures of the journal open in {@code dir}, for metrics and benchmarks. */
    public record Stats(long bytesWritten, long syncs, long syncNanos, long sizeOnDisk, int files) {}

    public static Optional<Stats> stats(Path dir) {
        JournalStore s = OPEN.get(dir.toAbsolutePath());
        return s == null ? Optional.empty() : Optional.of(new Stats(s.bytesWritten(), s.syncs(), s.syncNanos(), s.sizeOnDisk(), s.fileCount()));
    }

    /** Every journal open in this JVM, by directory. */
    public static Map<Path, Stats> allStats() {
        Map<Path, Stats> out = new java.util.TreeMap<>();
        OPEN.forEach((d, s) -> out.put(d, new Stats(s.bytesWritten(), s.syncs(), s.syncNanos(), s.sizeOnDisk(), s.fileCount())));
        return out;
    }
}
