package borealis.actors.compute;

import borealis.actors.audit.AuditLog;
import borealis.actors.capacity.ComputePlacement;
import borealis.actors.cluster.ClusterSpec;
import borealis.actors.cluster.DbCluster;
import borealis.actors.cluster.ReaderInstances;
import borealis.actors.metrics.ReaderMetrics;
import borealis.actors.storage.ShardedSegmentTransport;
import borealis.engine.governor.CpuGovernor;
import borealis.engine.h2.EngineLimits;
import borealis.engine.h2.StatementAudit;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.PgSession;
import borealis.persistence.volume.client.VolumeFollower;
import borealis.persistence.volume.log.VolumeLayout;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;

/**
 * A reader instance of a database cluster (Aurora's replica): serves read-only sessions on the
 * writer's volume without ever beginning an epoch, so the writer is never fenced.
 *
 * <p>It follows the writer by snapshots: every refresh interval it asks the replicas where the log
 * is durable ({@link VolumeFollower}) and, when that moved, opens H2 read-only at the new point
 * ({@link ReaderSnapshot}). New sessions start on the newest snapshot; open ones move to it at their
 * next transaction boundary, in place ({@link SqlSession.Rebind}); an older snapshot closes when no
 * session uses it. Each refresh also renews a lease with the writer, which keeps every chunk that
 * died within the retention window (so a snapshot reads only what it references) and does not
 * auto-pause meanwhile. A session still in a transaction on a snapshot superseded for longer than
 * {@code max-snapshot-age} is closed: its snapshot may no longer be intact.
 *
 * <pre>
 *          connect            cluster spec, writer lease, first snapshot
 *  Paused ─────────► Opening ─────────────────────────────────────────► Running ──┐ refresh: newer snapshot,
 *    ▲                                                                     │  ▲   │ sessions move over
 *    └──────────── snapshots closed ◄── idle for idle-pause ───────────────┘  └───┘
 *                                   ◄── Stop / Terminate (sessions closed; the proxy cannot move a reader session)
 * </pre>
 *
 * Readers hold no ACU allocation of their own: they run within the cluster's maximum (CPU budget,
 * connection slots) and are not scaled or metered by the supervisor.
 */
public final class ReaderInstance {

    /** Readers speak the writer's protocol (at least OpenSession and Stop), under their own entity type. */
    public static final EntityTypeKey<ComputeInstance.Command> TYPE_KEY = EntityTypeKey.create(ComputeInstance.Command.class,
            "ReaderInstance");
    private static final int STASH = 10_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReaderInstance.class);

    /** Tunables; see reference.conf {@code borealis.reader}. */
    public record Settings(Duration refreshInterval, Duration retentionWindow, Duration maxSnapshotAge, Duration statementTimeoutCeiling,
                           Duration idlePause, long cacheBytes) {
        public Settings {
            if (maxSnapshotAge.compareTo(retentionWindow.minus(refreshInterval.multipliedBy(2))) >= 0) {
                throw new IllegalArgumentException("borealis.reader.max-snapshot-age (" + maxSnapshotAge
                        + ") must stay below retention-window (" + retentionWindow + ") by at least two refresh intervals");
            }
        }

        public static Settings from(Config borealis) {
            Config r = borealis.getConfig("reader");
            return new Settings(r.getDuration("refresh-interval"), r.getDuration("retention-window"), r.getDuration("max-snapshot-age"),
                    r.getDuration("statement-timeout-ceiling"), r.getDuration("idle-pause"), r.getBytes("cache-size"));
        }
    }

    public record Context(ComputeInstance.Context compute, Settings settings) {}

    /**
     * Starts the readers' sharding on the compute role: a shard per reader, placed like writers
     * but outside the capacity supervisor's allocation.
     */
    public static void init(ActorSystem<?> system, Context node) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), node))
                .withRole("compute")
                .withStopMessage(new ComputeInstance.Stop())
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy())
                .withMessageExtractor(ComputePlacement.<ComputeInstance.Command>shardPerEntity()));
    }

    private interface Internal extends ComputeInstance.Command, NoSerializationVerificationNeeded {}

    private record SpecLoaded(DbCluster.ClusterInfo info, Throwable error) implements Internal {}

    private record Opened(VolumeFollower follower, ReaderSnapshot snapshot, Throwable error) implements Internal {}

    private record Refresh() implements Internal {}

    private record Refreshed(VolumeFollower.Point newest, long polledNanos, ReaderSnapshot snapshot, Throwable error) implements Internal {}

    private record SessionMoved(ActorRef<SqlSession.Command> session, ReaderSnapshot to, Throwable error) implements Internal {}

    private record Closed() implements Internal {}

    public static Behavior<ComputeInstance.Command> create(String entityId, Context node) {
        return Behaviors.withStash(STASH, stash -> Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new ReaderInstance(entityId, node, ctx, stash, timers).paused())));
    }

    private final String id;
    private final String clusterId;
    private final int number;
    private final Context node;
    private final ActorContext<ComputeInstance.Command> ctx;
    private final StashBuffer<ComputeInstance.Command> stash;
    private final TimerScheduler<ComputeInstance.Command> timers;

    // While opening and running.
    private ClusterSpec spec;
    private VolumeFollower follower;
    private CpuGovernor governor;
    private ReaderSnapshot current;
    private final List<ReaderSnapshot> snapshots = new ArrayList<>();
    private final ReaderSessions sessions = new ReaderSessions();
    private VolumeFollower.Point newest;
    private boolean refreshing;
    private long refreshes;
    /** The replica lag last measured: how far behind the snapshot the sessions read was, at most. */
    private double lagSeconds;
    /** Time spent opening snapshots since the reader resumed. */
    private double refreshSeconds;
    private long idleSinceNanos;
    private long resumeStartedNanos;
    private long seq;

    private ReaderInstance(String id, Context node, ActorContext<ComputeInstance.Command> ctx, StashBuffer<ComputeInstance.Command> stash,
                           TimerScheduler<ComputeInstance.Command> timers) {
        this.id = id;
        int at = id.lastIndexOf("/reader-");
        this.clusterId = at < 0 ? id : id.substring(0, at);
        this.number = at < 0 ? -1 : parseNumber(id.substring(at + "/reader-".length()));
        this.node = node;
        this.ctx = ctx;
        this.stash = stash;
        this.timers = timers;
    }

    private static int parseNumber(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- paused ----

    private Behavior<ComputeInstance.Command> paused() {
        return Behaviors.receive(ComputeInstance.Command.class)
                .onMessage(ComputeInstance.OpenSession.class, this::resumeFor)
                .onMessage(ComputeInstance.ReopenSession.class, r -> {
                    r.replyTo().tell(StatusReply.error("reader instance " + display() + " does not take sessions over from other instances"));
                    return Behaviors.same();
                })
                .onMessage(ComputeInstance.Stop.class, s -> Behaviors.stopped())
                .onMessage(ComputeInstance.Terminate.class, s -> Behaviors.stopped())
                .onMessage(ComputeInstance.CountSessions.class, c -> {
                    c.replyTo().tell(new ComputeInstance.SessionCount(0));
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    private Behavior<ComputeInstance.Command> resumeFor(ComputeInstance.OpenSession connect) {
        stash.stash(connect);
        resumeStartedNanos = System.nanoTime();
        ctx.getLog().info("reader instance {} resuming", id);
        ctx.pipeToSelf(node.compute().sharding().entityRefFor(DbCluster.TYPE_KEY, clusterId)
                        .<StatusReply<DbCluster.ClusterInfo>>ask(DbCluster.Get::new, node.compute().requestTimeout())
                        .thenApply(StatusReply::getValue),
                SpecLoaded::new);
        return opening();
    }

    // ---- opening ----

    private Behavior<ComputeInstance.Command> opening() {
        return Behaviors.receive(ComputeInstance.Command.class)
                .onMessage(SpecLoaded.class, l -> {
                    if (l.error() != null) {
                        return resumeFailed("the control plane did not answer: " + rootMessage(l.error()));
                    }
                    if (!l.info().readers().contains(number)) {
                        return resumeFailed("cluster " + clusterId.replace('/', '.') + " has no reader instance " + number);
                    }
                    spec = l.info().spec();
                    ClusterSpec s = spec;
                    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> open(s), node.compute().sqlPool()),
                            (ok, err) -> ok != null ? ok : new Opened(null, null, err));
                    return Behaviors.same();
                })
                .onMessage(Opened.class, this::onOpened)
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    /**
     * Leases retention from the writer first: a snapshot is safe only from the writer's newest LSN
     * when it started to retain, so the first snapshot waits until the replicas know that LSN durable.
     */
    private Opened open(ClusterSpec s) {
        VolumeFollower f = null;
        try {
            VolumeLayout layout = new VolumeLayout(s.groupSize());
            f = new VolumeFollower(s.volumeId(), layout, new ShardedSegmentTransport(ctx.getSystem(), node.compute().sharding(),
                    s.volumeId(), layout, node.compute().requestTimeout()), node.compute().requestTimeout());
            long deadline = System.nanoTime() + node.compute().volumeSettings().openTimeout().toNanos();
            long polled = System.nanoTime();
            VolumeFollower.Point p = f.poll();
            // A writer that is resuming answers once it runs; one that cannot be reached is not writing either. A volume
            // without a database yet wakes the writer, which creates it.
            boolean leased = renewLease(p.size() == 0);
            while ((!leased || p.size() == 0 || !lease.covers(p)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                if (!leased || p.size() == 0) {
                    leased = renewLease(p.size() == 0);
                }
                polled = System.nanoTime();
                p = f.poll();
            }
            if (p.size() == 0) {
                throw new IllegalStateException("cluster " + clusterId.replace('/', '.') + " has no database yet and its writer did not"
                        + " create one within " + node.compute().volumeSettings().openTimeout());
            }
            if (!leased) {
                LOG.warn("reader instance {}: the writer did not answer the retention lease; opening anyway", id);
            }
            return new Opened(f, openSnapshot(f, p, polled, s), null);
        } catch (Exception e) {
            if (f != null) {
                f.close();
            }
            return new Opened(null, null, e);
        }
    }

    private ReaderSnapshot openSnapshot(VolumeFollower f, VolumeFollower.Point p, long polledNanos, ClusterSpec s) throws Exception {
        AuditLog audit = AuditLog.get(ctx.getSystem());
        long ceiling = Math.min(s.statementTimeoutCeilingMillis(), node.settings().statementTimeoutCeiling().toMillis());
        EngineLimits limits = new EngineLimits(ceiling, s.maxMemoryRows(), s.tempFileLimitBytes(), s.storageQuotaBytes());
        StatementAudit statements = e -> audit.statement(s.tenant(), s.name(), e.user(), e.source(), e.statement(), e.sqlState(), e.message(),
                e.refused());
        long n;
        synchronized (this) {
            n = ++seq;
        }
        return ReaderSnapshot.open(id, n, f, p, polledNanos, s.engineSecret(), s.tenant() + "." + s.name(), limits, statements,
                node.settings().cacheBytes(), node.compute().volumeSettings().openReadAheadBlocks(),
                node.compute().volumeSettings().openPrefetchBytes(), s.masterUsername());
    }

    /** Asks the writer to retain (blocking: runs on the SQL pool, before a poll); false if it did not answer. */
    private boolean renewLease(boolean wake) {
        try {
            ComputeInstance.RetentionGranted g = node.compute().sharding().entityRefFor(ComputeInstance.TYPE_KEY, clusterId)
                    .<ComputeInstance.RetentionGranted>ask(replyTo -> new ComputeInstance.RetainForReaders(id, wake, replyTo),
                            node.compute().requestTimeout())
                    .toCompletableFuture().get(node.compute().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            lease.granted(g, System.nanoTime(), node.settings().retentionWindow());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private final ReaderLease lease = new ReaderLease();

    private Behavior<ComputeInstance.Command> onOpened(Opened o) {
        if (o.error() != null) {
            ctx.getLog().error("reader instance {} could not open a snapshot", id, o.error());
            return resumeFailed("reader instance " + display() + " is unavailable: " + rootMessage(o.error()));
        }
        follower = o.follower();
        current = o.snapshot();
        snapshots.add(current);
        newest = current.point();
        refreshes = 1;
        refreshSeconds = current.openMillis / 1000;
        double acu = Math.max(spec.maxAcu(), 0.5);
        double cpu = node.compute().capacity().profile().cpuPerSecond(acu);
        governor = new CpuGovernor(cpu, node.compute().governorTimer());
        governor.setMaxConcurrent(borealis.actors.capacity.InstanceResources.sqlThreads(cpu));
        idleSinceNanos = System.nanoTime();
        ctx.getLog().info("reader instance {} running at LSN {} (snapshot opened in {} ms), resumed in {} ms", id, current.point().lsn(),
                String.format(Locale.ROOT, "%.1f", current.openMillis),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - resumeStartedNanos) / 1e6));
        report();
        timers.startTimerWithFixedDelay(new Refresh(), node.settings().refreshInterval());
        return stash.unstashAll(running());
    }

    private Behavior<ComputeInstance.Command> resumeFailed(String message) {
        ctx.getLog().warn("reader instance {} could not resume: {}", id, message);
        stash.unstashAll(Behaviors.receive(ComputeInstance.Command.class)
                .onMessage(ComputeInstance.OpenSession.class, os -> {
                    os.replyTo().tell(StatusReply.error(message));
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build());
        return paused();
    }

    // ---- running ----

    private Behavior<ComputeInstance.Command> running() {
        return Behaviors.receive(ComputeInstance.Command.class)
                .onMessage(ComputeInstance.OpenSession.class, o -> {
                    openSession(o);
                    return Behaviors.same();
                })
                .onMessage(ComputeInstance.ReopenSession.class, r -> {
                    r.replyTo().tell(StatusReply.error("reader instance " + display() + " does not take sessions over from other instances"));
                    return Behaviors.same();
                })
                .onMessage(ComputeInstance.CountSessions.class, c -> {
                    c.replyTo().tell(new ComputeInstance.SessionCount(sessions.size()));
                    return Behaviors.same();
                })
                .onMessage(Refresh.class, r -> refresh())
                .onMessage(Refreshed.class, this::onRefreshed)
                .onMessage(SessionMoved.class, m -> {
                    sessions.moved(m.session(), m.to(), m.error());
                    if (m.error() != null) {
                        ctx.getLog().debug("reader instance {}: a session could not move to snapshot {}: {}", id, m.to().seq,
                                m.error().toString());
                    }
                    retire();
                    return Behaviors.same();
                })
                .onMessage(ComputeInstance.Stop.class, s -> close(true, "stopping"))
                .onMessage(ComputeInstance.Terminate.class, t -> close(true, "removed (or its cluster deleted)"))
                .onSignal(Terminated.class, t -> {
                    sessions.removed(t.getRef());
                    if (sessions.isEmpty()) {
                        idleSinceNanos = System.nanoTime();
                    }
                    retire();
                    return Behaviors.same();
                })
                .onSignal(PostStop.class, s -> {
                    closeNow();
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    private void openSession(ComputeInstance.OpenSession o) {
        ActorRef<SqlSession.Command> existing = sessions.sessionOf(o.client());
        if (existing != null) {
            o.replyTo().tell(StatusReply.success(existing));
            return;
        }
        int slots = node.compute().capacity().profile().connectionSlots(Math.max(spec.maxAcu(), 0.5));
        if (sessions.size() >= slots) {
            o.replyTo().tell(StatusReply.error(String.format(Locale.ROOT,
                    "too many connections: reader instance %s allows %d sessions (the cluster's maximum of %.1f ACU)", display(), slots,
                    spec.maxAcu())));
            return;
        }
        Map<String, String> startup = o.startupParameters();
        try {
            ReaderSnapshot snap = current;
            PgSession pg = snap.db.newSession(SessionSettings.fromStartup(startup, o.user()));
            ActorRef<SqlSession.Command> session = ctx.spawnAnonymous(
                    SqlSession.create(pg, snap.volume, o.client(), node.compute().sqlPool(), governor));
            ctx.watch(session);
            sessions.add(session, startup, o.user(), o.client(), snap);
            o.replyTo().tell(StatusReply.success(session));
        } catch (Exception e) {
            o.replyTo().tell(StatusReply.error("could not open a session: " + rootMessage(e)));
        }
    }

    // ---- following the writer ----

    private Behavior<ComputeInstance.Command> refresh() {
        if (!sessions.isEmpty()) {
            idleSinceNanos = System.nanoTime();
        } else if (System.nanoTime() - idleSinceNanos >= node.settings().idlePause().toNanos()) {
            return close(false, "idle for " + node.settings().idlePause());
        }
        if (refreshing) {
            return Behaviors.same();
        }
        refreshing = true;
        VolumeFollower f = follower;
        VolumeFollower.Point at = current.point();
        // A snapshot whose store H2 closed after a failed read is replaced even if the writer is idle.
        boolean broken = !current.db.isOpen();
        ClusterSpec s = spec;
        ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> {
            // Without an answer (the writer resuming or unreachable), no new snapshot: whether it is covered is unknown.
            boolean leased = renewLease(false);
            long polled = System.nanoTime();
            try {
                VolumeFollower.Point p = f.poll();
                boolean moved = broken || p.lsn() > at.lsn() || p.epoch() != at.epoch() || p.size() != at.size();
                // A point the writer's retention does not cover yet is opened at a later refresh.
                boolean open = moved && (leased || broken) && lease.covers(p);
                return new Refreshed(p, polled, open ? openSnapshot(f, p, polled, s) : null, null);
            } catch (Exception e) {
                return new Refreshed(null, polled, null, e);
            }
        }, node.compute().sqlPool()), (ok, err) -> ok != null ? ok : new Refreshed(null, System.nanoTime(), null, err));
        return Behaviors.same();
    }

    private Behavior<ComputeInstance.Command> onRefreshed(Refreshed r) {
        refreshing = false;
        long now = System.nanoTime();
        if (r.error() != null) {
            ctx.getLog().warn("reader instance {}: refresh failed (serving snapshot at LSN {} meanwhile): {}", id, current.point().lsn(),
                    rootMessage(r.error()));
        } else {
            if (newest == null || r.newest().lsn() >= newest.lsn()) {
                newest = r.newest();
            }
            for (ReaderSnapshot s : snapshots) {
                if (newest.lsn() > s.point().lsn()) {
                    if (s.staleSinceNanos == 0) {
                        s.staleSinceNanos = s.confirmedNanos;
                    }
                } else {
                    s.confirmedNanos = Math.max(s.confirmedNanos, r.polledNanos());
                }
            }
            if (r.snapshot() != null) {
                // What the sessions saw until now was this far behind at most.
                lagSeconds = current.staleSeconds(now);
                install(r.snapshot());
            } else {
                lagSeconds = current.staleSeconds(now);
                moveSessions();
            }
        }
        retire();
        report();
        return Behaviors.same();
    }

    /** The new snapshot becomes current; every session moves to it at its next transaction boundary. */
    private void install(ReaderSnapshot next) {
        snapshots.add(next);
        current = next;
        refreshes++;
        refreshSeconds += next.openMillis / 1000;
        moveSessions();
    }

    /** Every session moves to the current snapshot at its next transaction boundary. */
    private void moveSessions() {
        ActorRef<ComputeInstance.Command> self = ctx.getSelf();
        sessions.moveAllTo(current, (session, to, error) -> self.tell(new SessionMoved(session, to, error)));
    }

    /**
     * Closes snapshots no session uses (but the current one), and the sessions still inside a
     * transaction on a snapshot superseded for too long (or taken before the writer changed).
     */
    private void retire() {
        long now = System.nanoTime();
        for (ReaderSnapshot s : List.copyOf(snapshots)) {
            if (s == current) {
                continue;
            }
            if (!sessions.uses(s)) {
                snapshots.remove(s);
                node.compute().sqlPool().execute(() -> closeQuietly(s));
                continue;
            }
            boolean tooOld = s.staleSeconds(now) * 1000 >= node.settings().maxSnapshotAge().toMillis();
            boolean otherWriter = s.point().epoch() != current.point().epoch();
            if (tooOld || otherWriter) {
                String why = otherWriter ? "a new writer opened the volume" : "the transaction's snapshot is older than "
                        + node.settings().maxSnapshotAge().toMillis() / 1000.0 + " s (borealis.reader.max-snapshot-age)";
                sessions.on(s).forEach(session -> {
                    ctx.getLog().warn("reader instance {}: closing a session still in a transaction on snapshot {}: {}", id, s.seq, why);
                    sessions.end(session, "40001", "terminating connection due to conflict with recovery: " + why);
                });
            }
        }
    }

    private void report() {
        long lagLsn = newest == null ? 0 : Math.max(0, newest.lsn() - current.point().lsn());
        ReaderMetrics.report(id, lagSeconds, lagLsn, snapshots.size(), refreshes, refreshSeconds);
    }

    // ---- closing ----

    private Behavior<ComputeInstance.Command> close(boolean stopAfter, String why) {
        ctx.getLog().info("reader instance {} closing ({}): {} sessions, {} snapshots", id, why, sessions.size(), snapshots.size());
        timers.cancel(new Refresh());
        sessions.all().forEach(s -> {
            ctx.unwatch(s);
            sessions.end(s, "57P01", "terminating connection: reader instance " + display() + " is " + why);
        });
        sessions.clear();
        ReaderMetrics.forget(id);
        List<ReaderSnapshot> toClose = List.copyOf(snapshots);
        VolumeFollower f = follower;
        snapshots.clear();
        current = null;
        follower = null;
        ctx.pipeToSelf(CompletableFuture.runAsync(() -> {
            toClose.forEach(ReaderInstance::closeQuietly);
            f.close();
        }, node.compute().sqlPool()), (ok, err) -> new Closed());
        return Behaviors.receive(ComputeInstance.Command.class)
                .onMessage(Closed.class, c -> {
                    if (stopAfter) {
                        return Behaviors.stopped();
                    }
                    ctx.getLog().info("reader instance {} paused", id);
                    return stash.unstashAll(paused());
                })
                .onMessage(ComputeInstance.OpenSession.class, o -> {
                    if (stopAfter) {
                        o.replyTo().tell(StatusReply.error("reader instance " + display() + " is stopping"));
                    } else {
                        stash.stash(o);
                    }
                    return Behaviors.same();
                })
                .onMessage(ComputeInstance.CountSessions.class, c -> {
                    c.replyTo().tell(new ComputeInstance.SessionCount(0));
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    /** The actor stops with snapshots open (the actor system is terminating): close in place. */
    private void closeNow() {
        ReaderMetrics.forget(id);
        snapshots.forEach(ReaderInstance::closeQuietly);
        snapshots.clear();
        if (follower != null) {
            follower.close();
            follower = null;
        }
    }

    private static void closeQuietly(ReaderSnapshot s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            LOG.warn("closing a reader snapshot failed", e);
        }
    }

    private String display() {
        return clusterId.replace('/', '.') + "/reader-" + number;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
