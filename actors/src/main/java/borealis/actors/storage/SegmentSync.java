package borealis.actors.storage;

import borealis.persistence.volume.log.VolumeLayout;
import borealis.persistence.volume.segment.BlockFile;
import borealis.persistence.volume.segment.SegmentFiles;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A replica's traffic with its peers, run as a child of the {@link StorageSegment} entity so that
 * the entity never waits on the network: one round at a time, each either
 *
 * <ul>
 *   <li><b>repair</b>: ask every peer for a corrupt block and hand the entity the copy of the peer
 *       that had applied the most (verified by the peer's own checksum on the way out);</li>
 *   <li><b>fill</b>: ask every peer what it holds above this replica's SCL; if one still holds the
 *       missing records (it has not applied past them), hand them to the entity;</li>
 *   <li><b>hydrate</b>: otherwise every peer has applied and forgotten them, so fetch the chosen
 *       peer's records above its applied LSN, then copy its blocks chunk by chunk into the next file
 *       generation, force it, and hand it to the entity to switch over.</li>
 * </ul>
 *
 * After a round it pauses briefly and tells the entity it is idle; the entity starts another round
 * if anything is still missing. Requests that arrive during a round or a pause are dropped: the
 * idle notice re-checks.
 */
final class SegmentSync extends AbstractBehavior<SegmentSync.Command> {


    interface Command extends NoSerializationVerificationNeeded {}

    /** What the entity needs: gaps filled (if {@code gap}) and corrupt blocks repaired. */
    record CatchUp(boolean gap, long scl, long appliedLsn, long generation, List<Long> corrupt) implements Command {}

    private record FillAnswers(long scl, long generation, List<StorageSegment.PeerRecords> answers) implements Command {}

    private record RepairAnswers(long block, long appliedLsn, List<StorageSegment.PeerBlocks> answers) implements Command {}

    private record Page(int peer, StorageSegment.PeerRecords records, Throwable error) implements Command {}

    private record Chunk(StorageSegment.PeerBlocks blocks, Throwable error) implements Command {}

    private record Rest() implements Command {}

    private static final Object REST_TIMER = "rest";

    private final ActorRef<StorageSegment.Command> entity;
    private final String volumeId;
    private final VolumeLayout layout;
    private final int group;
    private final int replica;
    private final SegmentFiles files;
    private final StorageSegment.SyncSettings settings;
    private final TimerScheduler<Command> timers;
    private boolean busy;

    /** A hydration in progress. */
    private int hydratePeer = -1;
    private long hydrateBase;
    private long hydrateGeneration;
    private long copiedUpTo;
    private long peerLength;
    private long copyOffset;
    private BlockFile copy;
    private int highestGroup;

    private SegmentSync(ActorContext<Command> ctx, TimerScheduler<Command> timers, ActorRef<StorageSegment.Command> entity,
                        String volumeId, VolumeLayout layout, int group, int replica, SegmentFiles files, StorageSegment.SyncSettings settings) {
        super(ctx);
        this.timers = timers;
        this.entity = entity;
        this.volumeId = volumeId;
        this.layout = layout;
        this.group = group;
        this.replica = replica;
        this.files = files;
        this.settings = settings;
    }

    static Behavior<Command> create(ActorRef<StorageSegment.Command> entity, String volumeId, VolumeLayout layout, int group,
                                    int replica, SegmentFiles files, StorageSegment.SyncSettings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new SegmentSync(ctx, timers, entity, volumeId, layout, group, replica, files, settings)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(CatchUp.class, this::onCatchUp)
                .onMessage(FillAnswers.class, this::onFillAnswers)
                .onMessage(RepairAnswers.class, this::onRepairAnswers)
                .onMessage(Page.class, this::onPage)
                .onMessage(Chunk.class, this::onChunk)
                .onMessage(Rest.class, r -> {
                    busy = false;
                    entity.tell(new StorageSegment.SyncIdle());
                    return this;
                })
                .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> {
                    abandonCopy();
                    return this;
                })
                .build();
    }

    private Behavior<Command> onCatchUp(CatchUp c) {
        if (busy) {
            return this;
        }
        busy = true;
        if (!c.corrupt().isEmpty()) {
            long block = c.corrupt().get(0);
            long offset = block * VolumeLayout.BLOCK;
            askAll(peer -> ref(peer).<StorageSegment.PeerBlocks>ask(r -> new StorageSegment.FetchBlocks(offset, VolumeLayout.BLOCK, r),
                            settings.timeout()),
                    answers -> new RepairAnswers(block, c.appliedLsn(), answers));
        } else if (c.gap()) {
            askAll(peer -> ref(peer).<StorageSegment.PeerRecords>ask(
                            r -> new StorageSegment.FetchRecords(c.scl(), settings.pageBytes(), r), settings.timeout()),
                    answers -> new FillAnswers(c.scl(), c.generation(), answers));
        } else {
            rest();
        }
        return this;
    }

    private Behavior<Command> onRepairAnswers(RepairAnswers a) {
        a.answers().stream()
                .filter(b -> b.error() == null && b.appliedLsn() >= a.appliedLsn())
                .max(Comparator.comparingLong(StorageSegment.PeerBlocks::appliedLsn))
                .ifPresentOrElse(
                        b -> entity.tell(new StorageSegment.RepairBlock(a.block(), b.data(), b.appliedLsn())),
                        () -> getContext().getLog().warn("replica {}/{} of {}: no peer could supply block {} yet ({} answers)",
                                group, replica, volumeId, a.block(), a.answers().size()));
        rest();
        return this;
    }

    private Behavior<Command> onFillAnswers(FillAnswers a) {
        if (!a.answers().isEmpty()) {
            entity.tell(new StorageSegment.HistoryConfirmed());
        }
        if (getContext().getLog().isDebugEnabled()) {
            getContext().getLog().debug("replica {}/{} of {}: fill round at SCL {}: {}", group, replica, volumeId, a.scl(),
                    a.answers().stream().map(p -> p.replica() + "@" + p.appliedLsn() + "/" + p.scl() + "+" + p.records().size()).toList());
        }
        // A peer that still holds, as records, what we miss (pending, or applied recently): the
        // record that follows our SCL.
        var filler = a.answers().stream()
                .filter(p -> p.records().stream().anyMatch(r -> r.prevLsnInGroup() == a.scl()))
                .max(Comparator.comparingLong(StorageSegment.PeerRecords::scl));
        if (filler.isPresent()) {
            StorageSegment.PeerRecords p = filler.get();
            entity.tell(new StorageSegment.FillRecords(p.epoch(), p.epochStart(), p.records()));
            // What the peer applied was known durable: without this a replica filled in a group no
            // writer touches any more held the records unapplied (the entity checks epoch and seal).
            entity.tell(new StorageSegment.PeerApplied(p.epoch(), p.epochStart(), p.appliedLsn()));
            rest();
            return this;
        }
        // Nothing missing as records: what peers applied is durable, so the entity may apply up to
        // it what it holds (a restart forgot the durable notice that said so).
        a.answers().stream().max(Comparator.comparingLong(StorageSegment.PeerRecords::appliedLsn))
                .ifPresent(p -> entity.tell(new StorageSegment.PeerApplied(p.epoch(), p.epochStart(), p.appliedLsn())));
        var source = a.answers().stream()
                .filter(p -> p.appliedLsn() > a.scl())
                .max(Comparator.comparingLong(StorageSegment.PeerRecords::scl));
        if (source.isEmpty()) {
            rest();
            return this;
        }
        StorageSegment.PeerRecords p = source.get();
        getContext().getLog().info("replica {}/{} of {}: SCL {} is below what peers still hold as records; hydrating from replica {}"
                + " (applied {}, {} bytes)", group, replica, volumeId, a.scl(), p.replica(), p.appliedLsn(), p.length());
        hydratePeer = p.replica();
        hydrateBase = p.appliedLsn();
        highestGroup = p.highestGroup();
        hydrateGeneration = a.generation() + 1;
        copiedUpTo = p.appliedLsn();
        peerLength = p.length();
        copyOffset = 0;
        files.delete(hydrateGeneration);
        copy = files.open(hydrateGeneration);
        // First the records above the peer's applied point, so that we hold everything the copy lacks.
        return onPage(new Page(p.replica(), p, null));
    }

    private Behavior<Command> onPage(Page page) {
        if (page.error() != null || page.records() == null || page.records().appliedLsn() < hydrateBase) {
            return failHydration("records page: " + (page.error() != null ? page.error() : "peer went back"));
        }
        StorageSegment.PeerRecords p = page.records();
        if (!p.records().isEmpty()) {
            entity.tell(new StorageSegment.FillRecords(p.epoch(), p.epochStart(), p.records()));
        }
        if (p.more()) {
            long from = p.records().get(p.records().size() - 1).lsn();
            getContext().pipeToSelf(ref(hydratePeer).<StorageSegment.PeerRecords>ask(
                            r -> new StorageSegment.FetchRecords(from, settings.pageBytes(), r), settings.timeout()),
                    (ok, err) -> new Page(hydratePeer, ok, err));
            return this;
        }
        requestChunk();
        return this;
    }

    private void requestChunk() {
        long offset = copyOffset;
        getContext().pipeToSelf(ref(hydratePeer).<StorageSegment.PeerBlocks>ask(
                        r -> new StorageSegment.FetchBlocks(offset, settings.chunkBytes(), r), settings.timeout()),
                (ok, err) -> new Chunk(ok, err));
    }

    private Behavior<Command> onChunk(Chunk c) {
        if (copy == null) {
            return this;
        }
        if (c.error() != null || c.blocks().error() != null || c.blocks().appliedLsn() < hydrateBase) {
            return failHydration("block copy at " + copyOffset + ": "
                    + (c.error() != null ? c.error() : c.blocks().error() != null ? c.blocks().error() : "peer went back"));
        }
        StorageSegment.PeerBlocks b = c.blocks();
        copiedUpTo = Math.max(copiedUpTo, b.appliedLsn());
        peerLength = b.length();
        int valid = (int) Math.max(0, Math.min(b.data().length, peerLength - copyOffset));
        // Zero blocks stay holes: the copy is as sparse as the original.
        for (int at = 0; at < valid; at += VolumeLayout.BLOCK) {
            int n = Math.min(VolumeLayout.BLOCK, valid - at);
            if (!allZero(b.data(), at, n)) {
                copy.write(copyOffset + at, java.util.Arrays.copyOfRange(b.data(), at, at + n));
            }
        }
        copyOffset += b.data().length;
        if (copyOffset < peerLength) {
            requestChunk();
            return this;
        }
        copy.truncate(peerLength);
        copy.force();
        copy.close();
        copy = null;
        entity.tell(new StorageSegment.HydrationCopied(hydrateGeneration, hydrateBase, copiedUpTo, highestGroup));
        hydratePeer = -1;
        rest();
        return this;
    }

    private Behavior<Command> failHydration(String why) {
        getContext().getLog().warn("replica {}/{} of {}: hydration from replica {} abandoned: {}", group, replica, volumeId,
                hydratePeer, why);
        abandonCopy();
        rest();
        return this;
    }

    private void abandonCopy() {
        if (copy != null) {
            copy.close();
            copy = null;
            files.delete(hydrateGeneration);
        }
        hydratePeer = -1;
    }

    private void rest() {
        timers.startSingleTimer(REST_TIMER, new Rest(), settings.pause());
    }

    private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<StorageSegment.Command> ref(int peer) {
        return settings.sharding().entityRefFor(StorageSegment.typeKey(peer), StorageSegment.entityId(volumeId, layout, group, peer));
    }

    /** Asks every peer at once; the answers that came within the timeout become one message. */
    private <T> void askAll(Function<Integer, CompletionStage<T>> ask, Function<List<T>, Command> done) {
        List<CompletableFuture<T>> futures = new ArrayList<>();
        for (int peer = 0; peer < VolumeLayout.REPLICAS; peer++) {
            if (peer != replica) {
                futures.add(ask.apply(peer).toCompletableFuture()
                        .completeOnTimeout(null, settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                        .exceptionally(e -> null));
            }
        }
        CompletableFuture<List<T>> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).filter(x -> x != null).toList());
        getContext().pipeToSelf(all, (ok, err) -> done.apply(ok != null ? ok : List.of()));
    }

    private static boolean allZero(byte[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
