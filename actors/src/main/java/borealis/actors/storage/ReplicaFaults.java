package borealis.actors.storage;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Fault injection for the replicas hosted on one node: a replica marked down is stopped, and
 * while it stays down every message to it is swallowed unanswered, as if its process had died.
 * Nothing else changes: the writer, sharding and the replica's peers see exactly what they would
 * see of a crashed replica, and when it is brought back it recovers from its journal like after a
 * restart. Used by tests and by operators rehearsing failures; empty in normal operation.
 */
public final class ReplicaFaults {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Set<String> down = ConcurrentHashMap.newKeySet();

    public boolean isDown(String entityId) {
        return down.contains(entityId);
    }

    /**
     * Stops the replica and keeps it down until {@link #bringBack}; completes once it has stopped
     * (at once if it was down already).
     */
    public CompletionStage<Done> takeDown(ClusterSharding sharding, String entityId, int replica) {
        if (!down.add(entityId)) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        return sharding.entityRefFor(StorageSegment.typeKey(replica), entityId)
                .ask(StorageSegment.Stop::new, STOP_TIMEOUT);
    }

    /**
     * Lets the replica run again, and pokes it so that it starts at once: it recovers from its
     * journal and catches up with its peers.
     */
    public void bringBack(ClusterSharding sharding, String entityId, int replica) {
        down.remove(entityId);
        sharding.entityRefFor(StorageSegment.typeKey(replica), entityId).tell(new StorageSegment.SyncIdle());
    }

    /**
     * The behaviour of a replica entity: the real one, or while marked down a dead stand-in that
     * swallows everything (answering only {@link StorageSegment.Stop}: it is stopped). Once the
     * replica is brought back, the stand-in's next message turns it into the real replica, which
     * recovers from its journal and then handles that message.
     */
    public Behavior<StorageSegment.Command> guard(String entityId, Supplier<Behavior<StorageSegment.Command>> replica) {
        if (!isDown(entityId)) {
            return replica.get();
        }
        return Behaviors.setup(ctx -> Behaviors.receive(StorageSegment.Command.class)
                .onAnyMessage(m -> {
                    if (isDown(entityId)) {
                        if (m instanceof StorageSegment.Stop stop) {
                            stop.replyTo().tell(Done.getInstance());
                        }
                        return Behaviors.same();
                    }
                    ctx.getSelf().tell(m);
                    return replica.get();
                })
                .build());
    }
}
