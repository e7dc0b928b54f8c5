package borealis.actors.control;

import borealis.persistence.serialization.BorealisSerializable;
import java.util.List;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/**
 * The list of tenant names, so that tenants can be listed (one entity, id {@link #ID}). A name is
 * registered after its tenant is created and unregistered after it is deleted; listing skips any
 * name whose tenant is gone (a crash between the two steps).
 */
public final class TenantDirectory extends EventSourcedBehaviorWithEnforcedReplies<TenantDirectory.Command, TenantDirectory.Event, TenantDirectory.State> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "TenantDirectory");
    public static final String ID = "all";

    public interface Command extends BorealisSerializable {}

    public record Register(String tenant, ActorRef<Done> replyTo) implements Command {}

    public record Unregister(String tenant, ActorRef<Done> replyTo) implements Command {}

    public record ListTenants(ActorRef<Tenants> replyTo) implements Command {}

    public enum Done implements BorealisSerializable { INSTANCE }

    public record Tenants(List<String> names) implements BorealisSerializable {}

    public interface Event extends BorealisSerializable {}

    public record Registered(String tenant) implements Event {}

    public record Unregistered(String tenant) implements Event {}

    public record State(TreeSet<String> names) implements BorealisSerializable {
        State with(String tenant) {
            TreeSet<String> n = new TreeSet<>(names);
            n.add(tenant);
            return new State(n);
        }

        State without(String tenant) {
            TreeSet<String> n = new TreeSet<>(names);
            n.remove(tenant);
            return new State(n);
        }
    }

    private TenantDirectory(PersistenceId persistenceId) {
        super(persistenceId);
    }

    /** Starts this entity's sharding on the nodes of the control role. */
    public static void init(ActorSystem<?> system) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(),
                PersistenceId.of(ctx.getEntityTypeKey().name(), ctx.getEntityId()))).withRole("control"));
    }

    public static Behavior<Command> create(String entityId, PersistenceId persistenceId) {
        return new TenantDirectory(persistenceId);
    }

    @Override
    public State emptyState() {
        return new State(new TreeSet<>());
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Register.class, (s, c) -> s.names().contains(c.tenant())
                        ? Effect().reply(c.replyTo(), Done.INSTANCE)
                        : Effect().persist(new Registered(c.tenant())).thenReply(c.replyTo(), ns -> Done.INSTANCE))
                .onCommand(Unregister.class, (s, c) -> !s.names().contains(c.tenant())
                        ? Effect().reply(c.replyTo(), Done.INSTANCE)
                        : Effect().persist(new Unregistered(c.tenant())).thenReply(c.replyTo(), ns -> Done.INSTANCE))
                .onCommand(ListTenants.class, (s, c) -> Effect().reply(c.replyTo(), new Tenants(List.copyOf(s.names()))))
                .build();
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Registered.class, (s, e) -> s.with(e.tenant()))
                .onEvent(Unregistered.class, (s, e) -> s.without(e.tenant()))
                .build();
    }
}
