package borealis.actors.compute;

import borealis.actors.cluster.DbCluster;
import borealis.actors.storage.StorageSegment;
import borealis.persistence.backup.BackupCatalog;
import borealis.persistence.backup.BackupService;
import borealis.persistence.volume.log.VolumeLayout;
import borealis.persistence.volume.segment.BlockFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A restore without the log: the volume rebuilt from the backup is cut into one layer file per
 * protection group (with its checksums) beside the node's replicas, and each replica of the new
 * cluster hard-links its group's layer and starts over it, as a clone's replicas do. Writing the
 * volume once, locally, replaces shipping every byte to six replicas through the quorum log.
 *
 * <p>Only for a new cluster's empty replicas on this node's disk: a backtrack (replicas that hold
 * data), or a group with fewer than a write quorum linked (replicas on other nodes), falls back to
 * {@link RestoreFill}, which also overwrites whatever a partial seeding left.
 */
final class RestoreSeed {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ComputeInstance.class);

    private RestoreSeed() {}

    /** What seeding did: the rebuild's seconds and the bytes laid out; null when it did not seed. */
    record Seeded(double rebuildSeconds, long bytes) {}

    static Seeded seed(ActorSystem<?> system, ComputeInstance.Context node, DbCluster.ComputeSpec s) throws Exception {
        BackupService backups = node.backups();
        DbCluster.RestoreSource source = s.restore();
        VolumeLayout layout = new VolumeLayout(s.spec().groupSize());
        String volumeId = s.spec().volumeId();
        if (backups == null || !allEmpty(node.sharding(), volumeId, layout, node)) {
            return null;
        }
        BackupService.Materialized m = backups.materialize(new BackupCatalog.Target(source.volumeId(), source.imageKey(),
                source.targetLsn(), source.targetMillis()));
        Path staging = Path.of(system.settings().config().getString("borealis.data-dir")).toAbsolutePath()
                .resolve("segments").resolve(".restore-" + UUID.randomUUID());
        try {
            int groups = (int) Math.max(1, (m.size() + layout.groupSize() - 1) / layout.groupSize());
            String restoreId = UUID.randomUUID().toString().replace("-", "");
            try (FileChannel image = FileChannel.open(m.file(), StandardOpenOption.READ)) {
                for (int g = 0; g < groups; g++) {
                    long from = layout.groupStart(g);
                    BlockFile.writeLayer(staging.resolve(borealis.persistence.volume.segment.SegmentFiles.layerFile(restoreId + "g" + g)),
                            image, from, Math.min(layout.groupSize(), m.size() - from));
                }
            }
            Files.deleteIfExists(m.file());
            // Each group's replicas stand where a volume that wrote one record per group would:
            // group g's last LSN is g + 1, so the new writer recovers VCL = groups and goes on from there.
            List<CompletableFuture<Boolean>> all = new ArrayList<>();
            int[] seeded = new int[groups];
            for (int g = 0; g < groups; g++) {
                for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                    StorageSegment.FrozenLayer layer = new StorageSegment.FrozenLayer(g, r, staging.toString(), restoreId + "g" + g,
                            g + 1, g + 1, groups - 1, null);
                    int group = g;
                    all.add(node.sharding().entityRefFor(StorageSegment.typeKey(r), StorageSegment.entityId(volumeId, layout, g, r))
                            .<StorageSegment.SeedDone>ask(ref -> new StorageSegment.Seed(layer, true, ref), node.requestTimeout())
                            .toCompletableFuture()
                            .handle((done, e) -> {
                                boolean ok = e == null && done.error() == null;
                                if (ok) {
                                    synchronized (seeded) {
                                        seeded[group]++;
                                    }
                                }
                                return ok;
                            }));
                }
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
            for (int g = 0; g < groups; g++) {
                if (seeded[g] < VolumeLayout.WRITE_QUORUM) {
                    LOG.warn("compute instance {}: restore seeding linked {} of 6 replicas of group {}; filling through the log instead",
                            s.spec().id(), seeded[g], g);
                    return null;
                }
            }
            return new Seeded(m.seconds(), m.size());
        } finally {
            Files.deleteIfExists(m.file());
            deleteTree(staging); // the replicas' links keep the layers
        }
    }

    /** Whether every replica of group 0 holds nothing yet (a new cluster, not a backtrack or a retry). */
    private static boolean allEmpty(ClusterSharding sharding, String volumeId, VolumeLayout layout, ComputeInstance.Context node) {
        List<CompletableFuture<borealis.persistence.volume.log.ReplicaStatus>> asks = new ArrayList<>();
        for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
            asks.add(sharding.entityRefFor(StorageSegment.typeKey(r), StorageSegment.entityId(volumeId, layout, 0, r))
                    .<borealis.persistence.volume.log.ReplicaStatus>ask(StorageSegment.Inspect::new, node.requestTimeout())
                    .toCompletableFuture().exceptionally(e -> null));
        }
        return asks.stream().map(CompletableFuture::join).allMatch(p -> p != null && p.scl() == 0 && p.appliedLsn() == 0);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
