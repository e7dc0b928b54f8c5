package borealis.actors.control;

import borealis.actors.auth.ScramVerifier;
import borealis.persistence.serialization.BorealisSerializable;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A tenant's database cluster in the control plane: its configuration, its database users (as
 * SCRAM verifiers only), and the epoch counter of its volume. Each writer that opens the volume
 * takes the next epoch from here, so epochs only ever grow, even across restarts.
 */
public final class DbCluster extends EventSourcedBehaviorWithEnforcedReplies<DbCluster.Command, DbCluster.Event, DbCluster.State> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "DbCluster");
    private static final SecureRandom RANDOM = new SecureRandom();

    // ---- protocol ----

    public interface Command extends BorealisSerializable {}

    public record Create(ClusterSpec spec, String user, ScramVerifier verifier, ActorRef<StatusReply<ClusterInfo>> replyTo)
            implements Command {}

    public record Get(ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    /** The verifier of a database user, for authenticating a client connection. */
    public record GetAuth(String user, ActorRef<AuthInfo> replyTo) implements Command {}

    /** A writer is about to open the volume: take the next epoch. */
    public record AllocateEpoch(ActorRef<StatusReply<ComputeSpec>> replyTo) implements Command {}

    /** {@code verifier} is null when the cluster or the user does not exist. */
    public record AuthInfo(boolean clusterExists, ScramVerifier verifier) implements BorealisSerializable {}

    public record ComputeSpec(ClusterSpec spec, long epoch) implements BorealisSerializable {}

    /** What the API shows of a cluster. */
    public record ClusterInfo(String tenant, String name, double minAcu, double maxAcu, int secondsUntilAutoPause,
                              List<String> users, String createdAt) implements BorealisSerializable {}

    public interface Event extends BorealisSerializable {}

    public record Created(ClusterSpec spec, String user, ScramVerifier verifier, Instant at) implements Event {}

    public record EpochAllocated(long epoch) implements Event {}

    // ---- state ----

    public interface State extends BorealisSerializable {}

    public enum Empty implements State { INSTANCE }

    public record Active(ClusterSpec spec, Map<String, ScramVerifier> users, long epoch, Instant createdAt) implements State {
        Active withEpoch(long e) {
            return new Active(spec, users, e, createdAt);
        }

        ClusterInfo info() {
            return new ClusterInfo(spec.tenant(), spec.name(), spec.minAcu(), spec.maxAcu(), spec.secondsUntilAutoPause(),
                    List.copyOf(users.keySet()), createdAt.toString());
        }
    }

    // ---- behaviour ----

    private final String id;

    private DbCluster(String id, PersistenceId persistenceId) {
        super(persistenceId);
        this.id = id;
    }

    public static Behavior<Command> create(String entityId, PersistenceId persistenceId) {
        return new DbCluster(entityId, persistenceId);
    }

    /** A fresh secret for the engine's admin user. */
    public static String newEngineSecret() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public State emptyState() {
        return Empty.INSTANCE;
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
        b.forStateType(Empty.class)
                .onCommand(Create.class, this::create)
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("cluster " + id + " does not exist")))
                .onCommand(GetAuth.class, (s, c) -> Effect().reply(c.replyTo(), new AuthInfo(false, null)))
                .onCommand(AllocateEpoch.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("cluster " + id + " does not exist")));
        b.forStateType(Active.class)
                .onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("cluster " + id + " already exists")))
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())))
                .onCommand(GetAuth.class, (s, c) -> Effect().reply(c.replyTo(), new AuthInfo(true, s.users().get(c.user()))))
                .onCommand(AllocateEpoch.class, (s, c) -> Effect().persist(new EpochAllocated(s.epoch() + 1))
                        .thenReply(c.replyTo(), ns -> StatusReply.success(new ComputeSpec(((Active) ns).spec(), ((Active) ns).epoch()))));
        return b.build();
    }

    private ReplyEffect<Event, State> create(Empty state, Create c) {
        return Effect().persist(new Created(c.spec(), c.user(), c.verifier(), Instant.now()))
                .thenReply(c.replyTo(), s -> StatusReply.success(((Active) s).info()));
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder()
                .forAnyState()
                .onEvent(Created.class, (s, e) -> {
                    Map<String, ScramVerifier> users = new TreeMap<>();
                    users.put(e.user(), e.verifier());
                    return new Active(e.spec(), users, 0, e.at());
                })
                .onEvent(EpochAllocated.class, (s, e) -> ((Active) s).withEpoch(e.epoch()))
                .build();
    }
}
