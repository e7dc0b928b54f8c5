package borealis.actors.control;

import borealis.actors.cluster.ReaderInstances;
import borealis.actors.compute.ComputeInstance;
import borealis.actors.compute.ReaderInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;

/**
 * Looks at a cluster's compute without waking it: which compute entities are running (asked of
 * the shard region of every compute node), and how many sessions the running ones hold. Sending a
 * sharded entity any message starts it, and starting a writer opens its database; so an entity is
 * asked only once a shard region reports it alive.
 */
public final class ComputeProbe {

    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final Duration timeout;

    public ComputeProbe(ActorSystem<?> system, ClusterSharding sharding, Duration timeout) {
        this.system = system;
        this.sharding = sharding;
        this.timeout = timeout;
    }

    /** The compute entities of a cluster that are alive (running, or paused but not passivated): writer and reader entity ids. */
    public CompletionStage<List<String>> runningInstances(String clusterId) {
        CompletableFuture<Set<String>> writers = running(ComputeInstance.TYPE_KEY);
        CompletableFuture<Set<String>> readers = readersServed() ? running(ReaderInstance.TYPE_KEY) : CompletableFuture.completedFuture(Set.of());
        return writers.thenCombine(readers, (w, r) -> {
            List<String> out = new ArrayList<>();
            if (w.contains(clusterId)) {
                out.add(clusterId);
            }
            r.stream().filter(id -> id.startsWith(clusterId + "/reader-")).sorted().forEach(out::add);
            return out;
        });
    }

    /** Open client sessions on the cluster's running compute (0 when none runs). */
    public CompletionStage<Integer> openSessions(String clusterId) {
        return runningInstances(clusterId).thenCompose(ids -> {
            List<CompletableFuture<Integer>> counts = new ArrayList<>();
            for (String id : ids) {
                EntityTypeKey<ComputeInstance.Command> key = id.equals(clusterId) ? ComputeInstance.TYPE_KEY : ReaderInstance.TYPE_KEY;
                counts.add(sharding.entityRefFor(key, id)
                        .<ComputeInstance.SessionCount>ask(ComputeInstance.CountSessions::new, timeout)
                        .thenApply(ComputeInstance.SessionCount::sessions)
                        .toCompletableFuture());
            }
            return CompletableFuture.allOf(counts.toArray(new CompletableFuture<?>[0]))
                    .thenApply(v -> counts.stream().mapToInt(CompletableFuture::join).sum());
        });
    }

    /** Stops the cluster's live compute: its sessions end, nothing is handed over; returns the instances told. */
    public CompletionStage<List<String>> stop(String clusterId) {
        return stop(clusterId, "cluster " + clusterId.replace('/', '.') + " is deleted");
    }

    /** As {@link #stop(String)}; sessions end with 57P01 and {@code why}. */
    public CompletionStage<List<String>> stop(String clusterId, String why) {
        return runningInstances(clusterId).thenApply(ids -> {
            for (String id : ids) {
                EntityTypeKey<ComputeInstance.Command> key = id.equals(clusterId) ? ComputeInstance.TYPE_KEY : ReaderInstance.TYPE_KEY;
                sharding.entityRefFor(key, id).tell(new ComputeInstance.Terminate(why));
            }
            return ids;
        });
    }

    /** Whether this deployment runs reader compute entities at all. */
    public boolean readersServed() {
        try {
            sharding.entityRefFor(ReaderInstance.TYPE_KEY, "probe");
            return true;
        } catch (IllegalStateException | IllegalArgumentException e) {
            return false;
        }
    }

    private CompletableFuture<Set<String>> running(EntityTypeKey<?> key) {
        List<CompletableFuture<Set<String>>> perNode = new ArrayList<>();
        for (Member m : Cluster.get(system).state().getMembers()) {
            if (m.status() != MemberStatus.up() || !m.hasRole("compute")) {
                continue;
            }
            ActorSelection region = system.classicSystem().actorSelection(m.address() + "/system/sharding/" + key.name());
            perNode.add(Patterns.ask(region, ShardRegion.getShardRegionStateInstance(), timeout)
                    .thenApply(reply -> {
                        Set<String> ids = new HashSet<>();
                        for (ShardRegion.ShardState shard : ((ShardRegion.CurrentShardRegionState) reply).getShards()) {
                            ids.addAll(shard.getEntityIds());
                        }
                        return ids;
                    })
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(perNode.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            Set<String> all = new HashSet<>();
            perNode.forEach(f -> all.addAll(f.join()));
            return all;
        });
    }
}
