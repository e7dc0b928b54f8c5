package borealis.persistence.volume.segment;

import borealis.persistence.serialization.KryoRegistrar;
import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.ReplicaStatus;

/**
 * Kryo ids 150-299: the replicated volume's types (its records and a replica's snapshots). Append
 * only: ids are persisted (153 keeps reading snapshots written before file generations; 160 is the
 * snapshot with generations, 161 the one with file lengths since).
 */
public final class VolumeKryoRegistrar implements KryoRegistrar {

    @Override
    public void register(Registration r) {
        r.add(150, LogRecord.class);
        r.add(151, LogRecord.Kind.class);
        r.add(152, ReplicaStatus.class);
        r.add(153, SegmentState.LegacySnapshot.class);
        // Storage additions (160-299).
        r.add(160, SegmentState.SnapshotBeforeLengths.class);
        r.add(161, SegmentState.Snapshot.class);
    }
}
