package borealis.actors.compute;

import borealis.actors.storage.StorageSegment;
import borealis.persistence.volume.client.ReplicatedVolume;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A clone's starting point, taken by the source's writer: it holds the volume's writes at a
 * durable point between two writes (where H2 finds a consistent database) while every replica of
 * every group freezes its block file there as a layer the clone shares. The hold lasts one round
 * trip to the replicas plus one forced rename each, whatever the volume's size.
 */
final class VolumeFreeze {

    private VolumeFreeze() {}

    /** Freezes {@code v} off the actor's thread (the hold waits for durability) and answers {@code f}. */
    static void answer(org.apache.pekko.actor.typed.ActorSystem<?> system, ComputeInstance.Context node, String clusterId, ReplicatedVolume v,
                       ComputeInstance.FreezeForClone f) {
        CompletableFuture.supplyAsync(() -> {
            try {
                return freeze(node.sharding(), v, f.layerId(), node.requestTimeout());
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()))
                .whenComplete((p, e) -> f.replyTo().tell(e == null ? org.apache.pekko.pattern.StatusReply.success(p)
                        : org.apache.pekko.pattern.StatusReply.error("the volume of " + clusterId + " could not be frozen: "
                                + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()))));
    }

    static ComputeInstance.ClonePoint freeze(ClusterSharding sharding, ReplicatedVolume v, String layerId, Duration timeout)
            throws IOException {
        long began = System.nanoTime();
        ReplicatedVolume.HeldPoint p = v.holdWrites(timeout);
        try {
            List<CompletableFuture<StorageSegment.FrozenLayer>> asks = new ArrayList<>();
            for (int g = 0; g <= p.highestGroup(); g++) {
                for (int r = 0; r < borealis.persistence.volume.log.VolumeLayout.REPLICAS; r++) {
                    int group = g;
                    int replica = r;
                    long groupLast = p.lastLsnInGroup()[g];
                    asks.add(sharding.entityRefFor(StorageSegment.typeKey(r), StorageSegment.entityId(v.id(), v.layout(), g, r))
                            .<StorageSegment.FrozenLayer>ask(ref -> new StorageSegment.Freeze(p.epoch(), groupLast, layerId, ref), timeout)
                            .toCompletableFuture()
                            .exceptionally(e -> new StorageSegment.FrozenLayer(group, replica, null, layerId, 0, 0, 0, "no answer: " + e)));
                }
            }
            CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0])).join();
            List<StorageSegment.FrozenLayer> layers = asks.stream().map(CompletableFuture::join).toList();
            return new ComputeInstance.ClonePoint(v.id(), p.lsn(), System.currentTimeMillis(), p.highestGroup(), layers,
                    (System.nanoTime() - began) / 1e9);
        } finally {
            v.releaseWrites();
        }
    }
}
