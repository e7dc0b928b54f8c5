package borealis.persistence.volume.client;

import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.ReplicaStatus;
import borealis.persistence.volume.log.VolumeLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a writer opening a volume concludes from the replicas' statuses (at least a write quorum
 * per group, all already in the new epoch, so the previous writer is fenced).
 *
 * <p>Every record at or below the highest durable point any replica heard of is durable. Above it,
 * LSNs are dense, so the volume-complete LSN (VCL) is the last LSN before the first one that no
 * replica holds: whatever was acknowledged to a client lies at or below the old writer's VDL,
 * which is at or below the VCL because each durable record sits on 4 of 6 replicas and any 4
 * answers include one of them. Records above the VCL were never acknowledged and are cut.
 */
public final class RecoveryPlan {

    private final VolumeLayout layout;
    private final long durableBase;
    private final long vcl;
    private final Map<Integer, GroupPlan> groups = new HashMap<>();

    /** The outcome for one group. */
    public record GroupPlan(int group, long lastLsn, long length, List<LogRecord> toReplicate) {}

    public RecoveryPlan(VolumeLayout layout, Map<Integer, ? extends Collection<ReplicaStatus>> statusesByGroup) {
        this.layout = layout;
        long base = 0;
        TreeMap<Long, LogRecord> union = new TreeMap<>();
        for (Collection<ReplicaStatus> statuses : statusesByGroup.values()) {
            for (ReplicaStatus s : statuses) {
                base = Math.max(base, s.durableHint());
                base = Math.max(base, s.appliedLsn());
                for (LogRecord r : s.pending()) {
                    union.putIfAbsent(r.lsn(), r);
                }
            }
        }
        long complete = base;
        while (union.containsKey(complete + 1)) {
            complete++;
        }
        this.durableBase = base;
        this.vcl = complete;
        statusesByGroup.forEach((group, statuses) -> groups.put(group, planGroup(group, statuses, union)));
    }

    private GroupPlan planGroup(int group, Collection<ReplicaStatus> statuses, TreeMap<Long, LogRecord> union) {
        ReplicaStatus mostApplied = null;
        for (ReplicaStatus s : statuses) {
            if (mostApplied == null || s.appliedLsn() > mostApplied.appliedLsn()
                    || (s.appliedLsn() == mostApplied.appliedLsn() && s.materializedLength() > mostApplied.materializedLength())) {
                mostApplied = s;
            }
        }
        long lastLsn = mostApplied == null ? 0 : mostApplied.appliedLsn();
        long length = mostApplied == null ? 0 : mostApplied.materializedLength();
        List<LogRecord> toReplicate = new ArrayList<>();
        for (LogRecord r : union.headMap(vcl, true).values()) {
            if (r.group() != group) {
                continue;
            }
            toReplicate.add(r);
            if (r.lsn() <= lastLsn) {
                continue;
            }
            lastLsn = r.lsn();
            if (r.kind() == LogRecord.Kind.WRITE) {
                length = Math.max(length, r.offset() - layout.groupStart(group) + r.length());
            } else if (r.kind() == LogRecord.Kind.TRUNCATE) {
                length = Math.min(length, layout.localLengthAfterTruncate(group, r.offset()));
            }
        }
        return new GroupPlan(group, lastLsn, length, toReplicate);
    }

    /** Upper bound of the groups in use, from group 0's statuses (GROW records, applied or not). */
    public static int highestGroup(Collection<ReplicaStatus> group0) {
        int highest = 0;
        for (ReplicaStatus s : group0) {
            highest = Math.max(highest, s.highestGroup());
            for (LogRecord r : s.pending()) {
                if (r.kind() == LogRecord.Kind.GROW) {
                    highest = Math.max(highest, (int) r.offset());
                }
            }
        }
        return highest;
    }

    public long vcl() {
        return vcl;
    }

    public long durableBase() {
        return durableBase;
    }

    public GroupPlan group(int group) {
        return groups.get(group);
    }

    public Collection<GroupPlan> groups() {
        return groups.values();
    }

    /** The volume's size: the end of the last group with content. */
    public long volumeSize() {
        long size = 0;
        for (GroupPlan g : groups.values()) {
            if (g.length() > 0) {
                size = Math.max(size, layout.groupStart(g.group()) + g.length());
            }
        }
        return size;
    }

    /** The highest group in use at the VCL. */
    public int highestGroupInUse() {
        int highest = 0;
        for (GroupPlan g : groups.values()) {
            if (g.lastLsn() > 0) {
                highest = Math.max(highest, g.group());
            }
        }
        return highest;
    }
}
