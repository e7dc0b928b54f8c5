package borealis.actors.capacity;

import borealis.scaling.Placement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.dispatch.Futures;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;

/**
 * Where compute instances run. Each instance is its own shard (shard id = cluster id), placed by
 * {@link #allocationStrategy}: on the node chosen for it when there is one (a move or a resume
 * elsewhere), else on the node with the most free ACUs. A move is a change of the chosen node:
 * the shard coordinator's next rebalance hands the shard off (the instance drains its sessions at
 * transaction boundaries and closes) and starts it on the new node.
 *
 * <p>Two replicated maps (Pekko Distributed Data) carry what every node needs to know: the chosen
 * node per instance (written to all nodes at once, so the coordinator sees it on its next
 * rebalance) and each node's capacity and allocation (gossiped every second).
 */
public final class ComputePlacement {

    static final Key<LWWMap<String, String>> PLACEMENT_KEY = LWWMapKey.create("borealis-compute-placement");
    static final Key<LWWMap<String, String>> CAPACITY_KEY = LWWMapKey.create("borealis-node-capacity");
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

    private final String selfAddress;
    private volatile Map<String, String> placements = Map.of();
    private volatile Map<String, Placement.NodeView> nodes = Map.of();
    private volatile Map<String, ActorRef<ScalingSupervisor.Command>> supervisors = Map.of();
    private ActorRef<DirectoryCommand> directory;
    private Placement.NodeView lastPublished;

    public ComputePlacement(ActorSystem<?> system) {
        this.selfAddress = Cluster.get(system).selfMember().address().toString();
    }

    public String selfAddress() {
        return selfAddress;
    }

    /** Starts the node's directory (replicated maps and the supervisors' listing). */
    public void start(ActorSystem<?> system) {
        directory = system.systemActorOf(directory(), "compute-placement", Props.empty());
    }

    // ---- what the supervisor uses ----

    /** The best other node for {@code acu}, from the latest capacity reports. */
    Optional<String> candidate(double acu, String exclude) {
        List<Placement.NodeView> views = new ArrayList<>();
        for (Placement.NodeView v : nodes.values()) {
            if (supervisors.containsKey(v.node())) {
                views.add(v);
            }
        }
        return Placement.choose(views, acu, exclude).map(Placement.NodeView::node);
    }

    ActorRef<ScalingSupervisor.Command> supervisorAt(String node) {
        return supervisors.get(node);
    }

    /** Chooses {@code node} for an instance; every node (and so the shard coordinator) learns it at once. */
    void choose(String clusterId, String node) {
        directory.tell(new SetPlacement(clusterId, node));
    }

    /** Publishes this node's capacity when it changed. */
    void publish(Placement.NodeView view) {
        if (!view.equals(lastPublished) && directory != null) {
            lastPublished = view;
            directory.tell(new PublishCapacity(view));
        }
    }

    // ---- sharding ----

    /** One shard per instance, so that each can be placed (and moved) on its own. */
    public static <M> ShardingMessageExtractor<ShardingEnvelope<M>, M> shardPerEntity() {
        return new ShardingMessageExtractor<>() {
            @Override
            public String entityId(ShardingEnvelope<M> envelope) {
                return envelope.entityId();
            }

            @Override
            public String shardId(String entityId) {
                return entityId;
            }

            @Override
            public M unwrapMessage(ShardingEnvelope<M> envelope) {
                return envelope.message();
            }
        };
    }

    public ShardCoordinator.ShardAllocationStrategy allocationStrategy() {
        return new ShardCoordinator.AbstractShardAllocationStrategy() {
            @Override
            public Future<org.apache.pekko.actor.ActorRef> allocateShard(org.apache.pekko.actor.ActorRef requester, String shardId,
                                                                         Map<org.apache.pekko.actor.ActorRef, IndexedSeq<String>> current) {
                Map<String, org.apache.pekko.actor.ActorRef> regions = regionsByAddress(current);
                String chosen = placements.get(shardId);
                if (chosen != null && regions.containsKey(chosen)) {
                    return Futures.successful(regions.get(chosen));
                }
                // The placement rule (the node with the most headroom), over the nodes with a region;
                // a node that has not reported yet counts as empty-handed.
                List<Placement.NodeView> views = new ArrayList<>();
                for (String address : regions.keySet()) {
                    views.add(nodes.getOrDefault(address, new Placement.NodeView(address, 0, 0)));
                }
                return Futures.successful(Placement.choose(views, 0, null).map(v -> regions.get(v.node())).orElse(requester));
            }

            @Override
            public Future<Set<String>> rebalance(Map<org.apache.pekko.actor.ActorRef, IndexedSeq<String>> current,
                                                 Set<String> inProgress) {
                Map<String, org.apache.pekko.actor.ActorRef> regions = regionsByAddress(current);
                Set<String> move = new HashSet<>();
                Map<String, String> chosen = placements;
                for (Map.Entry<org.apache.pekko.actor.ActorRef, IndexedSeq<String>> e : current.entrySet()) {
                    String at = addressOf(e.getKey().path().address());
                    scala.collection.Iterator<String> shards = e.getValue().iterator();
                    while (shards.hasNext()) {
                        String shard = shards.next();
                        String want = chosen.get(shard);
                        if (want != null && !want.equals(at) && regions.containsKey(want) && !inProgress.contains(shard)) {
                            move.add(shard);
                        }
                    }
                }
                return Futures.successful(move);
            }
        };
    }

    private Map<String, org.apache.pekko.actor.ActorRef> regionsByAddress(Map<org.apache.pekko.actor.ActorRef, IndexedSeq<String>> current) {
        Map<String, org.apache.pekko.actor.ActorRef> out = new HashMap<>();
        for (org.apache.pekko.actor.ActorRef region : current.keySet()) {
            out.put(addressOf(region.path().address()), region);
        }
        return out;
    }

    private String addressOf(Address a) {
        return a.hasLocalScope() ? selfAddress : a.toString();
    }

    // ---- the directory actor ----

    interface DirectoryCommand extends NoSerializationVerificationNeeded {}

    private record SetPlacement(String clusterId, String node) implements DirectoryCommand {}

    private record PublishCapacity(Placement.NodeView view) implements DirectoryCommand {}

    private record Changed(Replicator.SubscribeResponse<LWWMap<String, String>> response) implements DirectoryCommand {}

    private record Updated(Replicator.UpdateResponse<LWWMap<String, String>> response) implements DirectoryCommand {}

    private record Listed(Receptionist.Listing listing) implements DirectoryCommand {}

    private Behavior<DirectoryCommand> directory() {
        return Behaviors.setup(ctx -> DistributedData.<DirectoryCommand, LWWMap<String, String>>withReplicatorMessageAdapter(replicator -> {
            SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
            replicator.subscribe(PLACEMENT_KEY, Changed::new);
            replicator.subscribe(CAPACITY_KEY, Changed::new);
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(ScalingSupervisor.SERVICE_KEY,
                    ctx.messageAdapter(Receptionist.Listing.class, Listed::new)));
            return Behaviors.receive(DirectoryCommand.class)
                    .onMessage(SetPlacement.class, p -> {
                        Map<String, String> next = new HashMap<>(placements);
                        next.put(p.clusterId(), p.node());
                        placements = Map.copyOf(next);
                        replicator.askUpdate(replyTo -> new Replicator.Update<>(PLACEMENT_KEY, LWWMap.empty(),
                                        new Replicator.WriteAll(WRITE_TIMEOUT), replyTo, m -> m.put(self, p.clusterId(), p.node())),
                                Updated::new);
                        return Behaviors.same();
                    })
                    .onMessage(PublishCapacity.class, p -> {
                        Placement.NodeView v = p.view();
                        Map<String, Placement.NodeView> next = new HashMap<>(nodes);
                        next.put(v.node(), v);
                        nodes = Map.copyOf(next);
                        replicator.askUpdate(replyTo -> new Replicator.Update<>(CAPACITY_KEY, LWWMap.empty(), Replicator.writeLocal(), replyTo,
                                m -> m.put(self, v.node(), v.capacityAcu() + "," + v.allocatedAcu())), Updated::new);
                        return Behaviors.same();
                    })
                    .onMessage(Changed.class, c -> {
                        if (c.response() instanceof Replicator.Changed<LWWMap<String, String>> changed) {
                            Map<String, String> entries = changed.dataValue().getEntries();
                            if (changed.key().equals(PLACEMENT_KEY)) {
                                placements = Map.copyOf(entries);
                            } else {
                                Map<String, Placement.NodeView> next = new HashMap<>();
                                entries.forEach((node, value) -> {
                                    String[] f = value.split(",");
                                    next.put(node, new Placement.NodeView(node, Double.parseDouble(f[0]), Double.parseDouble(f[1])));
                                });
                                nodes = Map.copyOf(next);
                            }
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Updated.class, u -> Behaviors.same())
                    .onMessage(Listed.class, l -> {
                        Map<String, ActorRef<ScalingSupervisor.Command>> next = new HashMap<>();
                        for (ActorRef<ScalingSupervisor.Command> ref : l.listing().getServiceInstances(ScalingSupervisor.SERVICE_KEY)) {
                            next.put(addressOf(ref.path().address()), ref);
                        }
                        supervisors = Map.copyOf(next);
                        return Behaviors.same();
                    })
                    .build();
        }));
    }
}
