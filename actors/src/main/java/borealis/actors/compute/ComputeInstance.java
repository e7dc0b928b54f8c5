package borealis.actors.compute;

import borealis.actors.capacity.CapacityMetrics;
import borealis.actors.capacity.CapacitySettings;
import borealis.actors.capacity.ComputePlacement;
import borealis.actors.capacity.InstanceResources;
import borealis.actors.capacity.ScalingSupervisor;
import borealis.actors.cluster.DbCluster;
import borealis.engine.h2.Database;
import borealis.engine.pg.session.PgSession;
import borealis.persistence.serialization.BorealisSerializable;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.scaling.ScalingConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.Done;
import org.apache.pekko.pattern.StatusReply;

/**
 * The compute of a database cluster: its writer, which opens the volume (recovery, new epoch),
 * runs H2 on it, hosts the client sessions, and holds an ACU allocation that the node's
 * {@link ScalingSupervisor} changes in place. Compute is disposable: it keeps nothing that the
 * volume and the control plane do not, so any node can start it again.
 *
 * <pre>
 *            connect                 epoch, admission, volume + H2 open
 *  Paused ──────────────► Resuming ─────────────────────────────────────► Running ◄──► (Resized)
 *    ▲   (sessions stashed: one resume                                      │   │
 *    │    for any number of connects)              Pause (idle, minAcu 0)   │   │ Stop (handoff to
 *    └──── H2 closed cleanly, capacity released ◄── Pausing ◄───────────────┘   │ another node, or
 *                                                                               ▼ node shutdown)
 *                               stopped ◄── H2 closed ◄── Draining: sessions hand over at their
 *                                                         next transaction boundary and reopen
 *                                                         on the new node; clients stay connected
 * </pre>
 *
 * A connect that arrives while the instance pauses or drains waits in the stash: when pausing
 * ends it resumes at once; when draining ends it is sent on through sharding, to the new node.
 */
public final class ComputeInstance {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "ComputeInstance");
    private static final Duration MAINTENANCE_INTERVAL = Duration.ofSeconds(1);
    /** A resume sent elsewhere waits this long for the handoff before it tries again here. */
    private static final Duration RELOCATE_TIMEOUT = Duration.ofSeconds(15);
    private static final int STASH = 10_000;
    /** A closing instance waits this long for its last writes to be durable. */
    private static final Duration CLOSE_DURABLE_TIMEOUT = Duration.ofSeconds(10);

    public interface Command extends BorealisSerializable {}

    /** Opens a SQL session for a client connection; the reply is the session's ref. */
    public record OpenSession(Map<String, String> startupParameters, String user, ActorRef<ClientConnection> client,
                              ActorRef<StatusReply<ActorRef<SqlSession.Command>>> replyTo) implements Command {}

    /** Closes the database cleanly and stops (sessions first hand over, so that clients stay connected). */
    public record Stop() implements Command {}

    /**
     * The cluster is deleted or rewound: end every session with 57P01 and {@code why} (no handover),
     * close the database and stop. A resume in progress finishes first (and fails when the cluster
     * is deleted: a deleted cluster gives out no epoch).
     */
    public record Terminate(String why) implements Command {}

    /** How many client sessions are open or waiting for a slot (for the control plane, e.g. before deleting the cluster). */
    public record CountSessions(ActorRef<SessionCount> replyTo) implements Command {}

    public record SessionCount(int sessions) implements BorealisSerializable {}

    /** Opens again, here, a session that was running on another node (see {@link PgSession.Handover}). */
    public record ReopenSession(Map<String, String> startupParameters, String user, ActorRef<ClientConnection> client,
                                PgSession.Handover handover, ActorRef<StatusReply<ActorRef<SqlSession.Command>>> replyTo)
            implements Command {}

    /**
     * From a reader instance, every refresh: it reads snapshots of this writer's volume, so keep the
     * chunks they reference for the retention window (see {@link borealis.engine.h2.ReaderRetention}).
     * While readers lease, the writer does not auto-pause (a paused writer forgets what it kept).
     * {@code wake}: resume a paused writer (a reader found no database on the volume yet: only the
     * writer creates it); otherwise a paused writer stays paused.
     */
    public record RetainForReaders(String reader, boolean wake, ActorRef<RetentionGranted> replyTo) implements Command {}

    /**
     * {@code running}: the writer (of volume epoch {@code epoch}) is open and retains for readers
     * from now on; snapshots taken at or after {@code lsn} (its newest LSN then) are covered. A
     * paused writer changes nothing.
     */
    public record RetentionGranted(boolean running, long lsn, long epoch) implements BorealisSerializable {}

    /**
     * Resume a paused writer as a connecting client would, without one (a restored cluster fills its
     * volume on its first resume); answered once it runs, or with why it could not resume.
     */
    public record Wake(ActorRef<StatusReply<Done>> replyTo) implements Command {}

    /**
     * For a clone: freeze the volume at its newest durable point as layer {@code layerId} (see
     * {@link VolumeFreeze}); a paused writer resumes first.
     */
    public record FreezeForClone(String layerId, ActorRef<StatusReply<ClonePoint>> replyTo) implements Command {}

    /**
     * Where the source stood: volume {@code volumeId} at {@code lsn}, groups 0 to {@code highestGroup},
     * and each replica's frozen layer (or why it has none); writes were held {@code heldSeconds}.
     */
    public record ClonePoint(String volumeId, long lsn, long atMillis, int highestGroup,
                             java.util.List<borealis.actors.storage.StorageSegment.FrozenLayer> layers, double heldSeconds)
            implements BorealisSerializable {}

    /** The cluster's scaling configuration changed (from the control plane). */
    public record ScalingChanged(double minAcu, double maxAcu, int secondsUntilAutoPause) implements Command {}

    /** From the node's supervisor: no session and no activity for long enough; pause if still idle. */
    public record Pause(String why, boolean parkSessions) implements Command, NoSerializationVerificationNeeded {}

    /** From the node's supervisor: the allocation changed (already applied); {@code slots} sessions may run. */
    public record Resized(double acu, int slots) implements Command, NoSerializationVerificationNeeded {}

    /** From the node's supervisor: {@code node} reserved room for this instance, which will move there. */
    public record Moving(String node) implements Command, NoSerializationVerificationNeeded {}

    private interface Internal extends Command, NoSerializationVerificationNeeded {}

    private record EpochTaken(DbCluster.ComputeSpec spec, Throwable error) implements Internal {}

    private record Admitted(ScalingSupervisor.Admission admission, Throwable error) implements Internal {}

    private record Opened(ReplicatedVolume volume, Database database, Throwable error) implements Internal {}

    private record Closed() implements Internal {}

    private record Maintain() implements Internal {}

    private record MaintenanceDone() implements Internal {}

    private record DrainTimeout() implements Internal {}

    private record ParkTimeout() implements Internal {}

    /** Sessions asked to park that are not parked by then keep the instance running (one may be in a transaction). */
    private static final Duration PARK_TIMEOUT = Duration.ofSeconds(5);

    private record RelocateTimeout() implements Internal {}

    /** Node-local things every instance needs; {@code backups} is null where backup is disabled. */
    public record Context(ClusterSharding sharding, ExecutorService sqlPool, ReplicatedVolume.Settings volumeSettings,
                          Duration requestTimeout, ActorRef<ScalingSupervisor.Command> supervisor, CapacitySettings capacity,
                          ScheduledExecutorService governorTimer, String nodeName, Duration readerRetention,
                          borealis.persistence.backup.BackupService backups) {}

    /**
     * Starts the writers' sharding on the compute role: a shard per instance, placed (and moved)
     * by {@code placement}, rebalanced every {@code rebalanceInterval}; never passivated, since an
     * instance pauses itself.
     */
    public static void init(ActorSystem<?> system, Context node, ComputePlacement placement, Duration rebalanceInterval) {
        ClusterShardingSettings settings = ClusterShardingSettings.create(system).withNoPassivationStrategy();
        settings = settings.withTuningParameters(settings.tuningParameters().withRebalanceInterval(rebalanceInterval));
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), node))
                .withRole("compute")
                .withStopMessage(new Stop())
                .withSettings(settings)
                .withAllocationStrategy(placement.allocationStrategy())
                .withMessageExtractor(ComputePlacement.<Command>shardPerEntity()));
    }

    public static Behavior<Command> create(String clusterId, Context node) {
        return Behaviors.withStash(STASH, stash -> Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new ComputeInstance(clusterId, node, ctx, stash, timers).paused())));
    }

    private final String clusterId;
    private final Context node;
    private final ActorContext<Command> ctx;
    private final StashBuffer<Command> stash;
    private final TimerScheduler<Command> timers;
    private final WriterSessions sessions;
    private final CapacityReport report;
    private final ReaderLeases readerLeases;
    /** Of the resume in progress, for its event. */
    private final ResumePhases resume = new ResumePhases();

    // While resuming and running.
    private DbCluster.ComputeSpec spec;
    private ScalingConfig config;
    private double acu;
    private ReplicatedVolume volume;
    private Database db;

    private ComputeInstance(String clusterId, Context node, ActorContext<Command> ctx, StashBuffer<Command> stash,
                            TimerScheduler<Command> timers) {
        this.clusterId = clusterId;
        this.node = node;
        this.ctx = ctx;
        this.stash = stash;
        this.timers = timers;
        this.sessions = new WriterSessions(clusterId, node, ctx);
        this.report = new CapacityReport(clusterId, "writer", node.sharding(), node.nodeName());
        this.readerLeases = new ReaderLeases(node.readerRetention());
    }

    // ---- paused ----

    private Behavior<Command> paused() {
        return Behaviors.receive(Command.class)
                .onMessage(OpenSession.class, this::resumeFor)
                .onMessage(ReopenSession.class, this::resumeFor)
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .onMessage(Terminate.class, s -> Behaviors.stopped())
                .onMessage(CountSessions.class, c -> {
                    c.replyTo().tell(new SessionCount(0));
                    return Behaviors.same();
                })
                .onMessage(Wake.class, this::resumeFor)
                .onMessage(FreezeForClone.class, this::resumeFor)
                .onMessage(RetainForReaders.class, r -> {
                    if (r.wake()) {
                        return resumeFor(r);
                    }
                    r.replyTo().tell(new RetentionGranted(false, 0, 0));
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    private Behavior<Command> resumeFor(Command connect) {
        stash.stash(connect);
        resume.started();
        ctx.getLog().info("compute instance {} resuming", clusterId);
        report.status("resuming", 0);
        ctx.pipeToSelf(node.sharding().entityRefFor(DbCluster.TYPE_KEY, clusterId)
                        .<StatusReply<DbCluster.ComputeSpec>>ask(DbCluster.AllocateEpoch::new, node.requestTimeout())
                        .thenApply(StatusReply::getValue),
                EpochTaken::new);
        return resuming();
    }

    // ---- resuming ----

    private Behavior<Command> resuming() {
        return Behaviors.receive(Command.class)
                .onMessage(EpochTaken.class, e -> {
                    if (e.error() != null) {
                        return resumeFailed("the control plane did not answer: " + rootMessage(e.error()));
                    }
                    spec = e.spec();
                    resume.epochTaken();
                    config = new ScalingConfig(spec.spec().minAcu(), spec.spec().maxAcu(), spec.spec().secondsUntilAutoPause());
                    ctx.ask(ScalingSupervisor.Admission.class, node.supervisor(), node.requestTimeout().plus(node.capacity().admissionWait()),
                            replyTo -> new ScalingSupervisor.Admit(clusterId, config, replyTo), Admitted::new);
                    return Behaviors.same();
                })
                .onMessage(Admitted.class, a -> {
                    if (a.error() != null || a.admission().error() != null) {
                        return resumeFailed(a.error() != null ? rootMessage(a.error()) : a.admission().error());
                    }
                    if (a.admission().moveTo() != null) {
                        // Room was reserved on another node; the shard moves there and takes the stash along.
                        ctx.getLog().info("compute instance {} resumes on {} (no room here)", clusterId, a.admission().moveTo());
                        report.status("moving", 0);
                        timers.startSingleTimer(new RelocateTimeout(), RELOCATE_TIMEOUT);
                        return relocating();
                    }
                    acu = a.admission().acu();
                    resume.admitted();
                    DbCluster.ComputeSpec s = spec;
                    long cacheBytes = node.capacity().profile().cacheBytes(acu);
                    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> WriterDatabase.open(ctx.getSystem(), node, s, cacheBytes,
                                    resume::volumeOpened), node.sqlPool()),
                            (ok, err) -> ok != null ? new Opened(ok.volume(), ok.database(), ok.error()) : new Opened(null, null, err));
                    return Behaviors.same();
                })
                .onMessage(Opened.class, this::onOpened)
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<Command> onOpened(Opened o) {
        if (o.error() != null) {
            ctx.getLog().error("compute instance {} could not open its database", clusterId, o.error());
            node.supervisor().tell(new ScalingSupervisor.Leave(clusterId));
            return resumeFailed("database " + clusterId + " is unavailable: " + rootMessage(o.error()));
        }
        volume = o.volume();
        db = o.database();
        readerLeases.opened();
        InstanceResources resources = WriterDatabase.allocate(clusterId, node, db, volume, acu);
        sessions.hostOn(db, volume, resources);
        node.supervisor().tell(new ScalingSupervisor.Attach(clusterId, resources,
                ctx.messageAdapter(ScalingSupervisor.Decision.class, ComputeInstance::decided)));
        double millis = resume.done();
        // The reads H2's open made through the replicas: what a cold resume (a clone's first) waits on.
        ctx.getLog().info("compute instance {} running ({} ACU), {}; {} reads from the replicas", clusterId, acu,
                resume.detail(spec.epoch()), volume.stats().remoteReads());
        report.status("running", acu);
        CapacityMetrics.observeResume(clusterId, millis / 1000);
        report.event("resume", 0, acu, "connect", resume.detail(spec.epoch()));
        timers.startTimerWithFixedDelay(new Maintain(), MAINTENANCE_INTERVAL);
        return stash.unstashAll(running());
    }

    /** The supervisor's decisions, in this instance's protocol. */
    private static Command decided(ScalingSupervisor.Decision d) {
        if (d instanceof ScalingSupervisor.PauseIdle p) {
            return new Pause(p.why(), p.parkSessions());
        }
        if (d instanceof ScalingSupervisor.Resize r) {
            return new Resized(r.acu(), r.slots());
        }
        return new Moving(((ScalingSupervisor.Move) d).node());
    }

    private Behavior<Command> resumeFailed(String message) {
        ctx.getLog().warn("compute instance {} could not resume: {}", clusterId, message);
        stash.unstashAll(Behaviors.receive(Command.class)
                .onMessage(OpenSession.class, os -> {
                    os.replyTo().tell(StatusReply.error(message));
                    return Behaviors.same();
                })
                .onMessage(ReopenSession.class, rs -> {
                    rs.replyTo().tell(StatusReply.error(message));
                    return Behaviors.same();
                })
                .onMessage(Wake.class, w -> {
                    w.replyTo().tell(StatusReply.error(message));
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build());
        report.status("paused", 0);
        return paused();
    }

    // ---- relocating: resuming on another node ----

    private Behavior<Command> relocating() {
        return Behaviors.receive(Command.class)
                .onMessage(Stop.class, s -> {
                    forwardStash();
                    return Behaviors.stopped();
                })
                .onMessage(RelocateTimeout.class, t -> {
                    ctx.getLog().warn("compute instance {}: the move did not happen in {}; resuming here if there is room", clusterId,
                            RELOCATE_TIMEOUT);
                    ctx.ask(ScalingSupervisor.Admission.class, node.supervisor(), node.requestTimeout().plus(node.capacity().admissionWait()),
                            replyTo -> new ScalingSupervisor.Admit(clusterId, config, replyTo), Admitted::new);
                    return resuming();
                })
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    /** Sends what waits here on through sharding: to wherever the instance now lives. */
    private void forwardStash() {
        var ref = node.sharding().entityRefFor(TYPE_KEY, clusterId);
        stash.forEach(m -> {
            if (m instanceof OpenSession || m instanceof ReopenSession) {
                ref.tell(m);
            }
        });
        stash.clear();
        sessions.forwardWaiting(ref);
    }

    // ---- running ----

    private Behavior<Command> running() {
        return Behaviors.receive(Command.class)
                .onMessage(OpenSession.class, o -> {
                    sessions.admit(o, config.maxAcu());
                    return Behaviors.same();
                })
                .onMessage(ReopenSession.class, r -> {
                    // A session that moved here was admitted before: it never waits for a slot.
                    sessions.open(r);
                    return Behaviors.same();
                })
                .onMessage(Wake.class, w -> {
                    w.replyTo().tell(StatusReply.ack());
                    return Behaviors.same();
                })
                .onMessage(FreezeForClone.class, f -> {
                    VolumeFreeze.answer(ctx.getSystem(), node, clusterId, volume, f);
                    return Behaviors.same();
                })
                .onMessage(Resized.class, r -> {
                    acu = r.acu();
                    report.status("running", acu);
                    sessions.admitWaiting();
                    return Behaviors.same();
                })
                .onMessage(RetainForReaders.class, r -> {
                    readerLeases.leased(db, node.sqlPool());
                    r.replyTo().tell(new RetentionGranted(true, volume.highestLsn(), volume.epoch()));
                    return Behaviors.same();
                })
                .onMessage(Pause.class, p -> {
                    if (readerLeases.active() || (!sessions.idle() && !p.parkSessions())) {
                        node.supervisor().tell(new ScalingSupervisor.StayAwake(clusterId));
                        return Behaviors.same();
                    }
                    if (!sessions.isEmpty()) {
                        return park(p.why());
                    }
                    ctx.getLog().info("compute instance {} pausing: {}", clusterId, p.why());
                    report.event("pause", acu, 0, "idle", p.why());
                    return close("pausing", false);
                })
                .onMessage(Moving.class, m -> {
                    report.status("moving", acu);
                    return Behaviors.same();
                })
                .onMessage(CountSessions.class, c -> {
                    c.replyTo().tell(new SessionCount(sessions.count()));
                    return Behaviors.same();
                })
                .onMessage(Terminate.class, t -> {
                    ctx.getLog().info("compute instance {} terminating {} sessions: {}", clusterId, sessions.size(), t.why());
                    sessions.tellAll(new SqlSession.End("57P01", "terminating connection: " + t.why()));
                    sessions.refuseWaiting(t.why());
                    return close("stopped", true);
                })
                .onMessage(ScalingChanged.class, c -> {
                    config = new ScalingConfig(c.minAcu(), c.maxAcu(), c.secondsUntilAutoPause());
                    node.supervisor().tell(new ScalingSupervisor.Reconfigure(clusterId, config));
                    return Behaviors.same();
                })
                .onMessage(Stop.class, s -> drain())
                .onMessage(Maintain.class, m -> {
                    if (volume.isFenced()) {
                        // Another writer holds the volume now (a new epoch): nothing here can commit
                        // again, so free the capacity and let clients reconnect to the live writer.
                        ctx.getLog().warn("compute instance {}: its volume was opened by a newer writer; closing {} sessions and stopping",
                                clusterId, sessions.size());
                        sessions.tellAll(new SqlSession.End("57P01", "terminating connection: the volume of cluster " + clusterId
                                + " was opened by a newer writer; reconnect to reach it"));
                        return close("stopped", true);
                    }
                    // Housekeeping is not the tenant's activity: it bypasses the CPU budget and the idle clock.
                    Database d = db;
                    readerLeases.maintain(d);
                    ctx.pipeToSelf(CompletableFuture.runAsync(d::maintain, node.sqlPool()), (ok, err) -> new MaintenanceDone());
                    return Behaviors.same();
                })
                .onMessage(MaintenanceDone.class, m -> Behaviors.same())
                .onSignal(Terminated.class, t -> {
                    sessions.ended(t.getRef());
                    if (sessions.isEmpty()) {
                        // A resume waiting for room need not wait for the supervisor's next tick.
                        node.supervisor().tell(new ScalingSupervisor.SessionsEnded(clusterId));
                    }
                    return Behaviors.same();
                })
                .onSignal(PostStop.class, s -> {
                    closeNow();
                    return Behaviors.same();
                })
                .build();
    }

    // ---- draining, parking, pausing, closing ----

    /**
     * Pausing with sessions open (to make room): each is parked at the proxy at its transaction
     * boundary; when all are, the instance pauses. If some are not parked in time (in a
     * transaction, listening), it runs on; the parked ones reopen here at their next message.
     */
    private Behavior<Command> park(String why) {
        ctx.getLog().info("compute instance {} pausing: {}; parking its {} sessions", clusterId, why, sessions.size());
        sessions.tellAll(new SqlSession.Handover(true));
        timers.startSingleTimer(new ParkTimeout(), PARK_TIMEOUT);
        return whileSessionsLeave(Behaviors.receive(Command.class)
                .onSignal(Terminated.class, t -> {
                    sessions.ended(t.getRef());
                    if (!sessions.idle()) {
                        return Behaviors.same();
                    }
                    timers.cancel(new ParkTimeout());
                    report.event("pause", acu, 0, "idle", why);
                    return close("pausing", false);
                })
                .onMessage(ParkTimeout.class, t -> {
                    ctx.getLog().info("compute instance {}: {} sessions not parked within {}; it keeps running", clusterId,
                            sessions.size(), PARK_TIMEOUT);
                    node.supervisor().tell(new ScalingSupervisor.StayAwake(clusterId));
                    return stash.unstashAll(running());
                }));
    }

    private Behavior<Command> drain() {
        ctx.getLog().info("compute instance {} draining {} sessions", clusterId, sessions.size());
        report.status("moving", acu);
        sessions.tellAll(new SqlSession.Handover(false));
        if (sessions.isEmpty()) {
            return close("moving", true);
        }
        timers.startSingleTimer(new DrainTimeout(), node.capacity().drainTimeout());
        return whileSessionsLeave(Behaviors.receive(Command.class)
                .onSignal(Terminated.class, t -> {
                    sessions.ended(t.getRef());
                    return sessions.isEmpty() ? close("moving", true) : Behaviors.same();
                })
                .onMessage(DrainTimeout.class, t -> {
                    ctx.getLog().warn("compute instance {}: {} sessions still in a transaction after {}; closing them", clusterId,
                            sessions.size(), node.capacity().drainTimeout());
                    sessions.tellAll(new SqlSession.Close());
                    return close("moving", true);
                }));
    }

    /** What parking and draining share while sessions leave: housekeeping is ignored, everything else waits in the stash. */
    private Behavior<Command> whileSessionsLeave(BehaviorBuilder<Command> phase) {
        return phase
                .onMessage(MaintenanceDone.class, m -> Behaviors.same())
                .onMessage(Maintain.class, m -> Behaviors.same())
                .onMessage(Resized.class, m -> Behaviors.same())
                .onMessage(Pause.class, m -> Behaviors.same())
                .onSignal(PostStop.class, s -> {
                    closeNow();
                    return Behaviors.same();
                })
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    /** Closes H2 and the volume off the actor's thread; then stops ({@code stopAfter}) or is paused. */
    private Behavior<Command> close(String state, boolean stopAfter) {
        timers.cancel(new Maintain());
        report.status(state, acu);
        node.supervisor().tell(new ScalingSupervisor.Leave(clusterId));
        Database d = db;
        ReplicatedVolume v = volume;
        db = null;
        volume = null;
        sessions.unhost();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(
                () -> WriterDatabase.closeCleanly(clusterId, d, v, CLOSE_DURABLE_TIMEOUT), node.sqlPool());
        ctx.pipeToSelf(closing, (ok, err) -> {
            if (err != null) {
                ctx.getLog().warn("compute instance {}: closing failed", clusterId, err);
            }
            return new Closed();
        });
        return Behaviors.receive(Command.class)
                .onMessage(Closed.class, c -> {
                    if (stopAfter) {
                        ctx.getLog().info("compute instance {} closed; handing off", clusterId);
                        forwardStash();
                        return Behaviors.stopped();
                    }
                    ctx.getLog().info("compute instance {} paused", clusterId);
                    report.status("paused", 0);
                    acu = 0;
                    return stash.unstashAll(paused());
                })
                .onSignal(Terminated.class, t -> Behaviors.same())
                .onMessage(MaintenanceDone.class, m -> Behaviors.same())
                .onMessage(Maintain.class, m -> Behaviors.same())
                .onMessage(Resized.class, m -> Behaviors.same())
                .onMessage(Pause.class, m -> Behaviors.same())
                .onMessage(DrainTimeout.class, m -> Behaviors.same())
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    /** The actor stops while the database is open (the actor system is terminating): close in place. */
    private void closeNow() {
        CapacityMetrics.forgetState(clusterId);
        if (db != null) {
            ctx.getLog().info("compute instance {} stopping", clusterId);
            node.supervisor().tell(new ScalingSupervisor.Leave(clusterId));
            WriterDatabase.closeCleanly(clusterId, db, volume, Duration.ofSeconds(2));
            db = null;
            volume = null;
        }
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
