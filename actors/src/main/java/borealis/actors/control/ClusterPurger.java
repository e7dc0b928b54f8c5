package borealis.actors.control;

import borealis.actors.cluster.DbCluster;
import borealis.persistence.serialization.BorealisSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Purges the storage of deleted clusters once their retention has passed: a cluster singleton
 * (one in the whole cluster, on a control node) whose pending purges are persisted, so that a
 * purge scheduled days ahead survives restarts and fail-over.
 *
 * <pre>
 *  Schedule(cluster, purgeAt) ──► pending ── timer at purgeAt ──► compute still running? ── yes ──► stop it, check again
 *                                                                         │ no
 *                                                                         ▼
 *                                   VolumePurge ── ok ──► DbCluster.PurgeCompleted, done
 *                                               └─ failed ──► retry after retry-interval
 * </pre>
 */
public final class ClusterPurger extends EventSourcedBehavior<ClusterPurger.Command, ClusterPurger.Event, ClusterPurger.State> {

    public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("ClusterPurger");

    public interface Command extends BorealisSerializable {}

    /** Purge the volume of {@code clusterId} at {@code purgeAt}; answered once the purge is recorded. */
    public record Schedule(String clusterId, String volumeId, long groupSize, Instant purgeAt, ActorRef<StatusReply<Scheduled>> replyTo)
            implements Command {}

    public record GetPending(ActorRef<Pending> replyTo) implements Command {}

    public record Pending(List<String> clusterIds) implements BorealisSerializable {}

    private record Due(String clusterId) implements Command {}

    private record ComputeChecked(String clusterId, List<String> running) implements Command {}

    private record Finished(String clusterId, int groups, Throwable error) implements Command {}

    private static final Duration COMPUTE_STOP_POLL = Duration.ofMillis(500);

    public interface Event extends BorealisSerializable {}

    public record Scheduled(String clusterId, String volumeId, long groupSize, Instant purgeAt) implements Event {}

    public record Completed(String clusterId) implements Event {}

    public record Job(String volumeId, long groupSize, Instant purgeAt) implements BorealisSerializable {}

    public record State(TreeMap<String, Job> jobs) implements BorealisSerializable {}

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final ClusterSharding sharding;
    private final ComputeProbe compute;
    private final Duration timeout;
    private final Duration retryInterval;
    private final Set<String> running = new HashSet<>();

    private ClusterPurger(ActorContext<Command> ctx, TimerScheduler<Command> timers, ClusterSharding sharding, ComputeProbe compute,
                          Duration timeout, Duration retryInterval) {
        super(PERSISTENCE_ID);
        this.ctx = ctx;
        this.timers = timers;
        this.sharding = sharding;
        this.compute = compute;
        this.timeout = timeout;
        this.retryInterval = retryInterval;
    }

    public static Behavior<Command> create(ClusterSharding sharding, ComputeProbe compute, Duration timeout, Duration retryInterval) {
        // A singleton that stops is not started again: when its journal cannot answer (the control
        // plane's majority is not up yet, as while the first node of a cluster starts alone) it
        // restarts and recovers again instead.
        return Behaviors.supervise(Behaviors.<Command>setup(ctx -> Behaviors.withTimers(
                        timers -> new ClusterPurger(ctx, timers, sharding, compute, timeout, retryInterval))))
                .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    }

    @Override
    public State emptyState() {
        return new State(new TreeMap<>());
    }

    @Override
    public CommandHandler<Command, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Schedule.class, (s, c) -> {
                    Scheduled e = new Scheduled(c.clusterId(), c.volumeId(), c.groupSize(), c.purgeAt());
                    if (s.jobs().containsKey(c.clusterId())) {
                        c.replyTo().tell(StatusReply.success(e));
                        return Effect().none();
                    }
                    return Effect().persist(e).thenRun(ns -> {
                        schedule(c.clusterId(), c.purgeAt());
                        c.replyTo().tell(StatusReply.success(e));
                    });
                })
                .onCommand(GetPending.class, (s, c) -> {
                    c.replyTo().tell(new Pending(List.copyOf(s.jobs().keySet())));
                    return Effect().none();
                })
                .onCommand(Due.class, (s, c) -> {
                    Job job = s.jobs().get(c.clusterId());
                    if (job != null && running.add(c.clusterId())) {
                        // A writer still closing could write again behind the purge: wait until none runs.
                        ctx.pipeToSelf(compute.runningInstances(c.clusterId()), (ids, error) -> new ComputeChecked(c.clusterId(),
                                ids == null ? List.of("(unknown: " + error + ")") : ids));
                    }
                    return Effect().none();
                })
                .onCommand(ComputeChecked.class, (s, c) -> {
                    Job job = s.jobs().get(c.clusterId());
                    if (job == null) {
                        running.remove(c.clusterId());
                    } else if (!c.running().isEmpty()) {
                        running.remove(c.clusterId());
                        compute.stop(c.clusterId());
                        timers.startSingleTimer(c.clusterId(), new Due(c.clusterId()), COMPUTE_STOP_POLL);
                    } else {
                        ctx.getLog().info("purging the storage of deleted cluster {} (volume {})", c.clusterId(), job.volumeId());
                        ctx.pipeToSelf(VolumePurge.run(sharding, job.volumeId(), job.groupSize(), timeout)
                                        .thenCompose(groups -> sharding.entityRefFor(DbCluster.TYPE_KEY, c.clusterId())
                                                .<StatusReply<DbCluster.ClusterInfo>>ask(DbCluster.PurgeCompleted::new, timeout)
                                                .thenApply(r -> groups)),
                                (groups, error) -> new Finished(c.clusterId(), groups == null ? 0 : groups, error));
                    }
                    return Effect().none();
                })
                .onCommand(Finished.class, (s, c) -> {
                    running.remove(c.clusterId());
                    if (c.error() != null) {
                        ctx.getLog().warn("purge of cluster {} failed, retrying in {}: {}", c.clusterId(), retryInterval, c.error().toString());
                        timers.startSingleTimer(c.clusterId(), new Due(c.clusterId()), retryInterval);
                        return Effect().none();
                    }
                    ctx.getLog().info("storage of deleted cluster {} purged ({} protection groups)", c.clusterId(), c.groups());
                    return Effect().persist(new Completed(c.clusterId()));
                })
                .build();
    }

    private void schedule(String clusterId, Instant purgeAt) {
        Duration delay = Duration.between(Instant.now(), purgeAt);
        timers.startSingleTimer(clusterId, new Due(clusterId), delay.isNegative() ? Duration.ZERO : delay);
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Scheduled.class, (s, e) -> {
                    TreeMap<String, Job> jobs = new TreeMap<>(s.jobs());
                    jobs.put(e.clusterId(), new Job(e.volumeId(), e.groupSize(), e.purgeAt()));
                    return new State(jobs);
                })
                .onEvent(Completed.class, (s, e) -> {
                    TreeMap<String, Job> jobs = new TreeMap<>(s.jobs());
                    jobs.remove(e.clusterId());
                    return new State(jobs);
                })
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), s -> s.jobs().forEach((id, job) -> schedule(id, job.purgeAt())))
                .build();
    }
}
