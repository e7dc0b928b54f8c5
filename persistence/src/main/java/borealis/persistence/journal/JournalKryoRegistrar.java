package borealis.persistence.journal;

import borealis.persistence.serialization.KryoRegistrar;

/** Kryo ids 300-349: the control plane's replicated journal, between its replicas. Append only. */
public final class JournalKryoRegistrar implements KryoRegistrar {

    @Override
    public void register(Registration r) {
        r.add(300, QuorumJournal.Batch.class);
        r.add(301, QuorumJournal.Write.class);
        r.add(302, QuorumJournal.Written.class);
        r.add(303, QuorumJournal.ReadHighest.class);
        r.add(304, QuorumJournal.Highest.class);
        r.add(305, QuorumJournal.Replay.class);
        r.add(306, QuorumJournal.Events.class);
        r.add(307, QuorumJournal.Delete.class);
        r.add(308, QuorumJournal.Deleted.class);
    }
}
