package borealis.actors.capacity;

import borealis.persistence.serialization.BorealisSerializable;
import borealis.scaling.UsageMeter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A tenant's capacity record, durable: what each of its clusters' compute is doing now (running,
 * paused...), every scaling and placement decision with its reason, and the ACU-seconds each
 * instance used, second by second. One entity per tenant, on the control role.
 *
 * <p>Scaling supervisors on every node send it one {@link Accrue} per second with the seconds
 * their instances of this tenant held; a second already recorded is ignored, so supervisors may
 * retry. The state is mutable for speed (a sample a second per instance); snapshots take a copy.
 */
public final class CapacityLedger extends EventSourcedBehaviorWithEnforcedReplies<CapacityLedger.Command, CapacityLedger.Event, CapacityLedger.Ledger> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "CapacityLedger");

    // ---- protocol ----

    public interface Command extends BorealisSerializable {}

    /** Seconds that instances of this tenant held an allocation. */
    public record Accrue(List<UsageMeter.Sample> samples, ActorRef<Done> replyTo) implements Command {}

    /** Scaling or placement decisions, as they were taken. */
    public record RecordEvents(List<ScalingEvent> events) implements Command {}

    /** A cluster's compute changed state. */
    public record SetStatus(ComputeStatus status) implements Command {}

    /** ACU-seconds per instance: since metering began when {@code fromSecond} is null, else in [from, to) by the minute. */
    public record GetUsage(String cluster, Long fromSecond, Long toSecond, ActorRef<UsageReport> replyTo) implements Command {}

    /** The newest {@code limit} events of a cluster (or of every cluster when null), newest last. */
    public record GetEvents(String cluster, int limit, ActorRef<Events> replyTo) implements Command {}

    /** The compute status of a cluster ({@code cluster} null: of every cluster). */
    public record GetStatus(String cluster, ActorRef<Statuses> replyTo) implements Command {}

    /**
     * One decision: {@code kind} is resume, scale-up, scale-down, pause, move or placement;
     * {@code reason} the driving signal (cpu, cpu-queue, cache, connections, idle, connect, no-headroom...).
     */
    public record ScalingEvent(String cluster, String instance, Instant at, String kind, double fromAcu, double toAcu, String reason,
                               String detail, String node) implements BorealisSerializable {}

    /** {@code state}: resuming, running, pausing, paused, moving. */
    public record ComputeStatus(String cluster, String instance, String state, double acu, String node, Instant since)
            implements BorealisSerializable {}

    public record UsageReport(List<UsageMeter.Usage> instances, double totalAcuSeconds) implements BorealisSerializable {}

    public record Events(List<ScalingEvent> events) implements BorealisSerializable {}

    public record Statuses(List<ComputeStatus> statuses) implements BorealisSerializable {}

    public interface Event extends BorealisSerializable {}

    public record Accrued(List<UsageMeter.Sample> samples) implements Event {}

    public record EventsRecorded(List<ScalingEvent> events) implements Event {}

    public record StatusSet(ComputeStatus status) implements Event {}

    // ---- state ----

    /** Mutable; owned by the entity. */
    public static final class Ledger implements BorealisSerializable {
        UsageMeter meter;
        TreeMap<String, ComputeStatus> statuses = new TreeMap<>();
        TreeMap<String, ArrayList<ScalingEvent>> events = new TreeMap<>();

        Ledger() {}

        Ledger(long retentionMinutes) {
            this.meter = new UsageMeter(retentionMinutes);
        }

        Ledger copy() {
            Ledger c = new Ledger();
            c.meter = meter.copy();
            c.statuses = new TreeMap<>(statuses);
            c.events = new TreeMap<>();
            events.forEach((k, v) -> c.events.put(k, new ArrayList<>(v)));
            return c;
        }

        Ledger accrue(List<UsageMeter.Sample> samples) {
            samples.forEach(meter::record);
            return this;
        }

        Ledger record(List<ScalingEvent> recorded, int kept) {
            recorded.forEach(x -> add(x, kept));
            return this;
        }

        Ledger status(ComputeStatus status) {
            statuses.put(status.cluster(), status);
            return this;
        }

        private void add(ScalingEvent e, int kept) {
            ArrayList<ScalingEvent> list = events.computeIfAbsent(e.cluster(), k -> new ArrayList<>());
            list.add(e);
            if (list.size() > kept) {
                list.subList(0, list.size() - kept).clear();
            }
        }
    }

    private static final int SNAPSHOT_EVERY = 1000;

    private final long retentionMinutes;
    private final int eventsKept;

    private CapacityLedger(PersistenceId persistenceId, long retentionMinutes, int eventsKept) {
        super(persistenceId);
        this.retentionMinutes = retentionMinutes;
        this.eventsKept = eventsKept;
    }

    /** Starts the ledger's sharding (one per tenant) on the nodes of the control role. */
    public static void init(ActorSystem<?> system, CapacitySettings capacity) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(PersistenceId.of(ctx.getEntityTypeKey().name(),
                ctx.getEntityId()), capacity.usageRetentionMinutes(), capacity.eventsKept())).withRole("control"));
    }

    public static Behavior<Command> create(PersistenceId persistenceId, long retentionMinutes, int eventsKept) {
        return new CapacityLedger(persistenceId, retentionMinutes, eventsKept);
    }

    /** The ledger's entity id for a cluster id ({@code tenant/name}): the tenant. */
    public static String idOf(String clusterId) {
        int slash = clusterId.indexOf('/');
        return slash < 0 ? clusterId : clusterId.substring(0, slash);
    }

    @Override
    public Ledger emptyState() {
        return new Ledger(retentionMinutes);
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
    }

    @Override
    public SnapshotAdapter<Ledger> snapshotAdapter() {
        // The snapshot store serializes on another thread: hand it a copy, never the live state.
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(Ledger state) {
                return state.copy();
            }

            @Override
            public Ledger fromJournal(Object from) {
                return (Ledger) from;
            }
        };
    }

    @Override
    public CommandHandlerWithReply<Command, Event, Ledger> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Accrue.class, (s, c) -> {
                    List<UsageMeter.Sample> fresh = new ArrayList<>();
                    for (UsageMeter.Sample x : c.samples()) {
                        if (x.epochSecond() > s.meter.lastSecond(x.cluster(), x.instance())) {
                            fresh.add(x);
                        }
                    }
                    if (fresh.isEmpty()) {
                        return Effect().reply(c.replyTo(), Done.getInstance());
                    }
                    return Effect().persist(new Accrued(fresh)).thenReply(c.replyTo(), ns -> Done.getInstance());
                })
                .onCommand(RecordEvents.class, (s, c) -> Effect().persist(new EventsRecorded(c.events())).thenNoReply())
                .onCommand(SetStatus.class, (s, c) -> Effect().persist(new StatusSet(c.status())).thenNoReply())
                .onCommand(GetUsage.class, (s, c) -> {
                    List<UsageMeter.Usage> usage = c.fromSecond() == null ? s.meter.totals(c.cluster())
                            : s.meter.between(c.cluster(), c.fromSecond(), c.toSecond());
                    double total = 0;
                    for (UsageMeter.Usage u : usage) {
                        total += u.acuSeconds();
                    }
                    return Effect().reply(c.replyTo(), new UsageReport(usage, total));
                })
                .onCommand(GetEvents.class, (s, c) -> {
                    List<ScalingEvent> out = new ArrayList<>();
                    for (Map.Entry<String, ArrayList<ScalingEvent>> e : s.events.entrySet()) {
                        if (c.cluster() == null || c.cluster().equals(e.getKey())) {
                            out.addAll(e.getValue());
                        }
                    }
                    out.sort((a, b) -> a.at().compareTo(b.at()));
                    int limit = Math.max(0, c.limit());
                    return Effect().reply(c.replyTo(), new Events(List.copyOf(out.subList(Math.max(0, out.size() - limit), out.size()))));
                })
                .onCommand(GetStatus.class, (s, c) -> Effect().reply(c.replyTo(), new Statuses(c.cluster() == null
                        ? List.copyOf(s.statuses.values())
                        : s.statuses.containsKey(c.cluster()) ? List.of(s.statuses.get(c.cluster())) : List.of())))
                .build();
    }

    @Override
    public EventHandler<Ledger, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Accrued.class, (s, e) -> s.accrue(e.samples()))
                .onEvent(EventsRecorded.class, (s, e) -> s.record(e.events(), eventsKept))
                .onEvent(StatusSet.class, (s, e) -> s.status(e.status()))
                .build();
    }
}
