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
 * The bytes a cluster's volume holds now: for each protection group, the longest materialized
 * file among its replicas (one logical copy; the six replicas are the platform's cost, not the
 * tenant's), counting for a clone only the blocks it changed. Replicas that do not answer in time
 * are left out.
 */
final class StorageUsage {

    private StorageUsage() {}

    static CompletableFuture<Long> bytes(ClusterSharding sharding, String volumeId, long groupSize, Duration timeout) {
        VolumeLayout layout = new VolumeLayout(groupSize);
        return inspect(sharding, volumeId, layout, 0, timeout).thenCompose(group0 -> {
            int highest = group0.stream().mapToInt(ReplicaStatus::highestGroup).max().orElse(0);
            List<CompletableFuture<Long>> groups = new ArrayList<>();
            for (int g = 0; g <= highest; g++) {
                groups.add(charged(sharding, volumeId, layout, g, timeout));
            }
            return CompletableFuture.allOf(groups.toArray(new CompletableFuture<?>[0]))
                    .thenApply(v -> groups.stream().mapToLong(CompletableFuture::join).sum());
        });
    }

    /** The most any answering replica of a group is charged for. */
    private static CompletableFuture<Long> charged(ClusterSharding sharding, String volumeId, VolumeLayout layout, int group, Duration timeout) {
        List<CompletableFuture<Long>> asks = new ArrayList<>();
        for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
            asks.add(sharding.entityRefFor(StorageSegment.typeKey(r), StorageSegment.entityId(volumeId, layout, group, r))
                    .<StorageSegment.UsageMeasured>ask(StorageSegment.MeasureUsage::new, timeout).toCompletableFuture()
                    .thenApply(StorageSegment.UsageMeasured::chargedBytes)
                    .exceptionally(e -> 0L));
        }
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> asks.stream().mapToLong(CompletableFuture::join).max().orElse(0));
    }

    /** Where each replica of a group stands; those that do not answer in time are left out. */
    static CompletableFuture<List<ReplicaStatus>> inspect(ClusterSharding sharding, String volumeId, VolumeLayout layout, int group,
                                                          Duration timeout) {
        return borealis.actors.storage.GroupStatus.of(sharding, volumeId, layout, group, timeout);
    }
}
