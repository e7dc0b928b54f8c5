package borealis.actors.storage;

import borealis.persistence.volume.client.SegmentTransport;
import borealis.persistence.volume.client.VolumeFencedException;
import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.ReplicaStatus;
import borealis.persistence.volume.log.VolumeLayout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The volume client's link to the segment replicas: one sharded entity per (group, replica).
 *
 * <p>Requests are plain tells carrying a request id, and every reply comes back to one collector
 * actor per volume, which completes the matching future: no temporary actor per request. Each reply
 * also carries the replica's own ref, which is kept and used for the next requests, skipping the
 * shard region and shard hops; the ref is dropped when the replica stops (watched) or a request
 * through it times out, and requests go through sharding again, which finds or restarts it.
 */
public final class ShardedSegmentTransport implements SegmentTransport {

    private static final AtomicLong COLLECTORS = new AtomicLong();

    private final ClusterSharding sharding;
    private final String volumeId;
    private final VolumeLayout layout;
    private final Duration timeout;
    private final ActorSystem<?> system;
    private final ActorRef<StorageSegment.Reply> collector;
    private final AtomicLong nextRequest = new AtomicLong(1);
    private final Map<Long, CompletableFuture<StorageSegment.Reply>> waiting = new ConcurrentHashMap<>();
    /** Direct refs of replicas, by {@code group * REPLICAS + replica}. */
    private final Map<Long, ActorRef<StorageSegment.Command>> direct = new ConcurrentHashMap<>();
    private volatile ProgressListener progress;

    public ShardedSegmentTransport(ActorSystem<?> system, ClusterSharding sharding, String volumeId, VolumeLayout layout,
                                   Duration timeout) {
        this.system = system;
        this.sharding = sharding;
        this.volumeId = volumeId;
        this.layout = layout;
        this.timeout = timeout;
        this.collector = system.systemActorOf(collector(), "segment-replies-" + COLLECTORS.incrementAndGet(), Props.empty());
    }

    private Behavior<StorageSegment.Reply> collector() {
        return Behaviors.setup(ctx -> Behaviors.receive(StorageSegment.Reply.class)
                .onMessage(StorageSegment.Reply.class, reply -> {
                    if (reply instanceof StorageSegment.AppendReply a) {
                        long key = key(a.group(), a.replica());
                        if (direct.put(key, a.from()) == null) {
                            ctx.watch(a.from());
                        }
                        if (a.requestId() == StorageSegment.UNASKED) {
                            ProgressListener l = progress;
                            if (l != null) {
                                l.sclAdvanced(a.group(), a.replica(), a.epoch(), a.scl());
                            }
                            return Behaviors.same();
                        }
                    }
                    CompletableFuture<StorageSegment.Reply> f = waiting.remove(reply.requestId());
                    if (f != null) {
                        f.complete(reply);
                    }
                    return Behaviors.same();
                })
                .onSignal(Terminated.class, t -> {
                    direct.values().removeIf(ref -> ref.equals(t.getRef()));
                    return Behaviors.same();
                })
                .build());
    }

    private static long key(int group, int replica) {
        return (long) group * VolumeLayout.REPLICAS + replica;
    }

    /** Sends a request to a replica (directly if its ref is known) and returns its reply. */
    @SuppressWarnings("unchecked")
    private <R extends StorageSegment.Reply> CompletableFuture<R> request(int group, int replica,
                                                                          Function<Long, StorageSegment.Command> message) {
        long id = nextRequest.getAndIncrement();
        CompletableFuture<StorageSegment.Reply> f = new CompletableFuture<>();
        waiting.put(id, f);
        ActorRef<StorageSegment.Command> ref = direct.get(key(group, replica));
        StorageSegment.Command cmd = message.apply(id);
        if (ref != null) {
            ref.tell(cmd);
        } else {
            sharding.entityRefFor(StorageSegment.typeKey(replica), StorageSegment.entityId(volumeId, layout, group, replica)).tell(cmd);
        }
        return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
            if (e != null) {
                waiting.remove(id);
                if (ref != null) {
                    direct.remove(key(group, replica), ref);
                }
            }
        }).thenApply(r -> (R) r);
    }

    @Override
    public CompletableFuture<AppendResult> append(int group, int replica, long epoch, long epochStart, List<LogRecord> records,
                                                  long durableHint) {
        return this.<StorageSegment.AppendReply>request(group, replica,
                        id -> new StorageSegment.Append(id, epoch, epochStart, records, durableHint, collector))
                .thenApply(r -> new AppendResult(r.accepted(), r.epoch(), r.scl(), r.error()));
    }

    @Override
    public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long readPoint) {
        return this.<StorageSegment.ReadReply>request(group, replica,
                        id -> new StorageSegment.Read(id, offset, length, readPoint, collector))
                .thenApply(r -> new ReadResult(r.data(), r.error(), r.servedLsn(), r.epoch()));
    }

    @Override
    public CompletableFuture<Position> position(int group, int replica) {
        return this.<StorageSegment.PositionReply>request(group, replica, id -> new StorageSegment.Position(id, collector))
                .thenApply(r -> new Position(r.group(), r.replica(), r.epoch(), r.appliedLsn(), r.durableHint(), r.scl(), r.highestGroup(),
                        r.durableLength()));
    }

    @Override
    public CompletableFuture<HeldRecords> recordsAfter(int group, int replica, long afterLsn, int maxBytes) {
        return sharding.entityRefFor(StorageSegment.typeKey(replica), StorageSegment.entityId(volumeId, layout, group, replica))
                .<StorageSegment.PeerRecords>ask(r -> new StorageSegment.FetchRecords(afterLsn, maxBytes, r), timeout)
                .toCompletableFuture()
                .thenApply(p -> new HeldRecords(p.records(), p.more()));
    }

    @Override
    public CompletableFuture<ReplicaStatus> beginEpoch(int group, int replica, long epoch) {
        return this.<StorageSegment.BeginEpochReply>request(group, replica, id -> new StorageSegment.BeginEpoch(id, epoch, collector))
                .thenCompose(r -> r.status() != null ? CompletableFuture.completedFuture(r.status())
                        : CompletableFuture.failedFuture(new VolumeFencedException("replica " + group + "/" + replica + " of volume "
                                + volumeId + " already serves epoch " + r.epoch() + " (asked to begin " + epoch + ")")));
    }

    @Override
    public void durableNotice(int group, int replica, long epoch, long durableHint) {
        ActorRef<StorageSegment.Command> ref = direct.get(key(group, replica));
        StorageSegment.DurableNotice notice = new StorageSegment.DurableNotice(epoch, durableHint);
        if (ref != null) {
            ref.tell(notice);
        } else {
            sharding.entityRefFor(StorageSegment.typeKey(replica), StorageSegment.entityId(volumeId, layout, group, replica)).tell(notice);
        }
    }

    @Override
    public void onProgress(ProgressListener listener) {
        this.progress = listener;
    }

    @Override
    public void volumeClosed() {
        // Replicas keep the collector's ref (as their writer) until they passivate, and a stopped
        // actor's ref still holds this transport: without the volume, it holds little (it held the
        // closed volume with its block cache, 93 of 100 paused clusters' on a node, 2 minutes on).
        progress = null;
        direct.clear();
        system.classicSystem().stop(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(collector));
    }
}
