package borealis.actors.storage;

import borealis.persistence.volume.log.ReplicaStatus;
import borealis.persistence.volume.log.VolumeLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Where the six replicas of a protection group stand, asked of each ({@link StorageSegment.Inspect}). */
public final class GroupStatus {

    private GroupStatus() {}

    /** The statuses of those replicas that answer within {@code timeout}. */
    public static CompletableFuture<List<ReplicaStatus>> of(ClusterSharding sharding, String volumeId, VolumeLayout layout, int group,
                                                            Duration timeout) {
        List<CompletableFuture<ReplicaStatus>> asks = new ArrayList<>();
        for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
            asks.add(sharding.entityRefFor(StorageSegment.typeKey(r), StorageSegment.entityId(volumeId, layout, group, r))
                    .<ReplicaStatus>ask(StorageSegment.Inspect::new, timeout).toCompletableFuture()
                    .exceptionally(e -> null));
        }
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> asks.stream().map(CompletableFuture::join).filter(s -> s != null).toList());
    }
}
