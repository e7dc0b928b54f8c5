package borealis.persistence.volume.segment;

import borealis.persistence.volume.log.Compression;
import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.VolumeLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of one segment replica: the records of its protection group that it has persisted,
 * how far they are complete (SCL), which epoch it serves, and its materialized block file.
 *
 * <p>Records stay <em>pending</em> until they are both chain-complete and known durable (at or
 * below the writer's volume-durable LSN, sent along with every append). Only then are they applied
 * to the block file. Recovery may cut records above the volume-complete LSN, and those are always
 * above every durable point ever announced, so an applied record is never cut.
 *
 * <p>This class is mutable on purpose: it owns a file. It is changed only from the event handler
 * of the replica entity (in the live path and on replay alike), and replaying a suffix of the log
 * over a file that already holds some of it gives the same file, because records are re-applied in
 * order. For the same reason a file whose blocks are <em>ahead</em> of the applied LSN (a copy taken
 * from a peer that had applied more) becomes exact once the records up to the peer's point are
 * applied; until then it serves only reads at or above that point ({@link #aheadLsn()}).
 *
 * <p>A replica that lacks records below ones it holds (a gap), or below the durable point it was
 * told of, fills them from its peers (as records, {@link #append}); one so far behind that its peers have
 * already applied and forgotten the records it misses <em>hydrates</em>: it copies a peer's blocks
 * into a new file generation and switches to it ({@link #hydrated}).
 */
public final class SegmentState {

    /** No seal known for the current epoch: nothing is cut yet. */
    public static final long UNSEALED = Long.MAX_VALUE;

    private final VolumeLayout layout;
    private final int group;
    private final SegmentFiles files;
    private BlockFile file;
    private long generation;
    private long aheadLsn;

    private long epoch;
    private long epochStart = UNSEALED;
    private long appliedLsn;
    private long durableHint;
    private long scl;
    private int highestGroup;
    private final TreeMap<Long, LogRecord> pending = new TreeMap<>();
    private final java.util.ArrayDeque<LogRecord> recent = new java.util.ArrayDeque<>();
    private long recentBytes;
    private long keepAppliedBytes;
    private RetainedRecords nodeBudget = RetainedRecords.UNBOUNDED;
    /** Where compressed records are expanded before they are applied. */
    private byte[] scratch = new byte[0];
    /**
     * From a restored snapshot until {@link #verifyRestoredFiles}: the lengths its block file and
     * checksums must at least have, lowered by every truncation replayed since (the file on disk
     * may already reflect those), and the lengths found at restore, before replay wrote anything.
     * {@link #UNKNOWN_LENGTH} when there is nothing to check.
     */
    private long mustHaveLength = UNKNOWN_LENGTH;
    private long mustHaveSums = UNKNOWN_LENGTH;
    private long foundLength;
    private long foundSums;
    private long restoredApplied;

    /** A snapshot from before file lengths were recorded: its files cannot be checked. */
    public static final long UNKNOWN_LENGTH = -1;

    /** Why an append or epoch change was refused. */
    public enum Rejection { STALE_EPOCH }

    public SegmentState(VolumeLayout layout, int group, SegmentFiles files) {
        this.layout = layout;
        this.group = group;
        this.files = files;
        this.file = files.open(0);
    }

    /** Restores from a snapshot; the block file already holds every record up to appliedLsn. */
    public void restore(Snapshot s) {
        switchTo(s.generation());
        // Read before replay writes anything: a file lost and created empty again would otherwise
        // be masked by the records replayed into it.
        foundLength = file.length();
        foundSums = file.checksumsLength();
        mustHaveLength = s.fileLength();
        mustHaveSums = s.sumsLength();
        restoredApplied = s.appliedLsn();
        aheadLsn = s.aheadLsn();
        epoch = s.epoch();
        epochStart = s.epochStart();
        appliedLsn = s.appliedLsn();
        durableHint = s.durableHint();
        highestGroup = s.highestGroup();
        pending.clear();
        scl = appliedLsn;
        for (LogRecord r : s.pending()) {
            pending.put(r.lsn(), r);
            cutMayBeOnDisk(r); // pending when the snapshot was taken, maybe applied after it
        }
        advanceScl();
    }

    public Snapshot snapshot() {
        return new Snapshot(epoch, epochStart, appliedLsn, durableHint, highestGroup, List.copyOf(pending.values()), generation,
                aheadLsn, file.length(), file.checksumsLength());
    }

    /**
     * After recovery (snapshot and replay): what the restored snapshot says the block file held
     * and the file on disk lacked when the snapshot was restored (lost, or cut short: a directory
     * entry lost at a power loss, a file deleted), or null if it is whole. Checks once; blocks
     * damaged inside the file are caught by their checksums when read instead.
     */
    public String verifyRestoredFiles() {
        long length = mustHaveLength;
        long sums = mustHaveSums;
        mustHaveLength = UNKNOWN_LENGTH;
        mustHaveSums = UNKNOWN_LENGTH;
        if (length != UNKNOWN_LENGTH && foundLength < length) {
            return file.path() + " holds " + foundLength + " bytes where its snapshot (applied up to LSN " + restoredApplied
                    + ") had " + length;
        }
        if (sums != UNKNOWN_LENGTH && foundSums < sums) {
            return "the checksums of " + file.path() + " cover " + foundSums / 4 + " blocks where its snapshot (applied up to LSN "
                    + restoredApplied + ") had " + sums / 4;
        }
        return null;
    }

    /**
     * The block file lacks blocks this replica applied: it forgets having applied anything, so it
     * serves no reads and has a gap from the group's start, which its peers fill (as records if they
     * still hold them, else by hydration). The records it holds stay. It moves to a fresh file
     * generation, so the damaged file is never read again, and it is deleted: a restart before the
     * next snapshot finds it missing again.
     */
    public void blocksLost() {
        long fresh = generation + 1;
        files.delete(fresh);
        switchTo(fresh);
        releaseRetained();
        appliedLsn = 0;
        aheadLsn = 0;
        scl = 0;
        advanceScl();
    }

    // ---- decisions (no change) ----

    /** Whether records from a writer in {@code writerEpoch} may be accepted. */
    public Rejection checkAppend(long writerEpoch) {
        return writerEpoch < epoch ? Rejection.STALE_EPOCH : null;
    }

    /**
     * Whether a recovering writer may start {@code newEpoch}: a newer one may, and the same one
     * again (its recovery asking once more after a lost answer; epochs are never handed out twice).
     */
    public Rejection checkBeginEpoch(long newEpoch) {
        return newEpoch < epoch ? Rejection.STALE_EPOCH : null;
    }

    /** Whether a read at {@code readPoint} (an LSN of this group) can be served here. */
    public boolean canServe(long readPoint) {
        return scl >= readPoint && readPoint >= aheadLsn;
    }

    /**
     * Whether records are missing here: a hole below records held, or below the group's newest
     * durable LSN as the writer announced it.
     */
    public boolean hasGap() {
        return scl < highestLsn() || scl < durableHint;
    }

    // ---- changes (event handler only) ----

    /** A newer writer is recovering: from now on records of older epochs are refused. */
    public void beginEpoch(long newEpoch) {
        if (newEpoch > epoch) {
            epoch = newEpoch;
            epochStart = UNSEALED;
        }
    }

    /**
     * The writer of {@code sealEpoch} starts at {@code startLsn}: records of older epochs at or
     * above it were never durable and are dropped.
     */
    public void seal(long sealEpoch, long startLsn) {
        if (sealEpoch < epoch || (sealEpoch == epoch && epochStart != UNSEALED)) {
            return;
        }
        epoch = sealEpoch;
        epochStart = startLsn;
        pending.tailMap(startLsn, true).clear();
        if (scl >= startLsn) {
            scl = appliedLsn;
            advanceScl();
        }
    }

    /** Adds records persisted in {@code writerEpoch} (sealed at {@code writerStart}). */
    public void append(long writerEpoch, long writerStart, List<LogRecord> records, long hint) {
        if (writerEpoch > epoch || (writerEpoch == epoch && epochStart == UNSEALED)) {
            seal(writerEpoch, writerStart);
        }
        for (LogRecord r : records) {
            if (r.lsn() > appliedLsn && !pending.containsKey(r.lsn())) {
                pending.put(r.lsn(), r);
                // Replayed: before the restart a durable notice (not an event) may have applied it.
                cutMayBeOnDisk(r);
            }
        }
        advanceScl();
        advanceDurable(hint);
    }

    /**
     * The replica switches to generation {@code newGeneration}, a copy of a peer's blocks taken
     * while the peer had applied at least {@code baseLsn} and at most {@code copiedUpTo}. Records at
     * or below the base are dropped (they are in the copy); the ones above are applied again over
     * it, which makes the copy exact.
     */
    public void hydrated(long newGeneration, long baseLsn, long copiedUpTo, int peerHighestGroup) {
        switchTo(newGeneration);
        files.deleteAllBut(newGeneration);
        mustHaveLength = UNKNOWN_LENGTH;
        mustHaveSums = UNKNOWN_LENGTH;
        releaseRetained();
        appliedLsn = baseLsn;
        pending.headMap(baseLsn, true).clear();
        highestGroup = Math.max(highestGroup, peerHighestGroup);
        aheadLsn = Math.max(aheadLsn, copiedUpTo);
        // The peer applied only durable records.
        durableHint = Math.max(durableHint, baseLsn);
        scl = baseLsn;
        advanceScl();
        advanceDurable(durableHint);
    }

    /**
     * Whether this replica's file is exactly its applied records, complete up to {@code groupLast}
     * (the group's newest LSN) with nothing pending and nothing known corrupt: only such a file can
     * be frozen as a clone's layer. Null if so, else why not.
     */
    public String unfitToFreeze(long groupLast) {
        if (appliedLsn < groupLast) {
            return "applied up to LSN " + appliedLsn + " of the group's " + groupLast;
        }
        if (!pending.isEmpty()) {
            return pending.size() + " records not applied yet";
        }
        if (aheadLsn > appliedLsn) {
            return "its blocks are ahead of its records (hydrated, LSN " + aheadLsn + ")";
        }
        if (!file.corruptBlocks().isEmpty()) {
            return "blocks " + file.corruptBlocks() + " are corrupt";
        }
        return null;
    }

    /**
     * The current generation becomes layer {@code layerId}, shared with a clone and never written
     * again; the replica goes on in a new generation over it, which changes nothing it reads.
     * Replayed after the layer was made, the generation's file it finds (the snapshot's) holds only
     * what replay wrote into a fresh file, so it is dropped rather than frozen.
     */
    public void frozen(String layerId, long newGeneration) {
        file.force();
        file.close();
        files.freeze(generation, layerId, newGeneration);
        file = files.open(newGeneration);
        generation = newGeneration;
        files.deleteAllBut(newGeneration);
        mustHaveLength = UNKNOWN_LENGTH;
        mustHaveSums = UNKNOWN_LENGTH;
    }

    /**
     * The replica starts over from a frozen layer (hard-linked here already): generation {@code
     * newGeneration} over it, applied up to {@code applied}, as if it had applied records that
     * wrote exactly the layer; {@code highestGroup} is the volume's group count from now on. What it
     * held before is dropped (a backtrack laid out anew, in writer epoch {@code writerEpoch}, which
     * it adopts); an empty replica of a clone or restore just starts there.
     */
    public void seeded(String layerId, long newGeneration, long applied, long durable, int highestGroup, long writerEpoch) {
        files.createOver(newGeneration, layerId);
        switchTo(newGeneration);
        files.deleteAllBut(newGeneration);
        mustHaveLength = UNKNOWN_LENGTH;
        mustHaveSums = UNKNOWN_LENGTH;
        releaseRetained();
        pending.clear();
        if (writerEpoch > epoch) {
            epoch = writerEpoch;
            epochStart = UNSEALED;
        }
        this.highestGroup = highestGroup;
        appliedLsn = applied;
        scl = applied;
        aheadLsn = 0;
        durableHint = durable;
        advanceScl();
    }

    /** A corrupt block was replaced by a peer's copy taken while the peer had applied {@code peerApplied}. */
    public void repaired(long block, byte[] content, long peerApplied) {
        file.repair(block, content);
        if (peerApplied > appliedLsn) {
            aheadLsn = Math.max(aheadLsn, peerApplied);
        }
    }

    private void switchTo(long newGeneration) {
        if (newGeneration != generation) {
            file.close();
            file = files.open(newGeneration);
            generation = newGeneration;
        }
    }

    /**
     * Between a snapshot's restore and {@link #verifyRestoredFiles}: a cut that the file on disk may
     * already reflect lowers what the file must hold. Durable notices are not events, so before a
     * restart a cut may have been applied that replay leaves pending: every replica of a group then
     * took H2's shrunk file for lost blocks and the group had no write quorum (bin/bench-pgbench).
     */
    private void cutMayBeOnDisk(LogRecord r) {
        if (r.kind() != LogRecord.Kind.TRUNCATE || mustHaveLength == UNKNOWN_LENGTH) {
            return;
        }
        long newLength = layout.localLengthAfterTruncate(group, r.offset());
        mustHaveLength = Math.min(mustHaveLength, newLength);
        mustHaveSums = mustHaveSums == UNKNOWN_LENGTH ? UNKNOWN_LENGTH : Math.min(mustHaveSums, BlockFile.checksumsLengthFor(newLength));
    }

    /** The writer's volume-durable LSN moved: apply whatever is now complete and durable. */
    public void advanceDurable(long hint) {
        durableHint = Math.max(durableHint, hint);
        long upTo = Math.min(scl, durableHint);
        while (!pending.isEmpty() && pending.firstKey() <= upTo) {
            LogRecord r = pending.pollFirstEntry().getValue();
            apply(r);
            appliedLsn = r.lsn();
            retain(r);
        }
    }

    /**
     * Keeps recently applied records (up to this replica's share and what the node's budget has
     * free) so that a peer with a short gap can fill it from them. What is kept is always the
     * latest run of applied records, so a gap it does not reach is seen as such.
     */
    private void retain(LogRecord r) {
        if (keepAppliedBytes <= 0) {
            return;
        }
        long size = r.wireSize();
        while (!recent.isEmpty() && recentBytes + size > keepAppliedBytes) {
            evictOldest();
        }
        while (!nodeBudget.take(size)) {
            if (recent.isEmpty()) {
                return;
            }
            evictOldest();
        }
        recent.addLast(r);
        recentBytes += size;
    }

    private void evictOldest() {
        long size = recent.pollFirst().wireSize();
        recentBytes -= size;
        nodeBudget.give(size);
    }

    /** Forgets the kept records, giving their bytes back to the node (the replica stops, or its blocks are replaced). */
    public void releaseRetained() {
        nodeBudget.give(recentBytes);
        recent.clear();
        recentBytes = 0;
    }

    /**
     * Sets how many bytes of applied records to keep for peers, and the node-wide budget they come
     * from (not persisted: empty after a restart).
     */
    public void keepApplied(long bytes, RetainedRecords node) {
        this.keepAppliedBytes = bytes;
        this.nodeBudget = node;
    }

    /**
     * Every record held above {@code fromLsn}, if this replica still has all of them as records
     * (pending, or applied recently enough to be kept); otherwise empty.
     */
    public java.util.Optional<List<LogRecord>> recordsAbove(long fromLsn) {
        if (fromLsn >= appliedLsn) {
            return java.util.Optional.of(pendingAbove(fromLsn));
        }
        if (recent.isEmpty() || recent.peekFirst().prevLsnInGroup() > fromLsn) {
            return java.util.Optional.empty();
        }
        List<LogRecord> out = new ArrayList<>();
        for (LogRecord r : recent) {
            if (r.lsn() > fromLsn) {
                out.add(r);
            }
        }
        out.addAll(pending.values());
        return java.util.Optional.of(out);
    }

    private void apply(LogRecord r) {
        switch (r.kind()) {
            case WRITE -> {
                if (r.compressed()) {
                    // Into a scratch buffer kept by this replica: a commit is applied by six
                    // replicas, and a fresh 16-36 KiB array each time was a fifth of all allocation.
                    if (scratch.length < r.length()) {
                        scratch = new byte[Math.max(r.length(), 2 * scratch.length)];
                    }
                    Compression.decompressInto(r.data(), r.length(), scratch);
                    file.write(r.offset() - layout.groupStart(group), scratch, r.length());
                } else {
                    file.write(r.offset() - layout.groupStart(group), r.data());
                }
            }
            case TRUNCATE -> {
                long newLength = layout.localLengthAfterTruncate(group, r.offset());
                cutMayBeOnDisk(r); // replayed after the snapshot: the file may hold this cut already
                if (newLength < file.length()) {
                    file.truncate(newLength);
                }
            }
            case GROW -> highestGroup = Math.max(highestGroup, (int) r.offset());
        }
    }

    private void advanceScl() {
        while (true) {
            Map.Entry<Long, LogRecord> next = pending.higherEntry(scl);
            if (next == null || next.getValue().prevLsnInGroup() != scl) {
                return;
            }
            scl = next.getKey();
        }
    }

    // ---- reads ----

    /**
     * Reads {@code length} bytes at absolute volume offset {@code offset} as of {@code readPoint}:
     * the block file plus the pending records up to the read point, in order.
     */
    public byte[] read(long offset, int length, long readPoint) throws BlockFile.CorruptBlockException {
        long local = offset - layout.groupStart(group);
        byte[] out = file.read(local, length);
        long len = file.length();
        for (LogRecord r : pending.headMap(Math.min(readPoint, scl), true).values()) {
            switch (r.kind()) {
                case WRITE -> {
                    long rs = r.offset() - layout.groupStart(group);
                    long from = Math.max(local, rs);
                    long to = Math.min(local + length, rs + r.length());
                    if (from < to) {
                        System.arraycopy(r.payload(), (int) (from - rs), out, (int) (from - local), (int) (to - from));
                    }
                    len = Math.max(len, rs + r.length());
                }
                case TRUNCATE -> {
                    len = Math.min(len, layout.localLengthAfterTruncate(group, r.offset()));
                    for (long i = Math.max(local, len); i < local + length; i++) {
                        out[(int) (i - local)] = 0;
                    }
                }
                case GROW -> { }
            }
        }
        return out;
    }

    /**
     * The newest record a read at {@code readPoint} reflects: the block file holds everything up
     * to the applied LSN (which may lie above the read point), pending records add up to the read point.
     */
    public long servedLsn(long readPoint) {
        Long last = pending.isEmpty() ? null : pending.floorKey(Math.min(readPoint, scl));
        return Math.max(appliedLsn, last == null ? 0 : last);
    }

    /** The group-local content length, counting pending records up to {@code readPoint}. */
    public long localLength(long readPoint) {
        long len = file.length();
        for (LogRecord r : pending.headMap(Math.min(readPoint, scl), true).values()) {
            if (r.kind() == LogRecord.Kind.WRITE) {
                len = Math.max(len, r.offset() - layout.groupStart(group) + r.length());
            } else if (r.kind() == LogRecord.Kind.TRUNCATE) {
                len = Math.min(len, layout.localLengthAfterTruncate(group, r.offset()));
            }
        }
        return len;
    }

    /** Records held above {@code fromLsn}, for a recovering writer or a peer filling a gap. */
    public List<LogRecord> pendingAbove(long fromLsn) {
        return new ArrayList<>(pending.tailMap(fromLsn, false).values());
    }

    /** Whether record {@code lsn} is held (applied or pending). */
    public boolean holds(long lsn) {
        return lsn <= appliedLsn || pending.containsKey(lsn);
    }

    public long epoch() { return epoch; }
    public long epochStart() { return epochStart; }
    public long appliedLsn() { return appliedLsn; }
    public long durableHint() { return durableHint; }
    public long scl() { return scl; }
    public int highestGroup() { return highestGroup; }
    public int pendingCount() { return pending.size(); }
    public long highestLsn() { return pending.isEmpty() ? appliedLsn : pending.lastKey(); }
    public BlockFile file() { return file; }
    public SegmentFiles files() { return files; }
    public long generation() { return generation; }
    public long aheadLsn() { return aheadLsn; }
    public int group() { return group; }

    /**
     * Reads applied content only (no pending records), verified, for a peer that hydrates or
     * repairs from this replica. Bytes past the end read as zeros.
     */
    public byte[] readApplied(long localOffset, int length) throws BlockFile.CorruptBlockException {
        return file.read(localOffset, length);
    }

    /** A snapshot as replicas wrote it before file generations (Kryo id 153); read as generation 0. */
    public record LegacySnapshot(long epoch, long epochStart, long appliedLsn, long durableHint, int highestGroup,
                                 List<LogRecord> pending) implements borealis.persistence.serialization.BorealisSerializable {
        public Snapshot upgrade() {
            return new Snapshot(epoch, epochStart, appliedLsn, durableHint, highestGroup, pending, 0, 0, UNKNOWN_LENGTH,
                    UNKNOWN_LENGTH);
        }
    }

    /** A snapshot as replicas wrote it before file lengths were recorded (Kryo id 160). */
    public record SnapshotBeforeLengths(long epoch, long epochStart, long appliedLsn, long durableHint, int highestGroup,
                                        List<LogRecord> pending, long generation, long aheadLsn)
            implements borealis.persistence.serialization.BorealisSerializable {
        public Snapshot upgrade() {
            return new Snapshot(epoch, epochStart, appliedLsn, durableHint, highestGroup, pending, generation, aheadLsn,
                    UNKNOWN_LENGTH, UNKNOWN_LENGTH);
        }
    }

    /**
     * What a snapshot keeps; the block file itself is forced to disk before the snapshot is saved.
     * {@code fileLength} and {@code sumsLength}: the sizes of the block file and its checksums then,
     * so that recovery can tell a file that lost blocks ({@link #verifyRestoredFiles}).
     */
    public record Snapshot(long epoch, long epochStart, long appliedLsn, long durableHint, int highestGroup,
                           List<LogRecord> pending, long generation, long aheadLsn, long fileLength, long sumsLength)
            implements borealis.persistence.serialization.BorealisSerializable {

        /** A snapshot of any version this replica ever wrote. */
        public static Snapshot of(Object stored) {
            if (stored instanceof Snapshot s) {
                return s;
            } else if (stored instanceof SnapshotBeforeLengths s) {
                return s.upgrade();
            } else if (stored instanceof LegacySnapshot s) {
                return s.upgrade();
            }
            throw new IllegalArgumentException("not a replica snapshot: " + stored.getClass());
        }
    }
}
