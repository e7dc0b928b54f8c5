package borealis.actors.storage;

import borealis.engine.volume.SegmentTransport;
import borealis.engine.volume.VolumeFencedException;
import borealis.persistence.volume.LogRecord;
import borealis.persistence.volume.ReplicaStatus;
import borealis.persistence.volume.VolumeLayout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** The volume client's link to the segment replicas: one sharded entity per (group, replica). */
public final class ShardedSegmentTransport implements SegmentTransport {

    private final ClusterSharding sharding;
    private final String volumeId;
    private final VolumeLayout layout;
    private final Duration timeout;

    public ShardedSegmentTransport(ClusterSharding sharding, String volumeId, VolumeLayout layout, Duration timeout) {
        this.sharding = sharding;
        this.volumeId = volumeId;
        this.layout = layout;
        this.timeout = timeout;
    }

    private EntityRef<StorageSegment.Command> ref(int group, int replica) {
        return sharding.entityRefFor(StorageSegment.typeKey(replica), StorageSegment.entityId(volumeId, layout, group, replica));
    }

    @Override
    public CompletableFuture<AppendResult> append(int group, int replica, long epoch, long epochStart, List<LogRecord> records,
                                                  long durableHint) {
        return ref(group, replica)
                .<StorageSegment.AppendReply>ask(replyTo -> new StorageSegment.Append(epoch, epochStart, records, durableHint, replyTo), timeout)
                .thenApply(r -> new AppendResult(r.accepted(), r.epoch(), r.scl(), r.error()))
                .toCompletableFuture();
    }

    @Override
    public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long readPoint) {
        return ref(group, replica)
                .<StorageSegment.ReadReply>ask(replyTo -> new StorageSegment.Read(offset, length, readPoint, replyTo), timeout)
                .thenApply(r -> new ReadResult(r.data(), r.error()))
                .toCompletableFuture();
    }

    @Override
    public CompletableFuture<ReplicaStatus> beginEpoch(int group, int replica, long epoch) {
        return ref(group, replica)
                .<StorageSegment.BeginEpochReply>ask(replyTo -> new StorageSegment.BeginEpoch(epoch, replyTo), timeout)
                .toCompletableFuture()
                .thenCompose(r -> r.status() != null ? CompletableFuture.completedFuture(r.status())
                        : CompletableFuture.failedFuture(new VolumeFencedException("replica " + group + "/" + replica + " of volume "
                                + volumeId + " already serves epoch " + r.epoch() + " (asked to begin " + epoch + ")")));
    }

    @Override
    public void durableNotice(int group, int replica, long epoch, long durableHint) {
        ref(group, replica).tell(new StorageSegment.DurableNotice(epoch, durableHint));
    }
}
