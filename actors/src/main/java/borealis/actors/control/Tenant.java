package borealis.actors.control;

import borealis.actors.cluster.Rejection;
import borealis.persistence.serialization.BorealisSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A customer of the platform: its name, description, cluster quota, and the names of the database
 * clusters it owns. The tenant is the owner of its cluster names: a cluster name is reserved here
 * (within the quota) before the cluster entity is created, and released if that fails, so that
 * nothing is half-created.
 *
 * <pre>
 *  Empty ── Create ──► Active ── Delete (no clusters left) ──► Empty (the name is free again)
 * </pre>
 */
public final class Tenant extends EventSourcedBehaviorWithEnforcedReplies<Tenant.Command, Tenant.Event, Tenant.State> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Tenant");

    public interface Command extends BorealisSerializable {}

    /** With the same {@code clientToken} and parameters again, answers as the first time. */
    public record Create(String description, int maxClusters, String clientToken, ActorRef<StatusReply<TenantInfo>> replyTo)
            implements Command {}

    public record Get(ActorRef<StatusReply<TenantInfo>> replyTo) implements Command {}

    /** null leaves a value as it is. */
    public record Modify(String description, Integer maxClusters, ActorRef<StatusReply<TenantInfo>> replyTo) implements Command {}

    /** Refused while the tenant owns clusters. */
    public record Delete(ActorRef<StatusReply<TenantInfo>> replyTo) implements Command {}

    /** Reserves a cluster name within the quota; succeeds again for a name already held. */
    public record AddCluster(String cluster, ActorRef<StatusReply<TenantInfo>> replyTo) implements Command {}

    public record RemoveCluster(String cluster, ActorRef<StatusReply<TenantInfo>> replyTo) implements Command {}

    public record TenantInfo(String name, String description, int maxClusters, List<String> clusters, String createdAt)
            implements BorealisSerializable {}

    public interface Event extends BorealisSerializable {}

    public record Created(Instant at, String description, int maxClusters, String clientToken) implements Event {}

    public record ClusterAdded(String cluster) implements Event {}

    public record ClusterRemoved(String cluster) implements Event {}

    public record Modified(String description, int maxClusters) implements Event {}

    public enum Deleted implements Event { INSTANCE }

    public interface State extends BorealisSerializable {}

    public enum Empty implements State { INSTANCE }

    public record Active(TreeSet<String> clusters, Instant createdAt, String description, int maxClusters, String clientToken)
            implements State {
        Active withCluster(String cluster) {
            TreeSet<String> c = new TreeSet<>(clusters);
            c.add(cluster);
            return withClusters(c);
        }

        Active withoutCluster(String cluster) {
            TreeSet<String> c = new TreeSet<>(clusters);
            c.remove(cluster);
            return withClusters(c);
        }

        Active modified(Modified e) {
            return new Active(clusters, createdAt, e.description(), e.maxClusters(), clientToken);
        }

        private Active withClusters(TreeSet<String> c) {
            return new Active(c, createdAt, description, maxClusters, clientToken);
        }
    }

    private final String name;

    private Tenant(String name, PersistenceId persistenceId) {
        super(persistenceId);
        this.name = name;
    }

    /** Starts this entity's sharding on the nodes of the control role. */
    public static void init(ActorSystem<?> system) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(),
                PersistenceId.of(ctx.getEntityTypeKey().name(), ctx.getEntityId()))).withRole("control"));
    }

    public static Behavior<Command> create(String entityId, PersistenceId persistenceId) {
        return new Tenant(entityId, persistenceId);
    }

    private TenantInfo info(State s) {
        Active a = (Active) s;
        return new TenantInfo(name, a.description(), a.maxClusters(), List.copyOf(a.clusters()), a.createdAt().toString());
    }

    private <T> StatusReply<T> missing() {
        return Rejection.NOT_FOUND.reply("tenant " + name + " does not exist");
    }

    @Override
    public State emptyState() {
        return Empty.INSTANCE;
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
        b.forStateType(Empty.class)
                .onCommand(Create.class, (s, c) -> Effect().persist(new Created(Instant.now(), c.description(), c.maxClusters(), c.clientToken()))
                        .thenReply(c.replyTo(), ns -> StatusReply.success(info(ns))))
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(Modify.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(Delete.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(AddCluster.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                // Releasing a name of a tenant that is gone has nothing left to do.
                .onCommand(RemoveCluster.class, (s, c) -> Effect().reply(c.replyTo(), missing()));
        b.forStateType(Active.class)
                .onCommand(Create.class, this::createAgain)
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(info(s))))
                .onCommand(Modify.class, this::modify)
                .onCommand(Delete.class, (s, c) -> !s.clusters().isEmpty()
                        ? Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("tenant " + name + " still owns clusters "
                                + s.clusters() + "; delete them first"))
                        : Effect().persist(Deleted.INSTANCE).thenReply(c.replyTo(), ns -> StatusReply.success(info(s))))
                .onCommand(AddCluster.class, this::addCluster)
                .onCommand(RemoveCluster.class, (s, c) -> !s.clusters().contains(c.cluster())
                        ? Effect().reply(c.replyTo(), StatusReply.success(info(s)))
                        : Effect().persist(new ClusterRemoved(c.cluster())).thenReply(c.replyTo(), ns -> StatusReply.success(info(ns))));
        return b.build();
    }

    private ReplyEffect<Event, State> createAgain(Active s, Create c) {
        if (c.clientToken() == null || !c.clientToken().equals(s.clientToken())) {
            return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("tenant " + name + " already exists"));
        }
        if (!Objects.equals(c.description(), s.description()) || c.maxClusters() != s.maxClusters()) {
            return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("client token " + c.clientToken()
                    + " was already used to create tenant " + name + " with different parameters"));
        }
        return Effect().reply(c.replyTo(), StatusReply.success(info(s)));
    }

    private ReplyEffect<Event, State> modify(Active s, Modify c) {
        int max = c.maxClusters() != null ? c.maxClusters() : s.maxClusters();
        if (max < s.clusters().size()) {
            return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("tenant " + name + " owns " + s.clusters().size()
                    + " clusters; maxClusters cannot be lower than that, got " + max));
        }
        String description = c.description() != null ? c.description() : s.description();
        return Effect().persist(new Modified(description, max)).thenReply(c.replyTo(), ns -> StatusReply.success(info(ns)));
    }

    private ReplyEffect<Event, State> addCluster(Active s, AddCluster c) {
        if (s.clusters().contains(c.cluster())) {
            return Effect().reply(c.replyTo(), StatusReply.success(info(s)));
        }
        if (s.clusters().size() >= s.maxClusters()) {
            return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("tenant " + name + " has reached its quota of "
                    + s.maxClusters() + " clusters; delete one or raise maxClusters"));
        }
        return Effect().persist(new ClusterAdded(c.cluster())).thenReply(c.replyTo(), ns -> StatusReply.success(info(ns)));
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Created.class, (s, e) -> new Active(new TreeSet<>(), e.at(), e.description(), e.maxClusters(), e.clientToken()))
                .onEvent(ClusterAdded.class, (s, e) -> ((Active) s).withCluster(e.cluster()))
                .onEvent(ClusterRemoved.class, (s, e) -> ((Active) s).withoutCluster(e.cluster()))
                .onEvent(Modified.class, (s, e) -> ((Active) s).modified(e))
                .onEvent(Deleted.class, (s, e) -> Empty.INSTANCE)
                .build();
    }
}
