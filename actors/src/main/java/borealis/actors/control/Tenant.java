package borealis.actors.control;

import borealis.persistence.serialization.BorealisSerializable;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/** A customer of the platform: its name and the database clusters it owns. */
public final class Tenant extends EventSourcedBehaviorWithEnforcedReplies<Tenant.Command, Tenant.Event, Tenant.State> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Tenant");

    public interface Command extends BorealisSerializable {}

    public record Create(ActorRef<StatusReply<TenantInfo>> replyTo) implements Command {}

    public record Get(ActorRef<StatusReply<TenantInfo>> replyTo) implements Command {}

    public record AddCluster(String cluster, ActorRef<StatusReply<TenantInfo>> replyTo) implements Command {}

    public record TenantInfo(String name, List<String> clusters, String createdAt) implements BorealisSerializable {}

    public interface Event extends BorealisSerializable {}

    public record Created(Instant at) implements Event {}

    public record ClusterAdded(String cluster) implements Event {}

    public interface State extends BorealisSerializable {}

    public enum Empty implements State { INSTANCE }

    public record Active(TreeSet<String> clusters, Instant createdAt) implements State {}

    private final String name;

    private Tenant(String name, PersistenceId persistenceId) {
        super(persistenceId);
        this.name = name;
    }

    public static Behavior<Command> create(String entityId, PersistenceId persistenceId) {
        return new Tenant(entityId, persistenceId);
    }

    private TenantInfo info(State s) {
        Active a = (Active) s;
        return new TenantInfo(name, List.copyOf(a.clusters()), a.createdAt().toString());
    }

    @Override
    public State emptyState() {
        return Empty.INSTANCE;
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
        b.forStateType(Empty.class)
                .onCommand(Create.class, (s, c) -> Effect().persist(new Created(Instant.now()))
                        .thenReply(c.replyTo(), ns -> StatusReply.success(info(ns))))
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("tenant " + name + " does not exist")))
                .onCommand(AddCluster.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("tenant " + name + " does not exist")));
        b.forStateType(Active.class)
                .onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("tenant " + name + " already exists")))
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(info(s))))
                .onCommand(AddCluster.class, (s, c) -> s.clusters().contains(c.cluster())
                        ? Effect().reply(c.replyTo(), StatusReply.success(info(s)))
                        : Effect().persist(new ClusterAdded(c.cluster())).thenReply(c.replyTo(), ns -> StatusReply.success(info(ns))));
        return b.build();
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Created.class, (s, e) -> new Active(new TreeSet<>(), e.at()))
                .onEvent(ClusterAdded.class, (s, e) -> {
                    Active a = (Active) s;
                    TreeSet<String> clusters = new TreeSet<>(a.clusters());
                    clusters.add(e.cluster());
                    return new Active(clusters, a.createdAt());
                })
                .build();
    }
}
