package borealis.persistence.volume;

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
 * order.
 */
public final class SegmentState {

    /** No seal known for the current epoch: nothing is cut yet. */
    public static final long UNSEALED = Long.MAX_VALUE;

    private final VolumeLayout layout;
    private final int group;
    private final BlockFile file;

    private long epoch;
    private long epochStart = UNSEALED;
    private long appliedLsn;
    private long durableHint;
    private long scl;
    private int highestGroup;
    private final TreeMap<Long, LogRecord> pending = new TreeMap<>();

    /** Why an append or epoch change was refused. */
    public enum Rejection { STALE_EPOCH }

    public SegmentState(VolumeLayout layout, int group, BlockFile file) {
        this.layout = layout;
        this.group = group;
        this.file = file;
    }

    /** Restores from a snapshot; the block file already holds every record up to appliedLsn. */
    public void restore(Snapshot s) {
        epoch = s.epoch();
        epochStart = s.epochStart();
        appliedLsn = s.appliedLsn();
        durableHint = s.durableHint();
        highestGroup = s.highestGroup();
        pending.clear();
        scl = appliedLsn;
        for (LogRecord r : s.pending()) {
            pending.put(r.lsn(), r);
        }
        advanceScl();
    }

    public Snapshot snapshot() {
        return new Snapshot(epoch, epochStart, appliedLsn, durableHint, highestGroup, List.copyOf(pending.values()));
    }

    // ---- decisions (no change) ----

    /** Whether records from a writer in {@code writerEpoch} may be accepted. */
    public Rejection checkAppend(long writerEpoch) {
        return writerEpoch < epoch ? Rejection.STALE_EPOCH : null;
    }

    /** Whether a recovering writer may start {@code newEpoch}: only a strictly newer one may. */
    public Rejection checkBeginEpoch(long newEpoch) {
        return newEpoch <= epoch ? Rejection.STALE_EPOCH : null;
    }

    /** Whether a read at {@code readPoint} (an LSN of this group) can be served here. */
    public boolean canServe(long readPoint) {
        return scl >= readPoint;
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
            }
        }
        advanceScl();
        advanceDurable(hint);
    }

    /** The writer's volume-durable LSN moved: apply whatever is now complete and durable. */
    public void advanceDurable(long hint) {
        durableHint = Math.max(durableHint, hint);
        long upTo = Math.min(scl, durableHint);
        while (!pending.isEmpty() && pending.firstKey() <= upTo) {
            LogRecord r = pending.pollFirstEntry().getValue();
            apply(r);
            appliedLsn = r.lsn();
        }
    }

    private void apply(LogRecord r) {
        switch (r.kind()) {
            case WRITE -> file.write(r.offset() - layout.groupStart(group), r.payload());
            case TRUNCATE -> {
                long newLength = layout.localLengthAfterTruncate(group, r.offset());
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
    public int group() { return group; }

    /** What a snapshot keeps; the block file itself is forced to disk before the snapshot is saved. */
    public record Snapshot(long epoch, long epochStart, long appliedLsn, long durableHint, int highestGroup,
                           List<LogRecord> pending) implements borealis.persistence.serialization.BorealisSerializable {}
}
