package borealis.persistence.volume.client;

import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.ReplicaStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A transport for tests of the read side: a reader never appends, begins an epoch or sends notices. */
abstract class ReadOnlyTransport implements SegmentTransport {
    @Override
    public CompletableFuture<AppendResult> append(int group, int replica, long epoch, long epochStart, List<LogRecord> records,
                                                  long durableHint) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<ReplicaStatus> beginEpoch(int group, int replica, long epoch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void durableNotice(int group, int replica, long epoch, long durableHint) {
        throw new UnsupportedOperationException();
    }
}
