package borealis.actors.storage;

import borealis.persistence.serialization.KryoRegistrar;

/**
 * Kryo ids 700-749: the storage replicas' peer protocol and events added after the walking
 * skeleton (whose storage messages keep their ids 500-508 in the actors registrar). Append only:
 * ids are persisted.
 */
public final class StorageKryoRegistrar implements KryoRegistrar {

    @Override
    public void register(Registration r) {
        r.add(700, StorageSegment.FetchRecords.class);
        r.add(701, StorageSegment.PeerRecords.class);
        r.add(702, StorageSegment.FetchBlocks.class);
        r.add(703, StorageSegment.PeerBlocks.class);
        r.add(704, StorageSegment.FillRecords.class);
        r.add(705, StorageSegment.HydrationCopied.class);
        r.add(706, StorageSegment.RepairBlock.class);
        r.add(707, StorageSegment.SyncIdle.class);
        r.add(708, StorageSegment.Stop.class);
        r.add(709, StorageSegment.Filled.class);
        r.add(710, StorageSegment.Hydrated.class);
        r.add(711, StorageSegment.HistoryConfirmed.class);
        r.add(712, StorageSegment.PeerApplied.class);
        r.add(713, StorageSegment.DigestBlocks.class);
        r.add(714, StorageSegment.BlocksDigest.class);
        r.add(715, StorageSegment.Freeze.class);
        r.add(716, StorageSegment.FrozenLayer.class);
        r.add(717, StorageSegment.Seed.class);
        r.add(718, StorageSegment.SeedDone.class);
        r.add(719, StorageSegment.Frozen.class);
        r.add(720, StorageSegment.Seeded.class);
        r.add(721, StorageSegment.MeasureUsage.class);
        r.add(722, StorageSegment.UsageMeasured.class);
    }
}
