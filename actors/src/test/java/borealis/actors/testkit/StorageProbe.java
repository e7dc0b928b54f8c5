package borealis.actors.testkit;

import borealis.actors.cluster.DbCluster;
import borealis.actors.node.BorealisNode;
import borealis.actors.storage.StorageSegment;
import borealis.engine.h2.VolumeFileSystem;
import borealis.persistence.files.Trees;
import borealis.persistence.journal.SegmentLogJournal;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

/**
 * Looks at and breaks the storage replicas of a node, for tests and the benchmark: asks a replica
 * where it stands and for its bytes (through its peer protocol, as another replica would), takes
 * replicas down and brings them back, and wipes a replica's local data as a lost disk would.
 */
public final class StorageProbe {

    private static final Duration ASK = Duration.ofSeconds(5);

    private final BorealisNode node;
    private final String volumeId;
    private final VolumeLayout layout;

    public StorageProbe(BorealisNode node, String volumeId, VolumeLayout layout) {
        this.node = node;
        this.volumeId = volumeId;
        this.layout = layout;
    }

    /**
     * A probe of the volume of cluster {@code tenant/name} (a cluster's volume id names its
     * incarnation, so it is asked of the cluster entity).
     */
    public static StorageProbe forCluster(BorealisNode node, String clusterId, VolumeLayout layout) throws Exception {
        DbCluster.ClusterInfo info = ClusterSharding.get(node.system()).entityRefFor(DbCluster.TYPE_KEY, clusterId)
                .<StatusReply<DbCluster.ClusterInfo>>ask(DbCluster.Get::new, ASK).toCompletableFuture()
                .get(ASK.toMillis() * 2, TimeUnit.MILLISECONDS).getValue();
        return new StorageProbe(node, info.spec().volumeId(), layout);
    }

    /** The volume as its writer on this node sees it (the compute instance must be running here). */
    public ReplicatedVolume volume() {
        return (ReplicatedVolume) VolumeFileSystem.mounted(volumeId)
                .orElseThrow(() -> new IllegalStateException("volume " + volumeId + " is not mounted on this node"));
    }

    public String volumeId() {
        return volumeId;
    }

    public String entityId(int group, int replica) {
        return StorageSegment.entityId(volumeId, layout, group, replica);
    }

    private ClusterSharding sharding() {
        return ClusterSharding.get(node.system());
    }

    /** Where a replica stands (its answer to a peer asking for records above everything). */
    public StorageSegment.PeerRecords status(int group, int replica) throws Exception {
        return status(group, replica, ASK);
    }

    /** As {@link #status(int, int)}, retrying after {@code timeout}. */
    public StorageSegment.PeerRecords status(int group, int replica, Duration timeout) throws Exception {
        return ask(group, replica, r -> new StorageSegment.FetchRecords(Long.MAX_VALUE, 0, r), timeout);
    }

    /** Applied, verified bytes of a replica at a group-local offset. */
    public StorageSegment.PeerBlocks blocks(int group, int replica, long localOffset, int length) throws Exception {
        return ask(group, replica, r -> new StorageSegment.FetchBlocks(localOffset, length, r), ASK);
    }

    /** A replica's read as the writer would issue it. */
    public StorageSegment.ReadReply read(int group, int replica, long offset, int length, long readPoint) throws Exception {
        StorageSegment.Reply reply = this.<StorageSegment.Reply>ask(group, replica,
                r -> new StorageSegment.Read(0, offset, length, readPoint, r), ASK);
        return (StorageSegment.ReadReply) reply;
    }

    /**
     * Asks a replica, a few times: a message sent just as a replica stops or starts again can be
     * lost, as on a network, and the replicas' own protocols retry too.
     */
    private <T> T ask(int group, int replica, java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<T>,
            StorageSegment.Command> message, Duration timeout) throws Exception {
        java.util.concurrent.ExecutionException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return sharding().entityRefFor(StorageSegment.typeKey(replica), entityId(group, replica))
                        .ask(message::apply, timeout).toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                last = e;
            }
        }
        throw last;
    }

    public void takeDown(int group, int replica) throws Exception {
        node.replicaFaults().takeDown(sharding(), entityId(group, replica), replica).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    public void bringBack(int group, int replica) {
        node.replicaFaults().bringBack(sharding(), entityId(group, replica), replica);
    }

    /**
     * Takes a replica down and deletes everything it kept on this node (its journal events, its
     * snapshots, its block files), then lets it start again, empty.
     */
    public void wipe(int group, int replica) throws Exception {
        takeDown(group, replica);
        String persistenceId = StorageSegment.typeKey(replica).name() + "|" + entityId(group, replica);
        SegmentLogJournal.forget(node.dataDir().resolve("journal/segments"), persistenceId).get(30, TimeUnit.SECONDS);
        String prefix = "snapshot-" + URLEncoder.encode(persistenceId, StandardCharsets.UTF_8) + "-";
        try (Stream<Path> s = Files.list(node.dataDir().resolve("snapshots"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                Files.delete(p);
            }
        }
        Trees.delete(StorageSegment.filesDir(node.dataDir().resolve("segments"), volumeId, group, replica));
        bringBack(group, replica);
    }

    /** How the node encrypts this volume's block files (to open one beside it). */
    public borealis.persistence.crypto.FileKeys fileKeys() {
        return borealis.persistence.crypto.AtRestEncryption.get(node.system()).forVolume(volumeId);
    }

    /** The path of a replica's current block file (the highest generation present). */
    public Path blockFile(int group, int replica) throws IOException {
        Path dir = StorageSegment.filesDir(node.dataDir().resolve("segments"), volumeId, group, replica);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("blocks-\\d+"))
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(7))))
                    .orElseThrow();
        }
    }
}
