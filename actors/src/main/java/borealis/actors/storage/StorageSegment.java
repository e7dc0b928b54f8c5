package borealis.actors.storage;

import borealis.persistence.serialization.BorealisSerializable;
import borealis.persistence.volume.BlockFile;
import borealis.persistence.volume.LogRecord;
import borealis.persistence.volume.ReplicaStatus;
import borealis.persistence.volume.SegmentState;
import borealis.persistence.volume.VolumeLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One replica of one protection group of a volume: the storage node's half of the log.
 *
 * <p>The writer sends batches of log records ({@link Append}); the replica persists them as one
 * event (one journal write, group-committed with every other replica of the node), then answers,
 * and the writer counts it toward the 4/6 quorum. Records are applied to a local block file once
 * they are complete and known durable. Epochs fence old writers: a replica that has begun epoch
 * {@code e} refuses records of any older one.
 *
 * <p>State is a mutable {@link SegmentState} because it owns the block file; it changes only in
 * the event handler, except for applying records when a durable notice arrives, which needs no
 * event because replay re-derives it. Before a snapshot lets the journal drop events, the block
 * file is forced to disk.
 */
public final class StorageSegment extends EventSourcedBehaviorWithEnforcedReplies<StorageSegment.Command, StorageSegment.Event, SegmentState> {

    /** One entity type per zone, so that each zone's replicas run only on that zone's nodes. */
    public static final List<EntityTypeKey<Command>> TYPE_KEYS = List.of(
            EntityTypeKey.create(Command.class, "StorageSegment-zone-a"),
            EntityTypeKey.create(Command.class, "StorageSegment-zone-b"),
            EntityTypeKey.create(Command.class, "StorageSegment-zone-c"));

    public static EntityTypeKey<Command> typeKey(int replica) {
        return TYPE_KEYS.get(VolumeLayout.zoneOf(replica));
    }

    /** {@code volume:groupSize:group:replica}: the group size is part of the id because replay needs it. */
    public static String entityId(String volumeId, VolumeLayout layout, int group, int replica) {
        return volumeId + ":" + layout.groupSize() + ":" + group + ":" + replica;
    }

    // ---- protocol ----

    public interface Command extends BorealisSerializable {}

    /** Persist records of writer epoch {@code epoch}, which starts at {@code epochStart}. */
    public record Append(long epoch, long epochStart, List<LogRecord> records, long durableHint,
                         ActorRef<AppendReply> replyTo) implements Command {}

    /** Read bytes of the group as of {@code readPoint} (an LSN of this group). */
    public record Read(long offset, int length, long readPoint, ActorRef<ReadReply> replyTo) implements Command {}

    /** A recovering writer's new epoch: adopt it and report what this replica holds. */
    public record BeginEpoch(long epoch, ActorRef<BeginEpochReply> replyTo) implements Command {}

    /** The log is durable up to {@code durableHint}: apply what is complete. */
    public record DurableNotice(long epoch, long durableHint) implements Command {}

    public record AppendReply(boolean accepted, long epoch, long scl, String error) implements BorealisSerializable {}

    public record ReadReply(byte[] data, String error) implements BorealisSerializable {}

    /** {@code status} is null when refused because the replica already serves {@code epoch} or newer. */
    public record BeginEpochReply(ReplicaStatus status, long epoch) implements BorealisSerializable {}

    public interface Event extends BorealisSerializable {}

    public record Appended(long epoch, long epochStart, List<LogRecord> records, long durableHint) implements Event {}

    public record EpochBegun(long epoch) implements Event {}

    // ---- deletion (control plane) ----

    /** What the replica holds, changing nothing (a replica that never existed reports an empty status). */
    public record Inspect(ActorRef<ReplicaStatus> replyTo) implements Command {}

    /**
     * The replica's cluster is deleted: remove its block file, journal events and snapshots, then
     * stop. Answered when the journal and snapshot store have confirmed the deletion.
     */
    public record Purge(ActorRef<Purged> replyTo) implements Command {}

    /** {@code error} is null when everything is gone; {@code highestGroup} is what the replica knew before. */
    public record Purged(int group, int replica, int highestGroup, String error) implements BorealisSerializable {}

    // ---- behaviour ----

    private final String volumeId;
    private final int group;
    private final int replica;
    private final Path blockPath;
    private final VolumeLayout layout;
    private final int snapshotEvery;
    private final ActorSystem<?> system;

    private StorageSegment(PersistenceId persistenceId, String entityId, Path segmentsDir, int snapshotEvery, ActorSystem<?> system) {
        super(persistenceId);
        this.system = system;
        String[] parts = entityId.split(":");
        this.volumeId = parts[0];
        this.layout = new VolumeLayout(Long.parseLong(parts[1]));
        this.group = Integer.parseInt(parts[2]);
        this.replica = Integer.parseInt(parts[3]);
        this.blockPath = segmentsDir.resolve(volumeId.replace('/', '~')).resolve(group + "-" + replica + ".blocks");
        this.snapshotEvery = snapshotEvery;
    }

    public static Behavior<Command> create(String entityId, PersistenceId persistenceId, Path segmentsDir, int snapshotEvery) {
        return Behaviors.setup(ctx -> new StorageSegment(persistenceId, entityId, segmentsDir, snapshotEvery, ctx.getSystem()));
    }

    @Override
    public String journalPluginId() {
        return "borealis.journal.segments";
    }

    @Override
    public SegmentState emptyState() {
        return new SegmentState(layout, group, new BlockFile(blockPath));
    }

    @Override
    public CommandHandlerWithReply<Command, Event, SegmentState> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Append.class, this::onAppend)
                .onCommand(Read.class, this::onRead)
                .onCommand(BeginEpoch.class, this::onBeginEpoch)
                .onCommand(DurableNotice.class, this::onDurableNotice)
                .onCommand(Inspect.class, (s, c) -> Effect().reply(c.replyTo(), status(s)))
                .onCommand(Purge.class, this::onPurge)
                .build();
    }

    private ReplyEffect<Event, SegmentState> onAppend(SegmentState state, Append cmd) {
        if (state.checkAppend(cmd.epoch()) != null) {
            return Effect().reply(cmd.replyTo(), new AppendReply(false, state.epoch(), state.scl(), null));
        }
        // A newer epoch first seals (drops what it held at or above the epoch start), so records
        // it already holds there are not duplicates but older-epoch leftovers to be replaced.
        boolean epochChange = cmd.epoch() > state.epoch() || state.epochStart() == SegmentState.UNSEALED;
        List<LogRecord> fresh = new ArrayList<>(cmd.records().size());
        for (LogRecord r : cmd.records()) {
            boolean replaced = epochChange && r.lsn() >= cmd.epochStart();
            if (r.lsn() > state.appliedLsn() && (replaced || !state.holds(r.lsn()))) {
                fresh.add(r);
            }
        }
        if (fresh.isEmpty() && !epochChange) {
            state.advanceDurable(cmd.durableHint());
            return Effect().reply(cmd.replyTo(), new AppendReply(true, state.epoch(), state.scl(), null));
        }
        return Effect().persist(new Appended(cmd.epoch(), cmd.epochStart(), fresh, cmd.durableHint()))
                .thenReply(cmd.replyTo(), s -> new AppendReply(true, s.epoch(), s.scl(), null));
    }

    private ReplyEffect<Event, SegmentState> onRead(SegmentState state, Read cmd) {
        if (!state.canServe(cmd.readPoint())) {
            return Effect().reply(cmd.replyTo(), new ReadReply(null, "replica " + replica + " of group " + group
                    + " is not caught up: SCL " + state.scl() + " < read point " + cmd.readPoint()));
        }
        try {
            return Effect().reply(cmd.replyTo(), new ReadReply(state.read(cmd.offset(), cmd.length(), cmd.readPoint()), null));
        } catch (BlockFile.CorruptBlockException e) {
            return Effect().reply(cmd.replyTo(), new ReadReply(null, e.getMessage()));
        }
    }

    private ReplyEffect<Event, SegmentState> onBeginEpoch(SegmentState state, BeginEpoch cmd) {
        if (state.checkBeginEpoch(cmd.epoch()) != null) {
            return Effect().reply(cmd.replyTo(), new BeginEpochReply(null, state.epoch()));
        }
        return Effect().persist(new EpochBegun(cmd.epoch()))
                .thenReply(cmd.replyTo(), s -> new BeginEpochReply(status(s), s.epoch()));
    }

    private ReplyEffect<Event, SegmentState> onDurableNotice(SegmentState state, DurableNotice cmd) {
        if (state.checkAppend(cmd.epoch()) == null) {
            state.advanceDurable(cmd.durableHint());
        }
        return Effect().noReply();
    }

    private ReplyEffect<Event, SegmentState> onPurge(SegmentState state, Purge cmd) {
        int highestGroup = state.highestGroup();
        return Effect().stop().thenRun(s -> SegmentPurge.run(system, persistenceId().id(), s.file(), journalPluginId())
                .whenComplete((ok, error) -> cmd.replyTo().tell(new Purged(group, replica, highestGroup,
                        error == null ? null : String.valueOf(error.getMessage())))))
                .thenNoReply();
    }

    private ReplicaStatus status(SegmentState s) {
        return new ReplicaStatus(group, replica, s.epoch(), s.appliedLsn(), s.durableHint(), s.scl(), s.highestGroup(),
                s.file().length(), s.pendingAbove(s.appliedLsn()));
    }

    @Override
    public EventHandler<SegmentState, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Appended.class, (s, e) -> {
                    s.append(e.epoch(), e.epochStart(), e.records(), e.durableHint());
                    return s;
                })
                .onEvent(EpochBegun.class, (s, e) -> {
                    s.beginEpoch(e.epoch());
                    return s;
                })
                .build();
    }

    @Override
    public SignalHandler<SegmentState> signalHandler() {
        return newSignalHandlerBuilder().onSignal(PostStop.instance(), s -> s.file().close()).build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(snapshotEvery, 2).withDeleteEventsOnSnapshot();
    }

    /** Called before the retention criteria take a snapshot at the same sequence number: force the block file first. */
    @Override
    public boolean shouldSnapshot(SegmentState state, Event event, long sequenceNr) {
        if (sequenceNr % snapshotEvery == 0) {
            state.file().force();
        }
        return false;
    }

    @Override
    public SnapshotAdapter<SegmentState> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(SegmentState state) {
                return state.snapshot();
            }

            @Override
            public SegmentState fromJournal(Object from) {
                SegmentState s = emptyState();
                s.restore((SegmentState.Snapshot) from);
                return s;
            }
        };
    }

    @Override
    public java.util.Optional<Integer> stashCapacity() {
        return java.util.Optional.of(10_000);
    }
}
