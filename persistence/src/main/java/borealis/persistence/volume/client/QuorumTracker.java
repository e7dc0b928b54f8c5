package borealis.persistence.volume.client;

import borealis.persistence.volume.log.VolumeLayout;
import java.util.Arrays;

/**
 * The writer's view of durability: for every record above the volume-durable LSN (VDL), which
 * replicas of its group have persisted it. A record is durable at {@link VolumeLayout#WRITE_QUORUM}
 * acknowledgements, and the VDL is the highest LSN below which every record is durable. It also
 * keeps, per group, the newest durable LSN: the read point a replica must have reached to serve a
 * read of that group.
 *
 * <p>LSNs are dense, so the records above the VDL live in a ring indexed by {@code lsn - vdl - 1}.
 * Not thread-safe: owned by the volume client under its lock.
 */
public final class QuorumTracker {

    private long vdl;
    /** Highest LSN up to which every record is on at least a read quorum (3) of its group. */
    private long readable;
    private long highest;
    private byte[] acks = new byte[1024];
    private int[] groups = new int[1024];
    private int head;
    private long[] lastDurableInGroup = new long[16];
    private long[][] ackedTo = new long[16][VolumeLayout.REPLICAS];

    public QuorumTracker(long vdl) {
        this.vdl = vdl;
        this.readable = vdl;
        this.highest = vdl;
    }

    /**
     * The highest LSN up to which every record is held by at least {@link VolumeLayout#READ_QUORUM}
     * replicas of its group (at least the VDL). Such records survive any recovery, because a
     * recovery hears from a write quorum, which meets every read quorum; so data up to here may be
     * shown to readers even while a write quorum is missing.
     */
    public long readable() {
        return readable;
    }

    public long vdl() {
        return vdl;
    }

    /** Highest LSN registered so far. */
    public long highest() {
        return highest;
    }

    /** Records above the VDL still waiting for their quorum. */
    public int outstanding() {
        return (int) (highest - vdl);
    }

    /** The newest durable LSN of {@code group}, 0 if none. */
    public long lastDurableInGroup(int group) {
        return group < lastDurableInGroup.length ? lastDurableInGroup[group] : 0;
    }

    /** Sets a group's newest durable LSN (after recovery). */
    public void setLastDurableInGroup(int group, long lsn) {
        ensureGroup(group);
        lastDurableInGroup[group] = Math.max(lastDurableInGroup[group], lsn);
    }

    /** Registers the next LSN (which must be {@code highest() + 1}), written to {@code group}. */
    public void register(long lsn, int group) {
        if (lsn != highest + 1) {
            throw new IllegalStateException("LSNs must be registered densely: expected " + (highest + 1) + ", got " + lsn);
        }
        int n = outstanding();
        if (n == acks.length) {
            byte[] biggerAcks = new byte[acks.length * 2];
            int[] biggerGroups = new int[acks.length * 2];
            for (int i = 0; i < n; i++) {
                biggerAcks[i] = acks[(head + i) % acks.length];
                biggerGroups[i] = groups[(head + i) % acks.length];
            }
            acks = biggerAcks;
            groups = biggerGroups;
            head = 0;
        }
        int slot = (head + n) % acks.length;
        acks[slot] = 0;
        groups[slot] = group;
        highest = lsn;
        ensureGroup(group);
    }

    /**
     * Records that {@code replica} persisted {@code lsn}.
     *
     * @return true if the VDL advanced
     */
    public boolean ack(long lsn, int replica) {
        if (lsn <= vdl || lsn > highest) {
            return false;
        }
        int i = (int) ((head + (lsn - vdl - 1)) % acks.length);
        acks[i] |= (byte) (1 << replica);
        return advance();
    }

    /**
     * Records that {@code replica} of {@code group} holds every record of its group up to {@code scl}
     * (its segment-complete LSN). A replica counts toward a record's quorum only through its SCL, so
     * one with a gap, or an empty one still hydrating, counts for nothing until it has caught up.
     *
     * @return true if the VDL advanced
     */
    public boolean ackUpTo(int group, int replica, long scl) {
        ensureGroup(group);
        long from = Math.max(vdl, ackedTo[group][replica]);
        long to = Math.min(scl, highest);
        if (to <= from) {
            return false;
        }
        ackedTo[group][replica] = to;
        byte bit = (byte) (1 << replica);
        for (long lsn = from + 1; lsn <= to; lsn++) {
            int i = (int) ((head + (lsn - vdl - 1)) % acks.length);
            if (groups[i] == group) {
                acks[i] |= bit;
            }
        }
        return advance();
    }

    /** The SCL a replica last reported for a group, as far as it mattered here. */
    public long ackedTo(int group, int replica) {
        return group < ackedTo.length ? Math.max(vdl, ackedTo[group][replica]) : vdl;
    }

    private boolean advance() {
        readable = Math.max(readable, vdl);
        while (readable < highest && ackCount(readable + 1) >= VolumeLayout.READ_QUORUM) {
            readable++;
        }
        boolean advanced = false;
        while (vdl < highest && Integer.bitCount(acks[head] & 0xff) >= VolumeLayout.WRITE_QUORUM) {
            vdl++;
            lastDurableInGroup[groups[head]] = vdl;
            acks[head] = 0;
            head = (head + 1) % acks.length;
            advanced = true;
        }
        readable = Math.max(readable, vdl);
        return advanced;
    }

    /** How many replicas have persisted {@code lsn}; a record below the VDL counts as a full quorum. */
    public int ackCount(long lsn) {
        if (lsn <= vdl) {
            return VolumeLayout.WRITE_QUORUM;
        }
        if (lsn > highest) {
            return 0;
        }
        return Integer.bitCount(acks[(int) ((head + (lsn - vdl - 1)) % acks.length)] & 0xff);
    }

    private void ensureGroup(int group) {
        if (group >= lastDurableInGroup.length) {
            lastDurableInGroup = Arrays.copyOf(lastDurableInGroup, Math.max(group + 1, lastDurableInGroup.length * 2));
        }
        if (group >= ackedTo.length) {
            int n = ackedTo.length;
            ackedTo = Arrays.copyOf(ackedTo, Math.max(group + 1, n * 2));
            for (int g = n; g < ackedTo.length; g++) {
                ackedTo[g] = new long[VolumeLayout.REPLICAS];
            }
        }
    }
}
