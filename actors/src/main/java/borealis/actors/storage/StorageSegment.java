package borealis.actors.storage;

import borealis.persistence.serialization.BorealisSerializable;
import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.ReplicaStatus;
import borealis.persistence.volume.log.VolumeLayout;
import borealis.persistence.volume.segment.BlockFile;
import borealis.persistence.volume.segment.SegmentFiles;
import borealis.persistence.volume.segment.RetainedRecords;
import borealis.persistence.volume.segment.SegmentState;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
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
 * event (one journal write, group-committed with every other replica of the node), then answers
 * with its segment-complete LSN (SCL), and the writer counts it toward the 4/6 quorum of every
 * record up to that SCL. Records are applied to a local block file once they are complete and
 * known durable. Epochs fence old writers: a replica that has begun epoch {@code e} refuses
 * records of any older one.
 *
 * <p>A replica that misses records (a hole below the ones it holds, or below the durable point the
 * writer announced) fills them from its peers; one so far behind that its peers have applied and
 * forgotten them (its disk was lost) hydrates: it copies a peer's blocks into a new file
 * generation and switches to it. A block whose checksum fails is never served and is repaired
 * from a peer. This peer traffic runs in a child, {@link SegmentSync}; what it brings back is
 * persisted here ({@link Filled}, {@link Hydrated}). A replica with a hole reports a low SCL, so it
 * counts toward no quorum until it has caught up; when it has, it tells the writer unasked. One
 * whose block file recovery finds missing or shorter than its snapshot says (a lost file) reports
 * it and starts over from SCL 0, so it catches up the same way.
 *
 * <p>State is a mutable {@link SegmentState} because it owns the block file; it changes only in
 * the event handler, except for applying records when a durable notice arrives and for block
 * repairs, which need no event because replay re-derives them. Before a snapshot lets the journal
 * drop events, the block file is forced to disk.
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

    /** Where a replica keeps its block files. */
    public static Path filesDir(Path segmentsDir, String volumeId, int group, int replica) {
        return segmentsDir.resolve(volumeId.replace('/', '~')).resolve(group + "-" + replica);
    }

    // ---- protocol: the writer ----

    public interface Command extends BorealisSerializable {}

    /** Every answer to the writer names its request and the replica's own ref (so later requests can skip sharding). */
    public interface Reply extends BorealisSerializable {
        long requestId();

        ActorRef<Command> from();
    }

    /** Persist records of writer epoch {@code epoch}, which starts at {@code epochStart}. */
    public record Append(long requestId, long epoch, long epochStart, List<LogRecord> records, long durableHint,
                         ActorRef<Reply> replyTo) implements Command {}

    /** Read bytes of the group as of {@code readPoint} (an LSN of this group). */
    public record Read(long requestId, long offset, int length, long readPoint, ActorRef<Reply> replyTo) implements Command {}

    /** A recovering writer's new epoch: adopt it and report what this replica holds. */
    public record BeginEpoch(long requestId, long epoch, ActorRef<Reply> replyTo) implements Command {}

    /** The log is durable up to {@code durableHint}: apply what is complete. */
    public record DurableNotice(long epoch, long durableHint) implements Command {}

    /**
     * {@code accepted} with the replica's SCL after persisting; a request id of {@link #UNASKED}
     * reports progress made without a request (a gap filled).
     */
    public record AppendReply(long requestId, int group, int replica, boolean accepted, long epoch, long scl, String error,
                              ActorRef<Command> from) implements Reply {}

    /**
     * {@code servedLsn}: the newest record of the group the content reflects (it may lie above the
     * read point); {@code epoch}: the writer epoch the replica serves.
     */
    public record ReadReply(long requestId, byte[] data, String error, long servedLsn, long epoch, ActorRef<Command> from)
            implements Reply {}

    /** Where the replica stands, changing nothing: for reader instances, which must never begin an epoch. */
    public record Position(long requestId, ActorRef<Reply> replyTo) implements Command {}

    /** {@code durableLength}: the group-local length of the content at {@code durableHint}. */
    public record PositionReply(long requestId, int group, int replica, long epoch, long appliedLsn, long durableHint, long scl,
                                int highestGroup, long durableLength, ActorRef<Command> from) implements Reply {}

    /** {@code status} is null when refused because the replica already serves {@code epoch} or newer. */
    public record BeginEpochReply(long requestId, ReplicaStatus status, long epoch, ActorRef<Command> from) implements Reply {}

    public static final long UNASKED = -1;

    // ---- protocol: peers ----

    /** A peer asks for the records held here above {@code fromLsn} (at most {@code maxBytes} of them). */
    public record FetchRecords(long fromLsn, int maxBytes, ActorRef<PeerRecords> replyTo) implements Command {}

    /** What a replica holds: its position, and records above what was asked (or above its applied LSN). */
    public record PeerRecords(int replica, long epoch, long epochStart, long appliedLsn, long scl, int highestGroup,
                              long length, List<LogRecord> records, boolean more) implements BorealisSerializable {}

    /** A peer asks for applied, verified bytes at a group-local offset (hydration, repair). */
    public record FetchBlocks(long localOffset, int length, ActorRef<PeerBlocks> replyTo) implements Command {}

    public record PeerBlocks(int replica, long appliedLsn, long length, byte[] data, String error) implements BorealisSerializable {}

    // ---- protocol: from the sync child and operators ----

    /** Records a peer holds, to be persisted if the peer serves the same epoch and seal. */
    public record FillRecords(long peerEpoch, long peerEpochStart, List<LogRecord> records) implements Command {}

    /** A complete, forced copy of a peer's blocks in {@code generation}; switch to it. */
    public record HydrationCopied(long generation, long baseLsn, long copiedUpTo, int highestGroup) implements Command {}

    /** A verified copy of a corrupt block, from a peer that had applied {@code peerApplied}. */
    public record RepairBlock(long block, byte[] content, long peerApplied) implements Command {}

    /** The sync child is idle again: start another round if something is still missing. */
    public record SyncIdle() implements Command {}

    /**
     * The sync child's gap round was answered by peers: a replica that started holding nothing now
     * knows whether the volume has a history it lacks (and is filling it) and how far its peers
     * applied, so it stops asking.
     */
    public record HistoryConfirmed() implements Command {}

    /**
     * A peer that supplied records had applied up to {@code appliedLsn} in this writer epoch and
     * seal: those records are durable (a replica applies nothing else). Taken only if this replica
     * stands in the same epoch with the same seal, so records a newer writer cut are never applied.
     */
    public record PeerApplied(long epoch, long epochStart, long appliedLsn) implements Command {}

    /** Stops this replica (fault injection and tests: a crashed replica); answers just before stopping. */
    public record Stop(ActorRef<Done> replyTo) implements Command {}

    // ---- events ----

    public interface Event extends BorealisSerializable {}

    public record Appended(long epoch, long epochStart, List<LogRecord> records, long durableHint) implements Event {}

    public record EpochBegun(long epoch) implements Event {}

    // ---- deletion (control plane) ----

    /** What the replica holds, changing nothing (a replica that never existed reports an empty status). */
    public record Inspect(ActorRef<ReplicaStatus> replyTo) implements Command {}

    /**
     * A scrub's question: the SHA-256 of this replica's applied, verified bytes in [localOffset,
     * localOffset + length) (zeros past the end), with the LSN they reflect, so that replicas at
     * the same applied LSN can be compared (the control plane's {@code StorageCheck}). At most
     * {@link BlockDigests#MAX_LENGTH} bytes per question, so the replica goes on serving between them.
     */
    public record DigestBlocks(long localOffset, int length, ActorRef<BlocksDigest> replyTo) implements Command {}

    /** {@code sha256} is null when the bytes could not be read ({@code error} says why). */
    public record BlocksDigest(int replica, long appliedLsn, long fileLength, byte[] sha256, String error) implements BorealisSerializable {}

    /**
     * The replica's cluster is deleted: remove its block file, journal events and snapshots, then
     * stop. Answered when the journal and snapshot store have confirmed the deletion.
     */
    public record Purge(ActorRef<Purged> replyTo) implements Command {}

    /** {@code error} is null when everything is gone; {@code highestGroup} is what the replica knew before. */
    public record Purged(int group, int replica, int highestGroup, String error) implements BorealisSerializable {}

    /** Records copied from a peer (serving {@code epoch}, sealed at {@code epochStart}) to fill a gap. */
    public record Filled(long epoch, long epochStart, List<LogRecord> records) implements Event {}

    /** The replica switched to a hydrated file generation. */
    public record Hydrated(long generation, long baseLsn, long copiedUpTo, int highestGroup) implements Event {}

    // ---- protocol: clones (see SegmentClone) ----

    /**
     * Freeze this replica's blocks, complete up to {@code groupLast} (the group's newest LSN; the
     * writer of {@code epoch} holds its writes meanwhile), as layer {@code layerId} for a clone.
     */
    public record Freeze(long epoch, long groupLast, String layerId, ActorRef<FrozenLayer> replyTo) implements Command {}

    /** Where the frozen layer lies and the replica's position at it; {@code error} says why it could not freeze. */
    public record FrozenLayer(int group, int replica, String dir, String layerId, long appliedLsn, long durableHint, int highestGroup,
                              String error) implements BorealisSerializable {}

    /**
     * Start this replica from a frozen layer: a clone's source replica's, or a restore's ({@code
     * own}: the layer is this cluster's alone, and charged to it). An empty replica just starts
     * there; one that holds data (a backtrack) drops it, but only for a writer epoch newer than any
     * it served, which fences the writers before.
     */
    public record Seed(FrozenLayer from, boolean own, long writerEpoch, ActorRef<SeedDone> replyTo) implements Command {}

    public record SeedDone(int group, int replica, String error) implements BorealisSerializable {}

    /** What the replica holds: its content's length, and the bytes it is charged for (a clone's shared blocks are not). */
    public record MeasureUsage(ActorRef<UsageMeasured> replyTo) implements Command {}

    public record UsageMeasured(int group, int replica, long length, long chargedBytes) implements BorealisSerializable {}

    public record Frozen(String layerId, long generation) implements Event {}

    public record Seeded(String layerId, long generation, long appliedLsn, long durableHint, int highestGroup, long writerEpoch)
            implements Event {}

    // ---- behaviour ----

    /** Node-wide settings of the replicas. */
    public record Settings(Path segmentsDir, int snapshotEvery, long keepAppliedBytes, RetainedRecords retained,
                           Duration passivateAfter, SyncSettings sync) {

        /** From the node's {@code borealis} configuration: replicas keep their files under {@code <data-dir>/segments}. */
        public static Settings from(Config borealis, Path dataDir, ClusterSharding sharding) {
            Config storage = borealis.getConfig("storage");
            return new Settings(dataDir.resolve("segments"), storage.getInt("snapshot-every"), storage.getBytes("keep-applied"),
                    new RetainedRecords(storage.getBytes("keep-applied-per-node")), storage.getDuration("passivate-after"),
                    syncSettings(sharding, storage));
        }
    }

    /**
     * Starts the replicas' sharding: one entity type per zone, on the nodes of that zone's role,
     * each replica's writes behind {@code faults} (failure drills).
     */
    public static void init(ActorSystem<?> system, Settings settings, ReplicaFaults faults) {
        ClusterSharding sharding = ClusterSharding.get(system);
        ClusterShardingSettings defaults = ClusterShardingSettings.create(system);
        ClusterShardingSettings sharded = defaults.withPassivationStrategy(
                defaults.passivationStrategySettings().withIdleEntityPassivation(settings.passivateAfter()));
        for (int zone = 0; zone < VolumeLayout.ZONES; zone++) {
            sharding.init(Entity.of(TYPE_KEYS.get(zone), ctx -> faults.guard(ctx.getEntityId(),
                            () -> create(ctx.getEntityId(), PersistenceId.of(ctx.getEntityTypeKey().name(), ctx.getEntityId()), settings)))
                    .withRole(VolumeLayout.zoneName(zone))
                    .withSettings(sharded)
                    .withEntityProps(DispatcherSelector.fromConfig("borealis.storage-dispatcher")));
        }
    }

    /** How replicas talk to their peers; chunks and pages must fit a remoting frame. */
    public record SyncSettings(ClusterSharding sharding, Duration timeout, int chunkBytes, int pageBytes, Duration pause) {}

    /** Reads {@code borealis.storage.sync} settings. */
    public static SyncSettings syncSettings(ClusterSharding sharding, Config storage) {
        Config c = storage.getConfig("sync");
        return new SyncSettings(sharding, c.getDuration("timeout"), (int) c.getBytes("hydration-chunk").longValue(),
                (int) c.getBytes("fill-page").longValue(), c.getDuration("pause"));
    }

    private final ActorContext<Command> ctx;
    private final String volumeId;
    private final int group;
    private final int replica;
    private final SegmentFiles files;
    private final VolumeLayout layout;
    private final Settings settings;
    private ActorRef<SegmentSync.Command> sync;
    /** Sync children started: each gets a name of its own, since a stopped one may not be gone yet. */
    private int syncs;
    private final SegmentClones clones;
    /** Started holding nothing, and no gap round has been answered by peers since. */
    private boolean historyUnknown;
    /**
     * Restarted holding records it had not applied: how far they are durable was maybe told by a
     * durable notice, which is not an event, so the restart forgot it. If the writer has nothing
     * more to send this group it never tells again (StorageFaultsIT: two replicas taken down right
     * after the group's last write stayed at applied 620 of SCL 623 for good), so the replica asks
     * its peers what they applied until they answer.
     */
    private boolean durableUnknown;
    /** Where the current writer collects replies; told unasked when this replica catches up. */
    private ActorRef<Reply> writer;

    private StorageSegment(ActorContext<Command> ctx, PersistenceId persistenceId, String entityId, Settings settings) {
        super(persistenceId);
        this.ctx = ctx;
        String[] parts = entityId.split(":");
        this.volumeId = parts[0];
        this.layout = new VolumeLayout(Long.parseLong(parts[1]));
        this.group = Integer.parseInt(parts[2]);
        this.replica = Integer.parseInt(parts[3]);
        this.files = new SegmentFiles(filesDir(settings.segmentsDir(), volumeId, group, replica),
                borealis.persistence.crypto.AtRestEncryption.get(ctx.getSystem()).forVolume(volumeId));
        this.clones = new SegmentClones(group, replica, files);
        this.settings = settings;
    }

    public static Behavior<Command> create(String entityId, PersistenceId persistenceId, Settings settings) {
        return Behaviors.setup(ctx -> new StorageSegment(ctx, persistenceId, entityId, settings));
    }

    @Override
    public String journalPluginId() {
        return "borealis.journal.segments";
    }

    @Override
    public SegmentState emptyState() {
        SegmentState s = new SegmentState(layout, group, files);
        s.keepApplied(settings.keepAppliedBytes(), settings.retained());
        return s;
    }

    @Override
    public CommandHandlerWithReply<Command, Event, SegmentState> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Append.class, this::onAppend)
                .onCommand(Read.class, this::onRead)
                .onCommand(BeginEpoch.class, this::onBeginEpoch)
                .onCommand(DurableNotice.class, this::onDurableNotice)
                .onCommand(FetchRecords.class, this::onFetchRecords)
                .onCommand(FetchBlocks.class, this::onFetchBlocks)
                .onCommand(FillRecords.class, this::onFillRecords)
                .onCommand(HydrationCopied.class, this::onHydrationCopied)
                .onCommand(RepairBlock.class, this::onRepairBlock)
                .onCommand(SyncIdle.class, (s, c) -> {
                    checkHealth(s);
                    return Effect().noReply();
                })
                .onCommand(PeerApplied.class, (s, c) -> {
                    if (c.epoch() == s.epoch() && c.epochStart() == s.epochStart() && c.appliedLsn() > s.durableHint()) {
                        s.advanceDurable(c.appliedLsn());
                        checkHealth(s);
                    }
                    return Effect().noReply();
                })
                .onCommand(HistoryConfirmed.class, (s, c) -> {
                    historyUnknown = false;
                    durableUnknown = false;
                    return Effect().noReply();
                })
                .onCommand(Stop.class, (s, c) -> Effect().stop().thenReply(c.replyTo(), st -> Done.getInstance()))
                .onCommand(Inspect.class, (s, c) -> Effect().reply(c.replyTo(), status(s)))
                .onCommand(DigestBlocks.class, (s, c) -> {
                    BlocksDigest digest = BlockDigests.of(replica, s, c.localOffset(), c.length());
                    if (digest.sha256() == null) {
                        checkHealth(s); // a block that fails its checksum is repaired from peers
                    }
                    return Effect().reply(c.replyTo(), digest);
                })
                .onCommand(Position.class, (s, c) -> Effect().reply(c.replyTo(), new PositionReply(c.requestId(), group, replica,
                        s.epoch(), s.appliedLsn(), s.durableHint(), s.scl(), s.highestGroup(), s.localLength(s.durableHint()), ctx.getSelf())))
                .onCommand(Purge.class, this::onPurge)
                .onCommand(MeasureUsage.class, (s, c) -> Effect().reply(c.replyTo(),
                        new UsageMeasured(group, replica, s.file().length(), s.file().chargedBytes())))
                .onCommand(Freeze.class, (s, c) -> clones.freeze(Effect(), s, c))
                .onCommand(Seed.class, (s, c) -> clones.seed(Effect(), s, c, this::seeded))
                .build();
    }

    private ReplyEffect<Event, SegmentState> onAppend(SegmentState state, Append cmd) {
        if (state.checkAppend(cmd.epoch()) != null) {
            return Effect().reply(cmd.replyTo(), appendReply(cmd.requestId(), false, state));
        }
        writer = cmd.replyTo();
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
            checkHealth(state);
            return Effect().reply(cmd.replyTo(), appendReply(cmd.requestId(), true, state));
        }
        return Effect().persist(new Appended(cmd.epoch(), cmd.epochStart(), fresh, cmd.durableHint()))
                .thenRun(this::checkHealth)
                .thenReply(cmd.replyTo(), s -> appendReply(cmd.requestId(), true, s));
    }

    private AppendReply appendReply(long requestId, boolean accepted, SegmentState s) {
        return new AppendReply(requestId, group, replica, accepted, s.epoch(), s.scl(), null, ctx.getSelf());
    }

    private ReplyEffect<Event, SegmentState> onRead(SegmentState state, Read cmd) {
        if (!state.canServe(cmd.readPoint())) {
            return Effect().reply(cmd.replyTo(), new ReadReply(cmd.requestId(), null, "replica " + replica + " of group " + group
                    + " is not caught up: SCL " + state.scl() + " < read point " + cmd.readPoint(), -1, state.epoch(), ctx.getSelf()));
        }
        try {
            byte[] data = state.read(cmd.offset(), cmd.length(), cmd.readPoint());
            return Effect().reply(cmd.replyTo(), new ReadReply(cmd.requestId(), data, null, state.servedLsn(cmd.readPoint()), state.epoch(), ctx.getSelf()));
        } catch (BlockFile.CorruptBlockException e) {
            ctx.getLog().warn("replica {}/{} of {}: {}; repairing from a peer", group, replica, volumeId, e.getMessage());
            checkHealth(state);
            return Effect().reply(cmd.replyTo(), new ReadReply(cmd.requestId(), null, e.getMessage(), -1, state.epoch(), ctx.getSelf()));
        }
    }

    private ReplyEffect<Event, SegmentState> onBeginEpoch(SegmentState state, BeginEpoch cmd) {
        if (state.checkBeginEpoch(cmd.epoch()) != null) {
            return Effect().reply(cmd.replyTo(), new BeginEpochReply(cmd.requestId(), null, state.epoch(), ctx.getSelf()));
        }
        if (cmd.epoch() == state.epoch()) {
            // Asked again by the same recovering writer: the epoch is already persisted.
            return Effect().reply(cmd.replyTo(), new BeginEpochReply(cmd.requestId(), status(state), state.epoch(), ctx.getSelf()));
        }
        writer = null;
        return Effect().persist(new EpochBegun(cmd.epoch()))
                .thenReply(cmd.replyTo(), s -> new BeginEpochReply(cmd.requestId(), status(s), s.epoch(), ctx.getSelf()));
    }

    private ReplyEffect<Event, SegmentState> onDurableNotice(SegmentState state, DurableNotice cmd) {
        if (state.checkAppend(cmd.epoch()) == null) {
            state.advanceDurable(cmd.durableHint());
            checkHealth(state);
        }
        return Effect().noReply();
    }

    private ReplyEffect<Event, SegmentState> onPurge(SegmentState state, Purge cmd) {
        int highestGroup = state.highestGroup();
        return Effect().stop().thenRun(s -> SegmentPurge.run(ctx.getSystem(), persistenceId().id(), s.file(), files, journalPluginId())
                .whenComplete((ok, error) -> cmd.replyTo().tell(new Purged(group, replica, highestGroup,
                        error == null ? null : String.valueOf(error.getMessage())))))
                .thenNoReply();
    }

    /** A seed persisted: the replica's history is known now, and a gap round begun at start-up would copy what the layer holds. */
    private void seeded() {
        historyUnknown = false;
        if (sync != null) {
            ctx.stop(sync); // else it hydrates a full copy of the shared layer (a 1 GB group, six times)
            sync = null;
        }
    }

    private ReplicaStatus status(SegmentState s) {
        return new ReplicaStatus(group, replica, s.epoch(), s.appliedLsn(), s.durableHint(), s.scl(), s.highestGroup(),
                s.file().length(), s.pendingAbove(s.appliedLsn()));
    }

    // ---- serving peers ----

    private ReplyEffect<Event, SegmentState> onFetchRecords(SegmentState s, FetchRecords cmd) {
        List<LogRecord> out = new ArrayList<>();
        int bytes = 0;
        boolean more = false;
        // All records above what was asked if still held as records, else those above the applied
        // point (the asker then hydrates from the blocks and needs these on top).
        List<LogRecord> held = s.recordsAbove(cmd.fromLsn()).orElseGet(() -> s.pendingAbove(s.appliedLsn()));
        for (LogRecord r : held) {
            if (!out.isEmpty() && bytes + r.wireSize() > cmd.maxBytes()) {
                more = true;
                break;
            }
            out.add(r);
            bytes += r.wireSize();
        }
        return Effect().reply(cmd.replyTo(), new PeerRecords(replica, s.epoch(), s.epochStart(), s.appliedLsn(), s.scl(),
                s.highestGroup(), s.file().length(), out, more));
    }

    private ReplyEffect<Event, SegmentState> onFetchBlocks(SegmentState s, FetchBlocks cmd) {
        try {
            byte[] data = s.readApplied(cmd.localOffset(), cmd.length());
            return Effect().reply(cmd.replyTo(), new PeerBlocks(replica, s.appliedLsn(), s.file().length(), data, null));
        } catch (BlockFile.CorruptBlockException e) {
            checkHealth(s);
            return Effect().reply(cmd.replyTo(), new PeerBlocks(replica, s.appliedLsn(), s.file().length(), null, e.getMessage()));
        }
    }

    // ---- catching up ----

    private ReplyEffect<Event, SegmentState> onFillRecords(SegmentState s, FillRecords cmd) {
        // A peer in a newer epoch knows a newer writer: adopting its epoch and seal is safe (it only
        // fences more). In the same epoch the seals must agree, or the peer may hold records the
        // writer cut.
        boolean newer = cmd.peerEpoch() > s.epoch();
        boolean sameSeal = cmd.peerEpoch() == s.epoch()
                && (s.epochStart() == SegmentState.UNSEALED || cmd.peerEpochStart() == s.epochStart());
        List<LogRecord> fresh = new ArrayList<>();
        for (LogRecord r : cmd.records()) {
            if (r.lsn() > s.appliedLsn() && (newer || !s.holds(r.lsn()))) {
                fresh.add(r);
            }
        }
        if (!(newer || sameSeal) || (fresh.isEmpty() && !newer)) {
            return Effect().noReply();
        }
        long before = s.scl();
        StorageMetrics.REPAIRS.labels("fill").inc();
        StorageMetrics.FILLED_RECORDS.inc(fresh.size());
        return Effect().persist(new Filled(cmd.peerEpoch(), cmd.peerEpochStart(), fresh))
                .thenRun(after -> caughtUp(before, after)).thenNoReply();
    }

    private ReplyEffect<Event, SegmentState> onHydrationCopied(SegmentState s, HydrationCopied cmd) {
        if (cmd.baseLsn() <= s.scl() || cmd.generation() <= s.generation()) {
            files.delete(cmd.generation());
            return Effect().noReply();
        }
        long before = s.scl();
        ctx.getLog().info("replica {}/{} of {}: hydrated from a peer at LSN {} (generation {})", group, replica, volumeId,
                cmd.baseLsn(), cmd.generation());
        StorageMetrics.REPAIRS.labels("hydrate").inc();
        return Effect().persist(new Hydrated(cmd.generation(), cmd.baseLsn(), cmd.copiedUpTo(), cmd.highestGroup()))
                .thenRun(after -> caughtUp(before, after)).thenNoReply();
    }

    private ReplyEffect<Event, SegmentState> onRepairBlock(SegmentState s, RepairBlock cmd) {
        if (s.file().corruptBlocks().contains(cmd.block())) {
            s.repaired(cmd.block(), cmd.content(), cmd.peerApplied());
            StorageMetrics.REPAIRS.labels("block").inc();
            ctx.getLog().info("replica {}/{} of {}: block {} repaired from a peer", group, replica, volumeId, cmd.block());
        }
        return Effect().noReply();
    }

    private void caughtUp(long sclBefore, SegmentState s) {
        if (s.scl() > sclBefore && writer != null) {
            writer.tell(new AppendReply(UNASKED, group, replica, true, s.epoch(), s.scl(), null, ctx.getSelf()));
        }
        checkHealth(s);
    }

    /** Asks the sync child to fill gaps and repair corrupt blocks, if there are any. */
    private void checkHealth(SegmentState s) {
        checkHealth(s, historyUnknown || durableUnknown && s.appliedLsn() < s.scl());
    }

    /**
     * As {@link #checkHealth(SegmentState)}; with {@code askPeers}, a gap round runs even if none
     * is known, to learn whether the volume has a history this replica lacks.
     */
    private void checkHealth(SegmentState s, boolean askPeers) {
        boolean gap = askPeers || s.hasGap();
        var corrupt = s.file().corruptBlocks();
        if (!gap && corrupt.isEmpty()) {
            return;
        }
        if (ctx.getLog().isDebugEnabled()) {
            ctx.getLog().debug("replica {}/{} of {}: catching up: SCL {}, highest {}, durable hint {}, corrupt blocks {}", group, replica,
                    volumeId, s.scl(), s.highestLsn(), s.durableHint(), corrupt);
        }
        if (sync == null) {
            sync = ctx.spawn(SegmentSync.create(ctx.getSelf(), volumeId, layout, group, replica, files, settings.sync()), "sync-" + ++syncs);
        }
        sync.tell(new SegmentSync.CatchUp(gap, s.scl(), s.appliedLsn(), s.generation(), List.copyOf(corrupt)));
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
                .onEvent(Filled.class, (s, e) -> {
                    s.append(e.epoch(), e.epochStart(), e.records(), s.durableHint());
                    return s;
                })
                .onEvent(Hydrated.class, (s, e) -> {
                    s.hydrated(e.generation(), e.baseLsn(), e.copiedUpTo(), e.highestGroup());
                    return s;
                })
                .onEvent(Frozen.class, (s, e) -> {
                    s.frozen(e.layerId(), e.generation());
                    return s;
                })
                .onEvent(Seeded.class, (s, e) -> {
                    s.seeded(e.layerId(), e.generation(), e.appliedLsn(), e.durableHint(), e.highestGroup(), e.writerEpoch());
                    return s;
                })
                .build();
    }

    @Override
    public SignalHandler<SegmentState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), s -> {
                    String missing = s.verifyRestoredFiles();
                    if (missing != null) {
                        ctx.getLog().error("replica {}/{} of {} lost blocks it had applied: {}; it serves no reads and counts toward"
                                + " no quorum until it has caught up from its peers", group, replica, volumeId, missing);
                        StorageMetrics.REPAIRS.labels("lost-blocks").inc();
                        s.blocksLost();
                    }
                    // Copies abandoned by a crash mid-hydration are of no use (nor a damaged generation).
                    s.files().deleteAllBut(s.generation());
                    // A replica that holds nothing may have lost its disk: its peers tell. It asks until
                    // they answer: one round whose asks all timed out (peers busy) left a wiped replica of
                    // a group with no new writes empty for good (StorageFaultsIT, under load).
                    historyUnknown = s.highestLsn() == 0;
                    durableUnknown = s.appliedLsn() < s.scl();
                    checkHealth(s);
                })
                .onSignal(PostStop.instance(), s -> {
                    s.releaseRetained();
                    s.file().close();
                })
                .build();
    }

    /**
     * Every {@code snapshot-every} events, stretched by a sixth per replica index (500, 583, ...
     * 916 by default): replicas of one group get nearly the same sequence numbers, and with one
     * period they would all force their block files at the same moment, stalling every replica of
     * the group, and so the group's quorum, at once.
     */
    @Override
    public RetentionCriteria retentionCriteria() {
        int every = settings.snapshotEvery() + replica * settings.snapshotEvery() / 6;
        return RetentionCriteria.snapshotEvery(every, 2).withDeleteEventsOnSnapshot();
    }

    /**
     * A hydration, a freeze and a seed are snapshotted at once, so replay never needs the events
     * before them (which wrote into a generation that is now gone, or frozen).
     */
    @Override
    public boolean shouldSnapshot(SegmentState state, Event event, long sequenceNr) {
        return event instanceof Hydrated || event instanceof Frozen || event instanceof Seeded;
    }

    @Override
    public SnapshotAdapter<SegmentState> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            /**
             * Forces the block file first: the snapshot lets the journal delete the events behind
             * it, so what they applied must be on disk. (Done here because Pekko consults
             * shouldSnapshot only when the retention criteria do not snapshot already, so a
             * force there missed every periodic snapshot.)
             */
            @Override
            public Object toJournal(SegmentState state) {
                state.file().force();
                return state.snapshot();
            }

            @Override
            public SegmentState fromJournal(Object from) {
                SegmentState s = emptyState();
                s.restore(SegmentState.Snapshot.of(from));
                return s;
            }
        };
    }

    @Override
    public Optional<Integer> stashCapacity() {
        return Optional.of(10_000);
    }
}
