package borealis.engine.h2;

import borealis.persistence.volume.client.SegmentTransport;
import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.ReplicaStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A transport that passes everything on: tests and benchmarks override what they watch or change. */
public class DelegatingTransport implements SegmentTransport {
    private final SegmentTransport to;

    public DelegatingTransport(SegmentTransport to) {
        this.to = to;
    }

    @Override
    public CompletableFuture<AppendResult> append(int group, int replica, long epoch, long epochStart, List<LogRecord> records,
                                                  long durableHint) {
        return to.append(group, replica, epoch, epochStart, records, durableHint);
    }

    @Override
    public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long readPoint) {
        return to.read(group, replica, offset, length, readPoint);
    }

    @Override
    public CompletableFuture<ReplicaStatus> beginEpoch(int group, int replica, long epoch) {
        return to.beginEpoch(group, replica, epoch);
    }

    @Override
    public CompletableFuture<Position> position(int group, int replica) {
        return to.position(group, replica);
    }

    @Override
    public CompletableFuture<HeldRecords> recordsAfter(int group, int replica, long afterLsn, int maxBytes) {
        return to.recordsAfter(group, replica, afterLsn, maxBytes);
    }

    @Override
    public void durableNotice(int group, int replica, long epoch, long durableHint) {
        to.durableNotice(group, replica, epoch, durableHint);
    }

    @Override
    public void onProgress(ProgressListener listener) {
        to.onProgress(listener);
    }

    @Override
    public void volumeClosed() {
        to.volumeClosed();
    }
}
