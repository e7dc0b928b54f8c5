package borealis.actors.cluster;

import borealis.actors.auth.ScramVerifier;
import borealis.persistence.serialization.BorealisSerializable;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
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
 * A tenant's database cluster in the control plane: its configuration, its database users (as
 * SCRAM verifiers only), its reader instances, and the epoch counter of its volume. Each writer
 * that opens the volume takes the next epoch from here, so epochs only ever grow.
 *
 * <pre>
 *  Empty ── Create ──► Active ── Delete ──► Deleting ── PurgeCompleted ──► Empty (the name is free again)
 *                      (modify, users,       (no logins, no compute;
 *                       readers, epochs)      storage kept until purgeAt)
 * </pre>
 *
 * The entity checks what only it can know (existence, duplicates, the merged scaling bounds, the
 * reader and user sets); the control plane validates the form of every request before.
 */
public final class DbCluster extends EventSourcedBehaviorWithEnforcedReplies<DbCluster.Command, DbCluster.Event, DbCluster.State> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "DbCluster");
    /** Reader instances are numbered 1..15, as Aurora allows up to 15 replicas. */
    public static final int MAX_READERS = 15;
    private static final SecureRandom RANDOM = new SecureRandom();

    // ---- protocol ----

    public interface Command extends BorealisSerializable {}

    /** Creates the cluster; with the same {@code clientToken} and parameters again, answers as the first time. */
    public record Create(ClusterSpec spec, String user, ScramVerifier verifier, String clientToken, String masterPassword,
                         ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {
        /** The password (needed only to compare a repeated request) stays out of logs; it is never persisted. */
        @Override
        public String toString() {
            return "Create[" + spec.id() + ", user=" + user + ", clientToken=" + clientToken + "]";
        }
    }

    public record Get(ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    /** The verifier of a database user and the reader instances, for a client connection. */
    public record GetAuth(String user, ActorRef<AuthInfo> replyTo) implements Command {}

    /** A writer is about to open the volume: take the next epoch. */
    public record AllocateEpoch(ActorRef<StatusReply<ComputeSpec>> replyTo) implements Command {}

    /** Changes the scaling configuration; null leaves a value as it is. */
    public record Modify(Double minAcu, Double maxAcu, Integer secondsUntilAutoPause, ActorRef<StatusReply<ClusterInfo>> replyTo)
            implements Command {}

    /** Adds reader instance {@code number} (1..15), or the lowest free one when null. */
    public record AddReader(Integer number, ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    public record RemoveReader(int number, ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    public record CreateUser(String user, ScramVerifier verifier, ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    public record DropUser(String user, ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    /** Replaces a user's verifier (rotate password); open sessions stay, as in PostgreSQL. */
    public record SetPassword(String user, ScramVerifier verifier, ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    /** Deletes the cluster: no more logins or compute; storage stays until {@code purgeAt}. */
    public record Delete(Instant purgeAt, ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    /** Its storage is gone: the entity forgets the cluster. */
    public record PurgeCompleted(ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    /**
     * Creates the cluster as a restore of another's backup: its users are the source's, and its
     * writer fills its volume from {@code source} before it opens the database the first time.
     */
    public record CreateRestored(ClusterSpec spec, TreeMap<String, ScramVerifier> users, RestoreSource source,
                                 ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    /**
     * Rewinds the cluster in place to {@code source} (a point of its own backup): its writer, on its
     * next start, replaces the volume's content with the backup's at that point.
     */
    public record Backtrack(RestoreSource source, ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    /** The writer has filled the volume from the backup, in {@code seconds}, of which {@code rebuildSeconds} rebuilding it (image and log). */
    public record RestoreFinished(double seconds, double rebuildSeconds, ActorRef<StatusReply<ClusterInfo>> replyTo) implements Command {}

    /**
     * Where a restored cluster's data comes from: volume {@code volumeId}'s backup at {@code targetLsn}
     * (durable at {@code targetMillis}), starting from base image {@code imageKey}; {@code seconds} the
     * restore took ({@code rebuildSeconds} of it reading the image and replaying the log),     * restore took, or -1 while it has not been done.
     */
    public record RestoreSource(String sourceCluster, String volumeId, String imageKey, long targetLsn, long targetMillis, double seconds,
                                double rebuildSeconds) implements BorealisSerializable {
        /** The {@code imageKey} of a clone's origin: its data came from the source's frozen blocks, not a backup. */
        public static final String CLONE = "clone";

        public boolean pending() {
            return seconds < 0;
        }

        public boolean isClone() {
            return CLONE.equals(imageKey);
        }

        RestoreSource done(double s, double rebuild) {
            return new RestoreSource(sourceCluster, volumeId, imageKey, targetLsn, targetMillis, s, rebuild);
        }
    }

    /** {@code verifier} is null when the cluster or the user does not exist. */
    public record AuthInfo(boolean clusterExists, ScramVerifier verifier, List<Integer> readers) implements BorealisSerializable {}

    /** {@code restore}: the backup to fill the volume from before the first open, or null. */
    public record ComputeSpec(ClusterSpec spec, long epoch, RestoreSource restore) implements BorealisSerializable {}

    /** What the control plane knows of a cluster; {@code status} is "available" or "deleting"; {@code restore} null unless restored. */
    public record ClusterInfo(ClusterSpec spec, String status, List<String> users, List<Integer> readers, String createdAt,
                              String deletedAt, String purgeAt, RestoreSource restore) implements BorealisSerializable {}

    public interface Event extends BorealisSerializable {}

    /** {@code clientToken} may be null. */
    public record Created(ClusterSpec spec, String user, ScramVerifier verifier, String clientToken, Instant at) implements Event {}

    public record EpochAllocated(long epoch) implements Event {}

    public record ScalingModified(double minAcu, double maxAcu, int secondsUntilAutoPause) implements Event {}

    public record ReaderAdded(int number) implements Event {}

    public record ReaderRemoved(int number) implements Event {}

    /** A user created, or its password changed. */
    public record UserVerifierSet(String user, ScramVerifier verifier) implements Event {}

    public record UserDropped(String user) implements Event {}

    public record Deleted(Instant at, Instant purgeAt) implements Event {}

    public enum Purged implements Event { INSTANCE }

    public record RestoreCreated(ClusterSpec spec, TreeMap<String, ScramVerifier> users, RestoreSource source, Instant at) implements Event {}

    public record RestoreDone(double seconds, double rebuildSeconds) implements Event {}

    public record BacktrackRequested(RestoreSource source) implements Event {}

    // ---- state ----

    public interface State extends BorealisSerializable {}

    public enum Empty implements State { INSTANCE }

    public record Active(ClusterSpec spec, TreeMap<String, ScramVerifier> users, long epoch, Instant createdAt, TreeSet<Integer> readers,
                         String clientToken, RestoreSource restore) implements State {
        Active withEpoch(long e) {
            return new Active(spec, users, e, createdAt, readers, clientToken, restore);
        }

        Active withSpec(ClusterSpec s) {
            return new Active(s, users, epoch, createdAt, readers, clientToken, restore);
        }

        static Active created(Created e) {
            TreeMap<String, ScramVerifier> users = new TreeMap<>();
            users.put(e.user(), e.verifier());
            return new Active(e.spec(), users, 0, e.at(), new TreeSet<>(), e.clientToken(), null);
        }

        static Active restored(RestoreCreated e) {
            return new Active(e.spec(), new TreeMap<>(e.users()), 0, e.at(), new TreeSet<>(), null, e.source());
        }

        Active backtracking(RestoreSource source) {
            return new Active(spec, users, epoch, createdAt, readers, clientToken, source);
        }

        Active restoreDone(double seconds, double rebuildSeconds) {
            return new Active(spec, users, epoch, createdAt, readers, clientToken, restore.done(seconds, rebuildSeconds));
        }

        /** What the writer needs to open the volume in epoch {@code epoch}. */
        ComputeSpec computeSpec() {
            return new ComputeSpec(spec, epoch, restore != null && restore.pending() ? restore : null);
        }

        Active withScaling(double minAcu, double maxAcu, int secondsUntilAutoPause) {
            return withSpec(spec.withScaling(minAcu, maxAcu, secondsUntilAutoPause));
        }

        Active withUser(String user, ScramVerifier verifier) {
            TreeMap<String, ScramVerifier> u = new TreeMap<>(users);
            u.put(user, verifier);
            return new Active(spec, u, epoch, createdAt, readers, clientToken, restore);
        }

        Active withoutUser(String user) {
            TreeMap<String, ScramVerifier> u = new TreeMap<>(users);
            u.remove(user);
            return new Active(spec, u, epoch, createdAt, readers, clientToken, restore);
        }

        Active withReader(int number) {
            TreeSet<Integer> r = new TreeSet<>(readers);
            r.add(number);
            return new Active(spec, users, epoch, createdAt, r, clientToken, restore);
        }

        Active withoutReader(int number) {
            TreeSet<Integer> r = new TreeSet<>(readers);
            r.remove(number);
            return new Active(spec, users, epoch, createdAt, r, clientToken, restore);
        }

        Deleting deleted(Deleted e) {
            return new Deleting(spec, createdAt, e.at(), e.purgeAt());
        }

        ClusterInfo info() {
            return new ClusterInfo(spec, "available", List.copyOf(users.keySet()), List.copyOf(readers), createdAt.toString(), null, null, restore);
        }

        Integer lowestFreeReader() {
            for (int n = 1; n <= MAX_READERS; n++) {
                if (!readers.contains(n)) {
                    return n;
                }
            }
            return null;
        }
    }

    /** Deleted: kept so that nothing reuses the name or the volume before its storage is purged. */
    public record Deleting(ClusterSpec spec, Instant createdAt, Instant deletedAt, Instant purgeAt) implements State {
        ClusterInfo info() {
            return new ClusterInfo(spec, "deleting", List.of(), List.of(), createdAt.toString(), deletedAt.toString(), purgeAt.toString(), null);
        }
    }

    // ---- behaviour ----

    private final String id;

    private DbCluster(String id, PersistenceId persistenceId) {
        super(persistenceId);
        this.id = id;
    }

    /** Starts this entity's sharding on the nodes of the control role. */
    public static void init(ActorSystem<?> system) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(),
                PersistenceId.of(ctx.getEntityTypeKey().name(), ctx.getEntityId()))).withRole("control"));
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

    private String display() {
        return id.replace('/', '.');
    }

    @Override
    public State emptyState() {
        return Empty.INSTANCE;
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
        b.forStateType(Empty.class)
                .onCommand(Create.class, (s, c) -> Effect().persist(new Created(c.spec(), c.user(), c.verifier(), c.clientToken(), Instant.now()))
                        .thenReply(c.replyTo(), ns -> StatusReply.success(((Active) ns).info())))
                .onCommand(CreateRestored.class, (s, c) -> Effect().persist(new RestoreCreated(c.spec(), c.users(), c.source(), Instant.now()))
                        .thenReply(c.replyTo(), ns -> StatusReply.success(((Active) ns).info())))
                .onCommand(RestoreFinished.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(Backtrack.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(GetAuth.class, (s, c) -> Effect().reply(c.replyTo(), new AuthInfo(false, null, List.of())))
                .onCommand(AllocateEpoch.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(Modify.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(AddReader.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(RemoveReader.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(CreateUser.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(DropUser.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(SetPassword.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(Delete.class, (s, c) -> Effect().reply(c.replyTo(), missing()))
                .onCommand(PurgeCompleted.class, (s, c) -> Effect().reply(c.replyTo(), missing()));
        new ActiveHandlers().register(b);
        b.forStateType(Deleting.class)
                .onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("cluster " + display()
                        + " was deleted and its storage is kept until " + s.purgeAt() + "; choose another name or create it after that")))
                .onCommand(CreateRestored.class, (s, c) -> Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("cluster " + display()
                        + " was deleted and its storage is kept until " + s.purgeAt() + "; choose another name or create it after that")))
                .onCommand(RestoreFinished.class, (s, c) -> Effect().reply(c.replyTo(), deleting()))
                .onCommand(Backtrack.class, (s, c) -> Effect().reply(c.replyTo(), deleting()))
                .onCommand(GetAuth.class, (s, c) -> Effect().reply(c.replyTo(), new AuthInfo(false, null, List.of())))
                .onCommand(AllocateEpoch.class, (s, c) -> Effect().reply(c.replyTo(), deleting()))
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())))
                .onCommand(Modify.class, (s, c) -> Effect().reply(c.replyTo(), deleting()))
                .onCommand(AddReader.class, (s, c) -> Effect().reply(c.replyTo(), deleting()))
                .onCommand(RemoveReader.class, (s, c) -> Effect().reply(c.replyTo(), deleting()))
                .onCommand(CreateUser.class, (s, c) -> Effect().reply(c.replyTo(), deleting()))
                .onCommand(DropUser.class, (s, c) -> Effect().reply(c.replyTo(), deleting()))
                .onCommand(SetPassword.class, (s, c) -> Effect().reply(c.replyTo(), deleting()))
                // Deleting again is answered like the first time: the caller wants it gone, and it is going.
                .onCommand(Delete.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())))
                .onCommand(PurgeCompleted.class, (s, c) -> Effect().persist(Purged.INSTANCE).thenReply(c.replyTo(),
                        ns -> StatusReply.success(s.info())));
        return b.build();
    }

    private <T> StatusReply<T> missing() {
        return Rejection.NOT_FOUND.reply("cluster " + display() + " does not exist");
    }

    private <T> StatusReply<T> deleting() {
        return Rejection.CONFLICT.reply("cluster " + display() + " is being deleted");
    }

    /** Commands of a live cluster. */
    private final class ActiveHandlers {

        void register(CommandHandlerWithReplyBuilder<Command, Event, State> b) {
            b.forStateType(Active.class)
                    .onCommand(Create.class, this::createAgain)
                    .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.info())))
                    .onCommand(GetAuth.class, (s, c) -> Effect().reply(c.replyTo(),
                            new AuthInfo(true, s.users().get(c.user()), List.copyOf(s.readers()))))
                    .onCommand(CreateRestored.class, (s, c) -> Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("cluster " + display()
                            + " already exists")))
                    .onCommand(RestoreFinished.class, (s, c) -> s.restore() == null || !s.restore().pending()
                            ? Effect().reply(c.replyTo(), StatusReply.success(s.info()))
                            : Effect().persist(new RestoreDone(c.seconds(), c.rebuildSeconds())).thenReply(c.replyTo(), DbCluster::infoOf))
                    .onCommand(Backtrack.class, (s, c) -> s.restore() != null && s.restore().pending()
                            ? Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("cluster " + display()
                                    + " is still being filled from its backup; try again when that is done"))
                            : Effect().persist(new BacktrackRequested(c.source())).thenReply(c.replyTo(), DbCluster::infoOf))
                    .onCommand(AllocateEpoch.class, (s, c) -> Effect().persist(new EpochAllocated(s.epoch() + 1))
                            .thenReply(c.replyTo(), ns -> StatusReply.success(((Active) ns).computeSpec())))
                    .onCommand(Modify.class, this::modify)
                    .onCommand(AddReader.class, this::addReader)
                    .onCommand(RemoveReader.class, (s, c) -> !s.readers().contains(c.number())
                            ? Effect().reply(c.replyTo(), Rejection.NOT_FOUND.reply("cluster " + display() + " has no reader instance "
                                    + c.number() + "; its readers are " + s.readers()))
                            : Effect().persist(new ReaderRemoved(c.number())).thenReply(c.replyTo(), DbCluster::infoOf))
                    .onCommand(CreateUser.class, this::createUser)
                    .onCommand(DropUser.class, this::dropUser)
                    .onCommand(SetPassword.class, (s, c) -> !s.users().containsKey(c.user())
                            ? Effect().reply(c.replyTo(), noUser(s, c.user()))
                            : Effect().persist(new UserVerifierSet(c.user(), c.verifier())).thenReply(c.replyTo(), DbCluster::infoOf))
                    .onCommand(Delete.class, (s, c) -> Effect().persist(new Deleted(Instant.now(), c.purgeAt()))
                            .thenReply(c.replyTo(), DbCluster::infoOf))
                    .onCommand(PurgeCompleted.class, (s, c) -> Effect().reply(c.replyTo(),
                            Rejection.CONFLICT.reply("cluster " + display() + " is not deleted")));
        }

        /** Idempotent creation: the same client token and the same parameters get the same answer. */
        private ReplyEffect<Event, State> createAgain(Active s, Create c) {
            String token = c.clientToken();
            if (token == null || !token.equals(s.clientToken())) {
                return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("cluster " + display() + " already exists"));
            }
            ClusterSpec a = s.spec();
            ClusterSpec r = c.spec();
            ScramVerifier master = s.users().get(c.user());
            boolean same = a.minAcu() == r.minAcu() && a.maxAcu() == r.maxAcu() && a.secondsUntilAutoPause() == r.secondsUntilAutoPause()
                    && master != null && master.matches(c.masterPassword());
            if (!same) {
                return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("client token " + token
                        + " was already used to create cluster " + display() + " with different parameters"));
            }
            return Effect().reply(c.replyTo(), StatusReply.success(s.info()));
        }

        private ReplyEffect<Event, State> modify(Active s, Modify c) {
            ClusterSpec spec = s.spec();
            double min = c.minAcu() != null ? c.minAcu() : spec.minAcu();
            double max = c.maxAcu() != null ? c.maxAcu() : spec.maxAcu();
            int pause = c.secondsUntilAutoPause() != null ? c.secondsUntilAutoPause() : spec.secondsUntilAutoPause();
            if (min > max) {
                return Effect().reply(c.replyTo(), Rejection.INVALID.reply("minAcu (" + min + ") must not exceed maxAcu (" + max
                        + "); the cluster has minAcu " + spec.minAcu() + " and maxAcu " + spec.maxAcu()));
            }
            return Effect().persist(new ScalingModified(min, max, pause)).thenReply(c.replyTo(), DbCluster::infoOf);
        }

        private ReplyEffect<Event, State> addReader(Active s, AddReader c) {
            Integer n = c.number() != null ? c.number() : s.lowestFreeReader();
            if (n == null) {
                return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("cluster " + display() + " already has the maximum of "
                        + MAX_READERS + " reader instances"));
            }
            if (s.readers().contains(n)) {
                return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("cluster " + display() + " already has reader instance " + n));
            }
            return Effect().persist(new ReaderAdded(n)).thenReply(c.replyTo(), DbCluster::infoOf);
        }

        private ReplyEffect<Event, State> createUser(Active s, CreateUser c) {
            if (s.users().containsKey(c.user())) {
                return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("user " + c.user() + " already exists in cluster "
                        + display() + " (to change its password, rotate it)"));
            }
            // Each user is a principal of its own in the engine, whose names ignore case.
            String same = s.users().keySet().stream().filter(u -> u.equalsIgnoreCase(c.user())).findFirst().orElse(null);
            if (same != null) {
                return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("user " + c.user() + " differs from user " + same
                        + " of cluster " + display() + " only in case; user names of a cluster must differ in more than case"));
            }
            return Effect().persist(new UserVerifierSet(c.user(), c.verifier())).thenReply(c.replyTo(), DbCluster::infoOf);
        }

        private ReplyEffect<Event, State> dropUser(Active s, DropUser c) {
            if (!s.users().containsKey(c.user())) {
                return Effect().reply(c.replyTo(), noUser(s, c.user()));
            }
            if (c.user().equals(s.spec().masterUsername())) {
                return Effect().reply(c.replyTo(), Rejection.CONFLICT.reply("user " + c.user() + " is the master user of cluster "
                        + display() + ": it owns the database and cannot be dropped (rotate its password instead)"));
            }
            return Effect().persist(new UserDropped(c.user())).thenReply(c.replyTo(), DbCluster::infoOf);
        }

        private <T> StatusReply<T> noUser(Active s, String user) {
            return Rejection.NOT_FOUND.reply("cluster " + display() + " has no user " + user + "; its users are " + s.users().keySet());
        }
    }

    private static StatusReply<ClusterInfo> infoOf(State s) {
        return StatusReply.success(s instanceof Active a ? a.info() : ((Deleting) s).info());
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder()
                .forAnyState()
                .onEvent(Created.class, (s, e) -> Active.created(e))
                .onEvent(EpochAllocated.class, (s, e) -> ((Active) s).withEpoch(e.epoch()))
                .onEvent(ScalingModified.class, (s, e) -> ((Active) s).withScaling(e.minAcu(), e.maxAcu(), e.secondsUntilAutoPause()))
                .onEvent(ReaderAdded.class, (s, e) -> ((Active) s).withReader(e.number()))
                .onEvent(ReaderRemoved.class, (s, e) -> ((Active) s).withoutReader(e.number()))
                .onEvent(UserVerifierSet.class, (s, e) -> ((Active) s).withUser(e.user(), e.verifier()))
                .onEvent(UserDropped.class, (s, e) -> ((Active) s).withoutUser(e.user()))
                .onEvent(Deleted.class, (s, e) -> ((Active) s).deleted(e))
                .onEvent(Purged.class, (s, e) -> Empty.INSTANCE)
                .onEvent(RestoreCreated.class, (s, e) -> Active.restored(e))
                .onEvent(RestoreDone.class, (s, e) -> ((Active) s).restoreDone(e.seconds(), e.rebuildSeconds()))
                .onEvent(BacktrackRequested.class, (s, e) -> ((Active) s).backtracking(e.source()))
                .build();
    }
}
