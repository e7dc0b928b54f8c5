package borealis.actors.control;

import borealis.actors.storage.StorageSegment;
import borealis.persistence.volume.log.ReplicaStatus;
import borealis.persistence.volume.log.VolumeLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Removes every replica of every protection group of a deleted cluster's volume.
 *
 * <p>Group 0's replicas know the highest group the volume ever grew to, so they are asked first
 * and purged last: a purge that fails half-way can simply run again and still find every group.
 * Every one of the six replicas of a group must confirm; a replica that is down fails the run,
 * which the {@link ClusterPurger} retries later.
 */
final class VolumePurge {

    private VolumePurge() {}

    /** Completes with the number of groups purged. */
    static CompletableFuture<Integer> run(ClusterSharding sharding, String volumeId, long groupSize, Duration timeout) {
        VolumeLayout layout = new VolumeLayout(groupSize);
        List<CompletableFuture<ReplicaStatus>> group0 = new ArrayList<>();
        for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
            group0.add(sharding.entityRefFor(StorageSegment.typeKey(r), StorageSegment.entityId(volumeId, layout, 0, r))
                    .<ReplicaStatus>ask(StorageSegment.Inspect::new, timeout).toCompletableFuture());
        }
        return CompletableFuture.allOf(group0.toArray(new CompletableFuture<?>[0])).thenCompose(v -> {
            int highest = group0.stream().mapToInt(f -> f.join().highestGroup()).max().orElse(0);
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (int g = highest; g >= 0; g--) {
                int group = g;
                chain = chain.thenCompose(x -> purgeGroup(sharding, volumeId, layout, group, timeout));
            }
            return chain.thenApply(x -> highest + 1);
        });
    }

    private static CompletableFuture<Void> purgeGroup(ClusterSharding sharding, String volumeId, VolumeLayout layout, int group,
                                                      Duration timeout) {
        List<CompletableFuture<StorageSegment.Purged>> replies = new ArrayList<>();
        for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
            replies.add(sharding.entityRefFor(StorageSegment.typeKey(r), StorageSegment.entityId(volumeId, layout, group, r))
                    .<StorageSegment.Purged>ask(StorageSegment.Purge::new, timeout).toCompletableFuture());
        }
        return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            for (CompletableFuture<StorageSegment.Purged> f : replies) {
                StorageSegment.Purged p = f.join();
                if (p.error() != null) {
                    throw new IllegalStateException("replica " + p.replica() + " of group " + p.group() + " of volume " + volumeId
                            + " was not purged: " + p.error());
                }
            }
            return null;
        });
    }
}
