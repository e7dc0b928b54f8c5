package borealis.persistence.volume.log;

import borealis.persistence.serialization.BorealisSerializable;
import java.util.List;

/**
 * What a replica tells a recovering writer after adopting its new epoch.
 *
 * @param materializedLength length of the block file (everything up to appliedLsn)
 * @param pending            records persisted but not yet applied
 */
public record ReplicaStatus(int group, int replica, long epoch, long appliedLsn, long durableHint, long scl,
                            int highestGroup, long materializedLength, List<LogRecord> pending)
        implements BorealisSerializable {}
