package borealis.actors.control;

import borealis.actors.cluster.ClusterSpec;
import borealis.actors.cluster.DbCluster;
import borealis.actors.compute.ComputeInstance;
import borealis.actors.control.Views.ClusterView;
import borealis.actors.storage.StorageSegment;
import borealis.persistence.volume.log.VolumeLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

/**
 * Clones (Neon's branches, Aurora's fast clones): a new cluster whose volume shares the source's
 * blocks copy-on-write. The source's writer holds its writes for a moment at a durable point while
 * each of its replicas freezes its block file as a layer; each replica of the clone hard-links its
 * counterpart's layer and lays an empty file of its own over it. Nothing is copied, so a clone takes
 * the same time whatever the source's size; from then on each side writes only its own blocks.
 * The clone takes the source's configuration and users.
 */
final class ClusterClone {

    /** A paused source resumes for the freeze: as long as a resume may take under load. */
    private static final Duration FREEZE_WAIT = Duration.ofSeconds(60);

    private final ControlPlane control;
    private final ClusterRestore restores;
    private final ClusterSharding sharding;
    private final Duration timeout;

    ClusterClone(ControlPlane control, ClusterRestore restores, ClusterSharding sharding, Duration timeout) {
        this.control = control;
        this.restores = restores;
        this.sharding = sharding;
        this.timeout = timeout;
    }

    CompletionStage<ClusterView> cloneCluster(String tenant, String sourceName, ControlPlane.NewClone c) {
        String problem = Validation.first(Validation.tenantName(tenant), Validation.clusterName(sourceName),
                c == null ? "give the new cluster's name" : Validation.clusterName(c.name()),
                c != null && c.name() != null && c.name().equals(sourceName) ? "a clone needs a name of its own" : null);
        if (problem != null) {
            return ControlPlane.invalid(problem);
        }
        long began = System.nanoTime();
        String sourceId = ClusterSpec.id(tenant, sourceName);
        return control.askCluster(sourceId, DbCluster.Get::new).thenCompose(info -> {
            if (!info.status().equals("available")) {
                throw new CompletionException(ApiException.conflict("cluster " + tenant + "." + sourceName + " is " + info.status()));
            }
            return restores.usersOf(info, null);
        }).thenCompose(src -> {
            ClusterSpec spec = src.spec().copyAs(c.name());
            return control.askTenant(tenant, reply -> new Tenant.AddCluster(c.name(), reply))
                    .thenCompose(t -> freezeAndSeed(sourceId, spec))
                    .thenCompose(point -> control.askCluster(spec.id(), reply -> new DbCluster.CreateRestored(spec, src.users(),
                            new DbCluster.RestoreSource(sourceName, point.volumeId(), DbCluster.RestoreSource.CLONE, point.lsn(),
                                    point.atMillis(), (System.nanoTime() - began) / 1e9, point.heldSeconds()), reply)))
                    .handle((info, error) -> error == null ? CompletableFuture.completedFuture(ClusterView.of(info))
                            : abandon(spec, error))
                    .thenCompose(x -> x);
        });
    }

    private CompletionStage<ComputeInstance.ClonePoint> freezeAndSeed(String sourceId, ClusterSpec clone) {
        String layerId = UUID.randomUUID().toString().replace("-", "");
        return sharding.entityRefFor(ComputeInstance.TYPE_KEY, sourceId)
                .<StatusReply<ComputeInstance.ClonePoint>>ask(r -> new ComputeInstance.FreezeForClone(layerId, r), FREEZE_WAIT)
                .thenApply(reply -> {
                    if (reply.isError()) {
                        throw new CompletionException(new ApiException(503, reply.getError().getMessage()));
                    }
                    return reply.getValue();
                })
                .thenCompose(point -> seed(clone, point).thenApply(x -> point));
    }

    /**
     * Seeds every replica of the clone from its counterpart's layer, or another frozen replica's of
     * the group where that one could not freeze or be linked (another node's disk); a group needs
     * a write quorum seeded, and the rest fill from their seeded peers as any lagging replica does.
     */
    private CompletableFuture<Void> seed(ClusterSpec clone, ComputeInstance.ClonePoint point) {
        VolumeLayout layout = new VolumeLayout(clone.groupSize());
        List<CompletableFuture<Boolean>> groups = new ArrayList<>();
        for (int g = 0; g <= point.highestGroup(); g++) {
            int group = g;
            List<StorageSegment.FrozenLayer> frozen = point.layers().stream().filter(l -> l.group() == group && l.error() == null).toList();
            List<CompletableFuture<Boolean>> replicas = new ArrayList<>();
            for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                int replica = r;
                List<StorageSegment.FrozenLayer> candidates = new ArrayList<>(frozen.stream().filter(l -> l.replica() == replica).toList());
                frozen.stream().filter(l -> l.replica() != replica).forEach(candidates::add);
                replicas.add(seedReplica(clone.volumeId(), layout, group, replica, candidates, 0));
            }
            groups.add(CompletableFuture.allOf(replicas.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                long seeded = replicas.stream().filter(CompletableFuture::join).count();
                if (seeded < VolumeLayout.WRITE_QUORUM) {
                    throw new CompletionException(new ApiException(503, "group " + group + " of the clone has " + seeded
                            + " of 6 replicas seeded, " + VolumeLayout.WRITE_QUORUM + " needed; frozen: " + point.layers().stream()
                            .filter(l -> l.group() == group).map(l -> l.replica() + ": " + (l.error() == null ? "ok" : l.error())).toList()));
                }
                return true;
            }));
        }
        return CompletableFuture.allOf(groups.toArray(new CompletableFuture<?>[0]));
    }

    private CompletableFuture<Boolean> seedReplica(String volumeId, VolumeLayout layout, int group, int replica,
                                                   List<StorageSegment.FrozenLayer> candidates, int next) {
        if (next >= candidates.size()) {
            return CompletableFuture.completedFuture(false);
        }
        return sharding.entityRefFor(StorageSegment.typeKey(replica), StorageSegment.entityId(volumeId, layout, group, replica))
                .<StorageSegment.SeedDone>ask(r -> new StorageSegment.Seed(candidates.get(next), false, 0, r), timeout)
                .toCompletableFuture()
                .handle((done, e) -> e == null && done.error() == null)
                .thenCompose(ok -> ok ? CompletableFuture.completedFuture(true)
                        : seedReplica(volumeId, layout, group, replica, candidates, next + 1));
    }

    /** A clone that failed half-way: its name is released and whatever replicas it seeded are purged. */
    private CompletionStage<ClusterView> abandon(ClusterSpec spec, Throwable error) {
        return VolumePurge.run(sharding, spec.volumeId(), spec.groupSize(), timeout)
                .handle((n, e) -> null)
                .thenCompose(x -> control.<ClusterView>releaseName(spec, error));
    }
}
