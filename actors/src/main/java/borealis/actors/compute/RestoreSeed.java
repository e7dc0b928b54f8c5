package borealis.actors.compute;

import borealis.actors.cluster.DbCluster;
import borealis.actors.storage.StorageSegment;
import borealis.persistence.backup.BackupCatalog;
import borealis.persistence.backup.BackupService;
import borealis.persistence.backup.ImageReplay;
import borealis.persistence.backup.LocalImages;
import borealis.persistence.crypto.AtRestEncryption;
import borealis.persistence.crypto.FileKeys;
import borealis.persistence.files.Trees;
import borealis.persistence.volume.log.ReplicaStatus;
import borealis.persistence.volume.log.VolumeLayout;
import borealis.persistence.volume.segment.LayerFiles;
import borealis.persistence.volume.segment.SegmentFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A restore without the log: the volume rebuilt from the backup is cut into one layer file per
 * protection group (with its checksums) beside the node's replicas, and each replica of the new
 * cluster hard-links its group's layer and starts over it, as a clone's replicas do. Writing the
 * volume once, locally, replaces shipping every byte to six replicas through the quorum log.
 *
 * <p>A backtrack lays out the same way over replicas that hold the volume's later history: in the
 * new writer's epoch (which fences every writer before) they drop it and start over the layer,
 * numbered above every LSN any of them holds, so the log (and its backup) only ever goes forward.
 * Groups the volume used beyond the restored size start over an empty layer. A group with fewer
 * than a write quorum linked (replicas on another node's disk) falls back to {@link RestoreFill},
 * which overwrites whatever a partial seeding left.
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
        if (backups == null) {
            return null;
        }
        Standing now = standing(node.sharding(), volumeId, layout, node);
        if (now == null) {
            return null;
        }
        BackupCatalog.Target target = new BackupCatalog.Target(source.volumeId(), source.imageKey(), source.targetLsn(),
                source.targetMillis());
        LocalImages.Image image = backups.localImages() == null ? null : backups.localImages().find(source.volumeId(), source.imageKey());
        Path staging = Path.of(system.settings().config().getString("borealis.data-dir")).toAbsolutePath()
                .resolve("segments").resolve(".restore-" + UUID.randomUUID());
        String restoreId = UUID.randomUUID().toString().replace("-", "");
        if (image != null && image.groupSize() == layout.groupSize()) {
            long began = System.nanoTime();
            try {
                ImageReplay.LaidOut laid = ImageReplay.layOut(backups, target, image, staging, restoreId,
                        AtRestEncryption.get(system).forVolume(volumeId));
                double seconds = (System.nanoTime() - began) / 1e9;
                LOG.info("compute instance {}: laid out over the local copy of base image {} with {} bytes of archived log in {} s",
                        s.spec().id(), source.imageKey(), laid.logBytes(), String.format("%.2f", seconds));
                return link(system, node, s, now, staging, laid.layerIds()) ? new Seeded(seconds, laid.logBytes()) : null;
            } catch (IOException | RuntimeException e) {
                LOG.warn("compute instance {}: the local copy of base image {} could not be used ({}); restoring from the store",
                        s.spec().id(), source.imageKey(), e.toString());
            } finally {
                Trees.delete(staging);
            }
        }
        BackupService.Materialized m = backups.materialize(target);
        try {
            int restoredGroups = (int) Math.max(1, (m.size() + layout.groupSize() - 1) / layout.groupSize());
            FileKeys keys = AtRestEncryption.get(system).forVolume(volumeId);
            List<String> ids = new ArrayList<>();
            for (int g = 0; g < restoredGroups; g++) {
                long from = layout.groupStart(g);
                ids.add(restoreId + "g" + g);
                LayerFiles.writeLayer(staging.resolve(SegmentFiles.layerFile(restoreId + "g" + g)), m.scratch(), from,
                        Math.max(0, Math.min(layout.groupSize(), m.size() - from)), keys);
            }
            m.close();
            return link(system, node, s, now, staging, ids) ? new Seeded(m.seconds(), m.size()) : null;
        } finally {
            m.close();
            Trees.delete(staging); // the replicas' links keep the layers
        }
    }

    /**
     * Seeds every replica of the volume from the layers {@code layerIds} (one per group, in {@code
     * dir}); groups the volume uses beyond them start over an empty layer. False when some group
     * got fewer than a write quorum linked.
     */
    private static boolean link(ActorSystem<?> system, ComputeInstance.Context node, DbCluster.ComputeSpec s, Standing now, Path dir,
                                List<String> layerIds) throws Exception {
        VolumeLayout layout = new VolumeLayout(s.spec().groupSize());
        String volumeId = s.spec().volumeId();
        int groups = Math.max(layerIds.size(), now.groups());
        Path staging = Path.of(system.settings().config().getString("borealis.data-dir")).toAbsolutePath()
                .resolve("segments").resolve(".restore-" + UUID.randomUUID());
        try {
            String emptyId = UUID.randomUUID().toString().replace("-", "") + "e";
            for (int g = layerIds.size(); g < groups; g++) {
                try (LayerFiles.Writer w = new LayerFiles.Writer(staging.resolve(SegmentFiles.layerFile(emptyId + g)),
                        AtRestEncryption.get(system).forVolume(volumeId))) {
                    w.finish();
                }
            }
            // Each group's replicas stand where a volume that wrote one record per group would: group
            // g's last LSN is base + g + 1, so the new writer recovers VCL = base + groups and goes on.
            List<CompletableFuture<Boolean>> all = new ArrayList<>();
            int[] seeded = new int[groups];
            for (int g = 0; g < groups; g++) {
                boolean ofImage = g < layerIds.size();
                for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                    StorageSegment.FrozenLayer layer = new StorageSegment.FrozenLayer(g, r, (ofImage ? dir : staging).toString(),
                            ofImage ? layerIds.get(g) : emptyId + g, now.highestLsn() + g + 1, now.highestLsn() + g + 1, groups - 1, null);
                    int group = g;
                    all.add(node.sharding().entityRefFor(StorageSegment.typeKey(r), StorageSegment.entityId(volumeId, layout, g, r))
                            .<StorageSegment.SeedDone>ask(ref -> new StorageSegment.Seed(layer, true, s.epoch(), ref), node.requestTimeout())
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
                    return false;
                }
            }
            return true;
        } finally {
            Trees.delete(staging); // the replicas' links keep the layers
        }
    }

    /** How many groups the volume uses now, and the highest LSN any replica holds (0 and 0 for a new volume). */
    private record Standing(int groups, long highestLsn) {}

    /** Where the volume's replicas stand, or null if some group has fewer than a write quorum answering. */
    private static Standing standing(ClusterSharding sharding, String volumeId, VolumeLayout layout, ComputeInstance.Context node) {
        List<ReplicaStatus> group0 = inspect(sharding, volumeId, layout, 0, node);
        if (group0.size() < VolumeLayout.WRITE_QUORUM) {
            return null;
        }
        int groups = group0.stream().mapToInt(ReplicaStatus::highestGroup).max().orElse(0) + 1;
        long highest = highestOf(group0);
        for (int g = 1; g < groups; g++) {
            List<ReplicaStatus> statuses = inspect(sharding, volumeId, layout, g, node);
            if (statuses.size() < VolumeLayout.WRITE_QUORUM) {
                return null;
            }
            highest = Math.max(highest, highestOf(statuses));
        }
        return highest == 0 ? new Standing(0, 0) : new Standing(groups, highest);
    }

    private static long highestOf(List<ReplicaStatus> statuses) {
        long highest = 0;
        for (ReplicaStatus st : statuses) {
            highest = Math.max(highest, Math.max(Math.max(st.appliedLsn(), st.scl()), st.durableHint()));
            for (var r : st.pending()) {
                highest = Math.max(highest, r.lsn());
            }
        }
        return highest;
    }

    private static List<ReplicaStatus> inspect(ClusterSharding sharding, String volumeId, VolumeLayout layout, int group,
                                               ComputeInstance.Context node) {
        return borealis.actors.storage.GroupStatus.of(sharding, volumeId, layout, group, node.requestTimeout()).join();
    }
}
