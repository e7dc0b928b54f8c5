package borealis.persistence.volume.client;

import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.VolumeLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The volume client's send state for one replica: records not yet sent (or sent and failed), the
 * batches in flight, whether the replica is suspect, and what it last reported. Guarded by the
 * volume's lock.
 */
final class ReplicaLink {

    /**
     * Batches in flight to one replica: the next one is sent while the replica persists the
     * previous, so it is persisted (in the node's next group commit) as soon as that one is done,
     * without waiting for a round trip. More would not help: a replica persists one batch at a
     * time, so a third would only wait behind the second instead of joining it.
     */
    static final int MAX_IN_FLIGHT = 2;

    /** Records to send, by LSN. */
    final TreeMap<Long, LogRecord> queue = new TreeMap<>();
    /** Batches sent and not yet answered, oldest first. */
    final List<List<LogRecord>> inFlight = new ArrayList<>(MAX_IN_FLIGHT);
    /** It did not answer in time: only the periodic retry sends to it. */
    boolean suspect;
    /** The durable hint last sent. */
    long hintSent;
    /** The SCL it last reported. */
    long scl;

    void enqueue(LogRecord r) {
        queue.put(r.lsn(), r);
    }

    boolean canSend() {
        return inFlight.size() < MAX_IN_FLIGHT && !suspect && !queue.isEmpty();
    }

    /** Takes the next batch from the queue (at least one record, at most {@code maxBytes} otherwise) and marks it in flight. */
    List<LogRecord> nextBatch(int maxBytes) {
        List<LogRecord> batch = new ArrayList<>();
        int bytes = 0;
        while (!queue.isEmpty() && (batch.isEmpty() || bytes + queue.firstEntry().getValue().wireSize() <= maxBytes)) {
            LogRecord r = queue.pollFirstEntry().getValue();
            bytes += r.wireSize();
            batch.add(r);
        }
        inFlight.add(batch);
        return batch;
    }

    /** Marks an empty batch in flight: a probe that only asks for the replica's SCL. */
    List<LogRecord> probe() {
        List<LogRecord> batch = new ArrayList<>(0);
        inFlight.add(batch);
        return batch;
    }

    /** Whether {@code batch} was in flight here (a reply for anything else is stale). */
    boolean answered(List<LogRecord> batch) {
        return inFlight.removeIf(b -> b == batch);
    }

    /** A batch failed: put its records back, keeping only what has not reached a quorum meanwhile. */
    void requeue(List<LogRecord> batch, QuorumTracker tracker) {
        for (LogRecord r : batch) {
            queue.put(r.lsn(), r);
        }
        dropDurable(tracker);
    }

    /** Forgets queued records that reached a quorum: the replica fills those from its peers. */
    void dropDurable(QuorumTracker tracker) {
        queue.values().removeIf(r -> tracker.ackCount(r.lsn()) >= VolumeLayout.WRITE_QUORUM);
    }
}
