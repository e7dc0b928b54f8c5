package borealis.actors.compute;

import borealis.actors.audit.AuditLog;
import borealis.actors.control.DbCluster;
import borealis.actors.storage.ShardedSegmentTransport;
import borealis.engine.pg.SessionSettings;
import borealis.engine.sql.Database;
import borealis.engine.volume.ReplicatedVolume;
import borealis.persistence.serialization.BorealisSerializable;
import borealis.persistence.volume.VolumeLayout;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;

/**
 * The compute of a database cluster: its writer, which opens the volume (recovery, new epoch),
 * runs H2 on it and hosts the client sessions. Compute is disposable: it keeps nothing that the
 * volume and the control plane do not, so any node can start it again.
 *
 * <pre>
 *  Opening  ── epoch from DbCluster, volume recovery, H2 open ──►  Running  ── Stop ──►  (closed)
 *  (OpenSession stashed)                                          (sessions, maintenance)
 * </pre>
 */
public final class ComputeInstance {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "ComputeInstance");
    private static final Duration MAINTENANCE_INTERVAL = Duration.ofSeconds(5);
    private static final int STASH = 10_000;

    public interface Command extends BorealisSerializable {}

    /** Opens a SQL session for a client connection; the reply is the session's ref. */
    public record OpenSession(Map<String, String> startupParameters, String user, ActorRef<ClientConnection> client,
                              ActorRef<StatusReply<ActorRef<SqlSession.Command>>> replyTo) implements Command {}

    /** Closes the database cleanly and stops. */
    public record Stop() implements Command {}

    /** How many client sessions are open (for the control plane, e.g. before deleting the cluster). */
    public record CountSessions(ActorRef<SessionCount> replyTo) implements Command {}

    public record SessionCount(int sessions) implements BorealisSerializable {}

    private record Opened(DbCluster.ComputeSpec spec, ReplicatedVolume volume, Database database, Throwable error) implements Command {}

    private record Maintain() implements Command {}

    private record MaintenanceDone() implements Command {}

    /** Node-local things every instance needs. */
    public record Context(ClusterSharding sharding, ExecutorService sqlPool, ReplicatedVolume.Settings volumeSettings,
                          Duration requestTimeout) {}

    public static Behavior<Command> create(String clusterId, Context node) {
        return Behaviors.withStash(STASH, stash -> Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.getLog().info("compute instance {} starting", clusterId);
            CompletableFuture<DbCluster.ComputeSpec> spec = node.sharding()
                    .entityRefFor(DbCluster.TYPE_KEY, clusterId)
                    .<StatusReply<DbCluster.ComputeSpec>>ask(DbCluster.AllocateEpoch::new, node.requestTimeout())
                    .thenApply(StatusReply::getValue)
                    .toCompletableFuture();
            AuditLog audit = AuditLog.get(ctx.getSystem());
            CompletableFuture<Opened> opened = spec.thenApplyAsync(s -> open(clusterId, s, node, audit), node.sqlPool());
            ctx.pipeToSelf(opened, (ok, err) -> ok != null ? ok : new Opened(null, null, null, err));
            return opening(clusterId, node, ctx, stash, timers);
        })));
    }

    private static Opened open(String clusterId, DbCluster.ComputeSpec spec, Context node, AuditLog audit) {
        ReplicatedVolume volume = null;
        try {
            VolumeLayout layout = new VolumeLayout(spec.spec().groupSize());
            String volumeId = spec.spec().volumeId();
            volume = ReplicatedVolume.open(volumeId, layout,
                    new ShardedSegmentTransport(node.sharding(), volumeId, layout, node.requestTimeout()), spec.epoch(), node.volumeSettings());
            Database db = Database.open(volume, spec.spec().engineSecret(), spec.spec().engineLimits(),
                    e -> audit.statement(spec.spec().tenant(), spec.spec().name(), e.user(), e.source(), e.statement(), e.sqlState(), e.message()));
            return new Opened(spec, volume, db, null);
        } catch (Exception e) {
            if (volume != null) {
                volume.close();
            }
            return new Opened(spec, null, null, e);
        }
    }

    private static Behavior<Command> opening(String clusterId, Context node, ActorContext<Command> ctx, StashBuffer<Command> stash,
                                             TimerScheduler<Command> timers) {
        return Behaviors.receive(Command.class)
                .onMessage(Opened.class, o -> {
                    if (o.error() != null) {
                        ctx.getLog().error("compute instance {} could not open its database", clusterId, o.error());
                        stash.forEach(c -> {
                            if (c instanceof OpenSession os) {
                                os.replyTo().tell(StatusReply.error("database " + clusterId + " is unavailable: " + rootMessage(o.error())));
                            }
                        });
                        return Behaviors.stopped();
                    }
                    ctx.getLog().info("compute instance {} running (epoch {})", clusterId, o.spec().epoch());
                    timers.startTimerWithFixedDelay(new Maintain(), MAINTENANCE_INTERVAL);
                    return stash.unstashAll(running(clusterId, node, ctx, o.volume(), o.database()));
                })
                .onMessage(Stop.class, s -> Behaviors.same())
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    private static Behavior<Command> running(String clusterId, Context node, ActorContext<Command> ctx, ReplicatedVolume volume,
                                             Database db) {
        return Behaviors.receive(Command.class)
                .onMessage(OpenSession.class, o -> {
                    try {
                        SessionSettings settings = new SessionSettings();
                        o.startupParameters().forEach((k, v) -> {
                            if (!k.equals("user") && !k.equals("database") && !k.equals("options") && !k.equals("replication")) {
                                settings.startup(k, v);
                            }
                        });
                        settings.startup("session_authorization", o.user());
                        ActorRef<SqlSession.Command> session = ctx.spawnAnonymous(
                                SqlSession.create(db.newSession(settings), volume, o.client(), node.sqlPool()));
                        ctx.watch(session);
                        o.replyTo().tell(StatusReply.success(session));
                    } catch (Exception e) {
                        o.replyTo().tell(StatusReply.error("could not open a session: " + rootMessage(e)));
                    }
                    return Behaviors.same();
                })
                .onMessage(Maintain.class, m -> {
                    ctx.pipeToSelf(CompletableFuture.runAsync(db::maintain, node.sqlPool()), (ok, err) -> new MaintenanceDone());
                    return Behaviors.same();
                })
                .onMessage(MaintenanceDone.class, m -> Behaviors.same())
                .onMessage(CountSessions.class, c -> {
                    // Its children are its SQL sessions.
                    c.replyTo().tell(new SessionCount(ctx.getChildren().size()));
                    return Behaviors.same();
                })
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .onSignal(Terminated.class, t -> Behaviors.same())
                .onSignal(PostStop.class, s -> {
                    ctx.getLog().info("compute instance {} stopping", clusterId);
                    db.close();
                    volume.close();
                    return Behaviors.same();
                })
                .build();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
