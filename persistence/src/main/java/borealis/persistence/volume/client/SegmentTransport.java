package borealis.persistence.volume.client;

import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.ReplicaStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How the volume client reaches the six replicas of a protection group. The actor system
 * implements it over Cluster Sharding; tests implement it in process. Every future completes (on
 * any thread) with a result or fails with a timeout; none is completed while the caller holds a
 * lock of the volume.
 */
public interface SegmentTransport {

    /** Outcome of an append at one replica. */
    record AppendResult(boolean accepted, long replicaEpoch, long scl, String error) {
        public static AppendResult failed(String error) {
            return new AppendResult(false, -1, -1, error);
        }

        /** The replica refused because it already serves a newer writer. */
        public boolean fenced() {
            return !accepted && error == null;
        }
    }

    /**
     * Outcome of a read at one replica. {@code servedLsn} is the newest record of the group the
     * content reflects (a replica may answer with content newer than the read point asked; -1: not
     * told), so that a reader never reads older content afterwards; {@code replicaEpoch} the writer
     * epoch the replica serves (-1: not told).
     */
    record ReadResult(byte[] data, String error, long servedLsn, long replicaEpoch) {
        public ReadResult(byte[] data, String error) {
            this(data, error, -1, -1);
        }
    }

    /**
     * Where a replica stands, changing nothing (for reader instances, which must never begin an
     * epoch): its epoch, applied LSN, the newest durable LSN of its group it was told of, its SCL,
     * the highest group it knows of, and the group-local length of its content at that durable LSN.
     */
    record Position(int group, int replica, long epoch, long appliedLsn, long durableHint, long scl, int highestGroup,
                    long durableLength) {}

    CompletableFuture<AppendResult> append(int group, int replica, long epoch, long epochStart, List<LogRecord> records,
                                           long durableHint);

    CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long readPoint);

    /**
     * Asks a replica to adopt {@code epoch}; fails with {@link VolumeFencedException} if it
     * already serves an epoch at least as new.
     */
    CompletableFuture<ReplicaStatus> beginEpoch(int group, int replica, long epoch);

    /** Asks a replica where it stands, without changing anything there (transports that cannot answer fail). */
    default CompletableFuture<Position> position(int group, int replica) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this transport cannot report replica positions"));
    }

    /** Records a replica still holds as records, above an LSN; {@code more}: a page limit cut the answer short. */
    record HeldRecords(List<LogRecord> records, boolean more) {}

    /**
     * The records of the group a replica holds above {@code afterLsn}, as many as fit {@code
     * maxBytes}: when it no longer holds all of them (applied and forgotten) the answer starts later,
     * which the caller sees from the first record's {@code prevLsnInGroup}. Transports that cannot
     * answer fail.
     */
    default CompletableFuture<HeldRecords> recordsAfter(int group, int replica, long afterLsn, int maxBytes) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this transport cannot fetch records"));
    }

    /** Tells a replica how far the log is durable, so it can apply records (no reply). */
    void durableNotice(int group, int replica, long epoch, long durableHint);

    /** Told when a replica reports, unasked, that its SCL advanced (it filled a gap or hydrated). */
    @FunctionalInterface
    interface ProgressListener {
        void sclAdvanced(int group, int replica, long replicaEpoch, long scl);
    }

    /** Registers the volume's listener for unasked progress reports; transports that have none ignore it. */
    default void onProgress(ProgressListener listener) {}

    /** The volume using this transport closed: release whatever the transport holds for it. */
    default void volumeClosed() {}
}
