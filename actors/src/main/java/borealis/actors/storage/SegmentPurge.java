package borealis.actors.storage;

import borealis.persistence.volume.segment.BlockFile;
import borealis.persistence.volume.segment.SegmentFiles;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.DeleteSnapshotsSuccess;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

/**
 * Removes everything one segment replica keeps on its node: the materialized block files (every
 * generation, with checksums), its events in the node-local journal, and its snapshots. Runs on the replica's own
 * node, as it stops, because journals and block files are node-local.
 */
final class SegmentPurge {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SegmentPurge() {}

    static CompletionStage<Void> run(ActorSystem<?> system, String persistenceId, BlockFile current, SegmentFiles files,
                                     String journalPluginId) {
        try {
            current.close();
            // Every generation (a hydration copy may be half done), then the replica's directory,
            // then the volume's directory once the last replica on this node is gone.
            files.deleteAllBut(-1);
            Files.deleteIfExists(files.dir());
            deleteIfEmpty(files.dir().getParent());
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Persistence persistence = Persistence.get(Adapter.toClassic(system));
        ActorRef journal = persistence.journalFor(journalPluginId, ConfigFactory.empty());
        ActorRef snapshots = persistence.snapshotStoreFor("", ConfigFactory.empty());
        CompletableFuture<Object> events = Patterns.askWithReplyTo(journal,
                replyTo -> new JournalProtocol.DeleteMessagesTo(persistenceId, Long.MAX_VALUE, replyTo), TIMEOUT).toCompletableFuture();
        CompletableFuture<Object> snaps = Patterns.ask(snapshots,
                new SnapshotProtocol.DeleteSnapshots(persistenceId, SnapshotSelectionCriteria.latest()), TIMEOUT).toCompletableFuture();
        return events.thenCombine(snaps, (e, s) -> {
            if (!(e instanceof DeleteMessagesSuccess)) {
                throw new IllegalStateException("journal did not delete the events of " + persistenceId + ": " + e);
            }
            if (!(s instanceof DeleteSnapshotsSuccess)) {
                throw new IllegalStateException("snapshot store did not delete the snapshots of " + persistenceId + ": " + s);
            }
            return null;
        });
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            // other replicas of the volume on this node still have files there
        }
    }
}
