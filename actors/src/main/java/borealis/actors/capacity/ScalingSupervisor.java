package borealis.actors.capacity;

import borealis.persistence.serialization.BorealisSerializable;
import borealis.scaling.AcuRules;
import borealis.scaling.NodeCapacity;
import borealis.scaling.Placement;
import borealis.scaling.ScalingConfig;
import borealis.scaling.ScalingPolicy;
import borealis.scaling.Signals;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The node's scaling supervisor: every second, for each instance running here, it samples the
 * instance's signals, asks the {@link ScalingPolicy}, and applies the decision in place through
 * {@link InstanceResources} (CPU budget, block cache, connection slots), within what the node
 * offers ({@link NodeCapacity}). It meters the ACU-seconds each instance holds ({@link UsageMetering}) into the tenant's
 * {@link CapacityLedger} and records every decision there with its reason.
 *
 * <pre>
 *  ComputeInstance ── Admit ──►  reserve the start allocation (or: no room here, go there)
 *                  ── Attach ─►  tick every second:  sample ─► decide ─► resize | pause | move
 *                  ── Leave ──►  release, meter the last second
 * </pre>
 *
 * When the node lacks the headroom for a scale-up, it finds a node that has it, has that node's
 * supervisor reserve it, and chooses that node for the instance, which then moves between
 * transactions (see {@link ComputePlacement}).
 */
public final class ScalingSupervisor extends AbstractBehavior<ScalingSupervisor.Command> {

    public static final ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "scaling-supervisor");

    public interface Command extends BorealisSerializable {}

    /** Messages from instances on this node; they carry local objects and never leave it. */
    interface Local extends Command, NoSerializationVerificationNeeded {}

    /** An instance is resuming: reserve its start allocation. */
    public record Admit(String clusterId, ScalingConfig config, ActorRef<Admission> replyTo) implements Local {}

    /** {@code acu} granted here; or {@code moveTo} another node (an address) that reserved it; or an error. */
    public record Admission(double acu, String moveTo, String error) implements Local {}

    /** The admitted instance is open: tick it from now on, and tell it what is decided for it. */
    public record Attach(String clusterId, InstanceResources resources, ActorRef<Decision> instance) implements Local {}

    /**
     * What the supervisor decides for an attached instance, told to it; the instance adapts these to
     * its own protocol (the supervisor knows instances only by this).
     */
    public sealed interface Decision extends NoSerializationVerificationNeeded {}

    /**
     * No session and no activity for long enough: pause if still idle. With {@code parkSessions}
     * (to make room), sessions that have run nothing for the grace period are parked first.
     */
    public record PauseIdle(String why, boolean parkSessions) implements Decision {}

    /** The allocation changed (already applied); {@code slots} sessions may run. */
    public record Resize(double acu, int slots) implements Decision {}

    /** {@code node} reserved room for the instance, which is to move there. */
    public record Move(String node) implements Decision {}

    /** The instance paused, stopped or failed: release its allocation. */
    public record Leave(String clusterId) implements Local {}

    /**
     * The instance's last session ended: it may now make room for a waiting resume. Without this
     * a waiter found such instances only at the next tick (up to 1 s, per pause in a chain).
     */
    public record SessionsEnded(String clusterId) implements Local {}

    /** The instance declined a pause (a session arrived meanwhile): keep deciding for it. */
    public record StayAwake(String clusterId) implements Local {}

    /** The cluster's scaling configuration changed. */
    public record Reconfigure(String clusterId, ScalingConfig config) implements Local {}

    private record Tick() implements Local {}

    private record Accrued(String tenant, Throwable error) implements Local {}

    /** The answer of another node to {@link Reserve}; {@code admitReplyTo} is null for a move. */
    private record ReservedElsewhere(String clusterId, String node, boolean ok, double acu, ActorRef<Admission> admitReplyTo)
            implements Local {}

    /** The instances on this node and what their allocations buy now. */
    public record GetInstances(ActorRef<Instances> replyTo) implements Command {}

    public record Instances(Placement.NodeView node, List<InstanceView> instances) implements BorealisSerializable {}

    public record InstanceView(String clusterId, double acu, double cpuPerSecond, long cacheBytes, int slots, int sessions)
            implements BorealisSerializable {}

    /** What this node has, for placement decisions elsewhere. */
    public record GetView(ActorRef<Placement.NodeView> replyTo) implements Command {}


    /** Another node wants to move (or resume) {@code clusterId} here with {@code acu}: hold it if it fits. */
    public record Reserve(String clusterId, double acu, ActorRef<Reserved> replyTo) implements Command {}

    public record Reserved(boolean ok, String node) implements BorealisSerializable {}

    /** Everything the supervisor keeps per attached instance. */
    static final class Tracked {
        final String clusterId;
        ScalingConfig config;
        InstanceResources resources;
        ActorRef<Decision> instance;
        ScalingPolicy.InstanceState state;
        boolean pausing;
        boolean moving;
        long lastMoveAttempt = Long.MIN_VALUE / 2;
        /** When the instance last declined to pause (a session could not be parked); -1: never. */
        long declinedMillis = -1;
        final long since = System.currentTimeMillis();
        /** When the running instance attached (its scaling state began then). */
        long attachedMillis = Long.MAX_VALUE;

        Tracked(String clusterId, ScalingConfig config) {
            this.clusterId = clusterId;
            this.config = config;
        }
    }

    private static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESERVE_TIMEOUT = Duration.ofSeconds(3);
    /** A reservation whose instance never arrives is given back after this long. */
    private static final long RESERVATION_EXPIRY_MILLIS = 120_000;
    /** Between two attempts to move the same instance. */
    private static final long MOVE_RETRY_MILLIS = 10_000;
    /** An instance getting less than this share of its allocation's CPU (an overcommitted node) looks for a node with room. */
    private static final double MOVE_BELOW_SHARE = 0.9;

    private final CapacitySettings settings;
    private final ScalingPolicy policy;
    private final NodeCapacity node;
    private final String nodeName;
    private final ClusterSharding sharding;
    private final ComputePlacement placement;
    private final Map<String, Tracked> instances = new LinkedHashMap<>();
    private final UsageMetering metering;
    private final AdmissionQueue admissions = new AdmissionQueue();

    private ScalingSupervisor(ActorContext<Command> ctx, CapacitySettings settings, String nodeName, ClusterSharding sharding,
                              ComputePlacement placement) {
        super(ctx);
        this.settings = settings;
        this.policy = new ScalingPolicy(settings.profile(), settings.policy());
        this.node = new NodeCapacity(settings.admittedAcus());
        this.nodeName = nodeName;
        this.sharding = sharding;
        this.placement = placement;
        this.metering = new UsageMetering(nodeName);
        ctx.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
        CapacityMetrics.install();
    }

    public static Behavior<Command> create(CapacitySettings settings, String nodeName, ClusterSharding sharding, ComputePlacement placement) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Tick(), settings.tick());
            return new ScalingSupervisor(ctx, settings, nodeName, sharding, placement);
        }));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Admit.class, this::onAdmit)
                .onMessage(Attach.class, this::onAttach)
                .onMessage(Leave.class, this::onLeave)
                .onMessage(Reconfigure.class, r -> {
                    Tracked t = instances.get(r.clusterId());
                    if (t != null) {
                        t.config = r.config();
                    }
                    return this;
                })
                .onMessage(StayAwake.class, w -> {
                    Tracked t = instances.get(w.clusterId());
                    if (t != null && t.state != null) {
                        t.pausing = false;
                        t.declinedMillis = System.currentTimeMillis();
                        t.state.touch(t.declinedMillis);
                    }
                    serveWaiting();
                    return this;
                })
                .onMessage(SessionsEnded.class, e -> {
                    if (!admissions.isEmpty()) {
                        serveWaiting();
                    }
                    return this;
                })
                .onMessage(Tick.class, t -> onTick())
                .onMessage(Accrued.class, this::onAccrued)
                .onMessage(GetView.class, g -> {
                    g.replyTo().tell(view());
                    return this;
                })
                .onMessage(GetInstances.class, g -> {
                    List<InstanceView> list = new ArrayList<>();
                    for (Tracked t : instances.values()) {
                        if (t.resources != null) {
                            list.add(new InstanceView(t.clusterId, t.resources.acu(), t.resources.governor().cpuPerSecond(),
                                    t.resources.cacheCapacityBytes(), t.resources.slots(), t.resources.sessions()));
                        }
                    }
                    g.replyTo().tell(new Instances(view(), list));
                    return this;
                })
                .onMessage(Reserve.class, this::onReserve)
                .onMessage(ReservedElsewhere.class, this::onReservedElsewhere)
                .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> {
                    CapacityMetrics.forget(nodeName);
                    return this;
                })
                .build();
    }

    Placement.NodeView view() {
        return new Placement.NodeView(nodeName, node.capacityAcu(), node.allocatedAcu());
    }

    private Behavior<Command> onAdmit(Admit a) {
        double start = a.config().startAcu();
        Tracked t = instances.get(a.clusterId());
        // A reservation made for an incoming move may be larger than the start allocation.
        double wanted = Math.max(start, node.allocation(a.clusterId()));
        if (t == null && admissions.isEmpty() && node.tryReserve(a.clusterId(), wanted)) {
            instances.put(a.clusterId(), new Tracked(a.clusterId(), a.config()));
            a.replyTo().tell(new Admission(wanted, null, null));
            return this;
        }
        if (t != null) {
            a.replyTo().tell(new Admission(node.allocation(a.clusterId()), null, null));
            return this;
        }
        // No room here: reserve it on the node with the most room, and send the instance there.
        Optional<String> where = placement.candidate(start, nodeName);
        ActorRef<Command> target = where.map(placement::supervisorAt).orElse(null);
        if (target == null) {
            // Never refused for capacity at once: it waits its turn while idle instances pause for it.
            admissions.add(a, wanted, System.currentTimeMillis() + settings.admissionWait().toMillis());
            getContext().getLog().info("{} waits for {} ACU (this node: {} of {} allocated, {} waiting)", a.clusterId(), wanted,
                    node.allocatedAcu(), node.capacityAcu(), admissions.size());
            serveWaiting();
            return this;
        }
        getContext().ask(Reserved.class, target, RESERVE_TIMEOUT, replyTo -> new Reserve(a.clusterId(), start, replyTo),
                (r, err) -> new ReservedElsewhere(a.clusterId(), where.get(), r != null && r.ok(), start, a.replyTo()));
        return this;
    }

    private Behavior<Command> onAttach(Attach a) {
        Tracked t = instances.get(a.clusterId());
        if (t == null) {
            // Admitted before a restart of this actor, or attached without admission: take what fits.
            t = new Tracked(a.clusterId(), new ScalingConfig(0, Math.max(AcuRules.STEP, a.resources().acu()), 300));
            node.resize(a.clusterId(), a.resources().acu());
            instances.put(a.clusterId(), t);
        }
        long now = System.currentTimeMillis();
        t.resources = a.resources();
        t.instance = a.instance();
        t.resources.apply(node.allocation(a.clusterId()));
        t.state = new ScalingPolicy.InstanceState(node.allocation(a.clusterId()), now);
        t.attachedMillis = now;
        metering.attached(a.clusterId(), now);
        t.pausing = false;
        return this;
    }

    private Behavior<Command> onLeave(Leave l) {
        Tracked t = instances.remove(l.clusterId());
        if (t != null && t.resources != null) {
            metering.left(t.clusterId, t.resources.acu(), System.currentTimeMillis());
        }
        node.release(l.clusterId());
        flushSamples();
        serveWaiting();
        return this;
    }

    /** Admits waiting instances in arrival order while they fit; then pauses idle instances for the first that does not. */
    private void serveWaiting() {
        while (!admissions.isEmpty()) {
            AdmissionQueue.Waiting w = admissions.head();
            if (instances.containsKey(w.clusterId())) {
                admissions.take();
                w.admit().replyTo().tell(new Admission(node.allocation(w.clusterId()), null, null));
                continue;
            }
            if (!node.tryReserve(w.clusterId(), w.acu())) {
                break;
            }
            admissions.take();
            instances.put(w.clusterId(), new Tracked(w.clusterId(), w.admit().config()));
            w.admit().replyTo().tell(new Admission(w.acu(), null, null));
        }
        if (admissions.isEmpty()) {
            return;
        }
        List<AdmissionQueue.Candidate> running = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (Tracked t : instances.values()) {
            // Only instances that may pause at all (minAcu 0) make room.
            if (t.resources != null && t.state != null && t.config.minAcu() <= 0) {
                // Once it declined (a session with a temporary table, a LISTEN...), not again until its sessions ran something.
                boolean sessionsIdle = now - t.state.lastStatementMillis() >= settings.idleSessionGrace().toMillis()
                        && t.declinedMillis < t.state.lastStatementMillis();
                running.add(new AdmissionQueue.Candidate(t.clusterId, t.resources.acu(), t.resources.sessions(), sessionsIdle,
                        t.pausing || t.moving, t.state.lastActivityMillis(), settled(t, now)));
            }
        }
        String forWhom = admissions.head().clusterId();
        for (String id : admissions.toPause(node.capacityAcu() - node.allocatedAcu(), running)) {
            Tracked t = instances.get(id);
            t.pausing = true;
            getContext().getLog().info("pausing idle {} to make room for {}", id, forWhom);
            boolean park = t.resources.sessions() > 0;
            t.instance.tell(new PauseIdle("making room for " + forWhom + " (least recently used idle instance on a full node"
                    + (park ? "; its idle sessions are parked)" : ")"), park));
        }
    }

    /**
     * Whether an instance may be paused to make room: once a statement ran on it (its client had its
     * turn), or once it has run for the minimum residency whatever happened.
     */
    private boolean settled(Tracked t, long now) {
        return t.state.lastStatementMillis() > t.attachedMillis || now - t.since >= settings.minResidency().toMillis();
    }

    /** Waiting admissions past their deadline get a retryable error. */
    private void expireWaiting(long now) {
        for (AdmissionQueue.Waiting w : admissions.expired(now)) {
            w.admit().replyTo().tell(new Admission(0, null, String.format(Locale.ROOT,
                    "no capacity for %s: waited %d s for %.1f ACU on a node with %.1f of %.1f ACU allocated and no idle instance to pause;"
                            + " retry shortly", w.clusterId(), settings.admissionWait().toSeconds(), w.acu(), node.allocatedAcu(),
                    node.capacityAcu())));
        }
    }

    private Behavior<Command> onReserve(Reserve r) {
        boolean ok = !instances.containsKey(r.clusterId()) && node.tryReserve(r.clusterId(), r.acu());
        if (ok) {
            instances.put(r.clusterId(), new Tracked(r.clusterId(), new ScalingConfig(0, Math.max(AcuRules.STEP, r.acu()), 300)));
            getContext().getLog().info("reserved {} ACU for {} (moving here)", r.acu(), r.clusterId());
        }
        r.replyTo().tell(new Reserved(ok, nodeName));
        return this;
    }

    private Behavior<Command> onTick() {
        long now = System.currentTimeMillis();
        expireWaiting(now);
        // Sessions end between events: an instance idle since the last tick may now make room.
        serveWaiting();
        List<CapacityLedger.ScalingEvent> events = new ArrayList<>();
        instances.values().removeIf(t -> {
            boolean expired = t.resources == null && now - t.since > RESERVATION_EXPIRY_MILLIS;
            if (expired) {
                node.release(t.clusterId);
                getContext().getLog().info("reservation for {} expired", t.clusterId);
            }
            return expired;
        });
        List<Tracked> busy = new ArrayList<>();
        for (Tracked t : instances.values()) {
            if (t.resources == null) {
                continue;
            }
            metering.meter(t.clusterId, t.resources.acu(), now);
            Signals s = t.resources.sample();
            if (s.active()) {
                busy.add(t);
            }
            if (t.pausing || t.moving) {
                continue;
            }
            ScalingPolicy.Decision d = policy.decide(t.state, s, t.config, now);
            double current = t.state.acu();
            if (d.pause()) {
                t.pausing = true;
                t.instance.tell(new PauseIdle(d.detail(), false));
                continue;
            }
            if (d.acu() == current) {
                if (t.resources.cpuShare() < MOVE_BELOW_SHARE) {
                    moveForHeadroom(t, d.acu(), now);
                }
                continue;
            }
            double granted = node.resize(t.clusterId, d.acu());
            if (granted != current) {
                t.resources.apply(granted);
                t.state.applied(granted);
                String kind = granted > current ? "scale-up" : "scale-down";
                String detail = d.detail() + (granted < d.acu() ? String.format(Locale.ROOT, "; wanted %.1f ACU, node has no more headroom", d.acu()) : "");
                events.add(event(t.clusterId, kind, current, granted, reasonName(d.reason()), detail));
                t.instance.tell(new Resize(granted, t.resources.slots()));
            }
            // Also when the node is overcommitted and the instance gets only a share of its CPU: a
            // node with room gives it all.
            if (granted < d.acu() || t.resources.cpuShare() < MOVE_BELOW_SHARE) {
                moveForHeadroom(t, d.acu(), now);
            }
        }
        if (!events.isEmpty()) {
            record(events);
        }
        shareNode(busy);
        flushSamples();
        placement.publish(view());
        publishMetrics();
        return this;
    }

    /**
     * Weighted fair sharing of an overcommitted node: busy instances get CPU in proportion to their
     * allocations when together they want more than the node's ACUs (idle ones use none), and every
     * live instance's cache shrinks in proportion when all allocations exceed them (caches are heap).
     */
    private void shareNode(List<Tracked> busy) {
        double busyAcu = busy.stream().mapToDouble(t -> t.resources.acu()).sum();
        double liveAcu = instances.values().stream().filter(t -> t.resources != null).mapToDouble(t -> t.resources.acu()).sum();
        double cpu = busyAcu > settings.nodeAcus() ? settings.nodeAcus() / busyAcu : 1;
        double cache = liveAcu > settings.nodeAcus() ? settings.nodeAcus() / liveAcu : 1;
        for (Tracked t : instances.values()) {
            if (t.resources != null) {
                t.resources.share(busy.contains(t) ? cpu : 1, cache);
            }
        }
    }

    private void publishMetrics() {
        List<CapacityMetrics.InstanceSnapshot> list = new ArrayList<>();
        for (Tracked t : instances.values()) {
            if (t.resources != null) {
                var cpu = t.resources.governor().stats();
                list.add(new CapacityMetrics.InstanceSnapshot(t.clusterId, t.resources.acu(), cpu.cpuPerSecond(), cpu.cpuNanos() / 1e9,
                        cpu.waitNanos() / 1e9, cpu.waiting(), t.resources.sessions(), t.resources.slots(), t.config.minAcu(), t.config.maxAcu()));
            }
        }
        CapacityMetrics.publish(new CapacityMetrics.NodeSnapshot(nodeName, node.capacityAcu(), node.allocatedAcu(), list));
    }

    /** Asks the node with the most room to reserve {@code wanted} for {@code t}; on yes, the instance moves there. */
    private void moveForHeadroom(Tracked t, double wanted, long now) {
        if (now - t.lastMoveAttempt < MOVE_RETRY_MILLIS) {
            return;
        }
        t.lastMoveAttempt = now;
        Optional<String> where = placement.candidate(wanted, nodeName);
        ActorRef<Command> target = where.map(placement::supervisorAt).orElse(null);
        if (target == null) {
            getContext().getLog().info("{} wants {} ACU; no node has the headroom to move it to", t.clusterId, wanted);
            return;
        }
        t.moving = true;
        getContext().ask(Reserved.class, target, RESERVE_TIMEOUT, replyTo -> new Reserve(t.clusterId, wanted, replyTo),
                (r, err) -> new ReservedElsewhere(t.clusterId, where.get(), r != null && r.ok(), wanted, null));
    }

    private Behavior<Command> onReservedElsewhere(ReservedElsewhere r) {
        Tracked t = instances.get(r.clusterId());
        if (r.admitReplyTo() != null) {
            if (r.ok()) {
                placement.choose(r.clusterId(), r.node());
                record(List.of(event(r.clusterId(), "placement", 0, r.acu(), "no-headroom",
                        "resuming on " + r.node() + ": this node has " + node.headroomAcu() + " ACU free")));
                r.admitReplyTo().tell(new Admission(0, r.node(), null));
            } else {
                r.admitReplyTo().tell(new Admission(0, null, "no node could take " + r.acu() + " ACU for " + r.clusterId()));
            }
            return this;
        }
        if (t == null || t.resources == null) {
            return this;
        }
        if (!r.ok()) {
            t.moving = false;
            return this;
        }
        placement.choose(r.clusterId(), r.node());
        record(List.of(event(r.clusterId(), "move", t.state.acu(), r.acu(), "no-headroom",
                String.format(Locale.ROOT, "wanted %.1f ACU, this node has %.1f free; moving to %s", r.acu(), node.headroomAcu(), r.node()))));
        t.instance.tell(new Move(r.node()));
        return this;
    }

    /** Sends each tenant's metered seconds to its ledger (one batch in flight per tenant). */
    private void flushSamples() {
        metering.batchesToSend().forEach((tenant, batch) -> getContext().pipeToSelf(sharding.entityRefFor(CapacityLedger.TYPE_KEY, tenant)
                        .<Done>ask(replyTo -> new CapacityLedger.Accrue(batch, replyTo), LEDGER_TIMEOUT),
                (ok, err) -> new Accrued(tenant, err)));
    }

    private Behavior<Command> onAccrued(Accrued a) {
        if (a.error() != null) {
            getContext().getLog().warn("metering for tenant {} not acknowledged ({}); will retry", a.tenant(), a.error().toString());
            metering.unacknowledged(a.tenant());
        } else {
            metering.acknowledged(a.tenant());
        }
        return this;
    }

    CapacityLedger.ScalingEvent event(String clusterId, String kind, double from, double to, String reason, String detail) {
        return new CapacityLedger.ScalingEvent(clusterId, "writer", Instant.now(), kind, from, to, reason, detail, nodeName);
    }

    void record(List<CapacityLedger.ScalingEvent> events) {
        Map<String, List<CapacityLedger.ScalingEvent>> byTenant = new HashMap<>();
        for (CapacityLedger.ScalingEvent e : events) {
            CapacityMetrics.SCALING_EVENTS.labels(CapacityMetrics.tenant(e.cluster()), CapacityMetrics.cluster(e.cluster()), e.kind(), e.reason()).inc();
            getContext().getLog().info("scaling {} {}: {} -> {} ACU ({}: {}) on {}", e.cluster(), e.kind(), e.fromAcu(), e.toAcu(), e.reason(),
                    e.detail(), e.node());
            byTenant.computeIfAbsent(CapacityLedger.idOf(e.cluster()), k -> new ArrayList<>()).add(e);
        }
        byTenant.forEach((tenant, list) -> sharding.entityRefFor(CapacityLedger.TYPE_KEY, tenant).tell(new CapacityLedger.RecordEvents(list)));
    }

    static String reasonName(ScalingPolicy.Reason r) {
        return r.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    NodeCapacity node() {
        return node;
    }

    String nodeName() {
        return nodeName;
    }
}
