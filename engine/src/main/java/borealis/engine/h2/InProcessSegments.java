package borealis.engine.h2;

import borealis.persistence.volume.client.SegmentTransport;
import borealis.persistence.volume.client.VolumeFencedException;
import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.ReplicaStatus;
import borealis.persistence.volume.log.VolumeLayout;
import borealis.persistence.volume.segment.BlockFile;
import borealis.persistence.volume.segment.SegmentFiles;
import borealis.persistence.volume.segment.SegmentState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Six replicas per group in this JVM, each a {@link SegmentState} over a block file in a temporary
 * directory, answering asynchronously like actors would: the node's warm-up ({@link EngineWarmup})
 * and the engine's tests, which can stop replicas to simulate faults.
 */
public final class InProcessSegments implements SegmentTransport, AutoCloseable {

    private final Path dir;
    private final VolumeLayout layout;
    private final Map<String, SegmentState> replicas = new ConcurrentHashMap<>();
    final Set<String> down = ConcurrentHashMap.newKeySet();
    private final ExecutorService replies = Executors.newFixedThreadPool(2);

    public InProcessSegments(Path dir, VolumeLayout layout) {
        this.dir = dir;
        this.layout = layout;
    }

    static String key(int group, int replica) {
        return group + "-" + replica;
    }

    SegmentState replica(int group, int replica) {
        return replicas.computeIfAbsent(key(group, replica),
                k -> new SegmentState(layout, group, new SegmentFiles(dir.resolve(k))));
    }

    private <T> CompletableFuture<T> answer(int group, int replica, java.util.function.Supplier<T> work) {
        if (down.contains(key(group, replica))) {
            return new CompletableFuture<>(); // never answers, like a dead node
        }
        return CompletableFuture.supplyAsync(() -> {
            SegmentState s = replica(group, replica);
            synchronized (s) {
                return work.get();
            }
        }, replies);
    }

    @Override
    public CompletableFuture<AppendResult> append(int group, int replica, long epoch, long epochStart, List<LogRecord> records,
                                                  long durableHint) {
        return answer(group, replica, () -> {
            SegmentState s = replica(group, replica);
            if (s.checkAppend(epoch) != null) {
                return new AppendResult(false, s.epoch(), s.scl(), null);
            }
            s.append(epoch, epochStart, records, durableHint);
            return new AppendResult(true, s.epoch(), s.scl(), null);
        });
    }

    @Override
    public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long readPoint) {
        return answer(group, replica, () -> {
            SegmentState s = replica(group, replica);
            if (!s.canServe(readPoint)) {
                return new ReadResult(null, "not caught up: SCL " + s.scl() + " < " + readPoint);
            }
            try {
                return new ReadResult(s.read(offset, length, readPoint), null, s.servedLsn(readPoint), s.epoch());
            } catch (BlockFile.CorruptBlockException e) {
                return new ReadResult(null, e.getMessage());
            }
        });
    }

    @Override
    public CompletableFuture<ReplicaStatus> beginEpoch(int group, int replica, long epoch) {
        CompletableFuture<ReplicaStatus> f = answer(group, replica, () -> {
            SegmentState s = replica(group, replica);
            if (s.checkBeginEpoch(epoch) != null) {
                return null;
            }
            s.beginEpoch(epoch);
            return new ReplicaStatus(group, replica, s.epoch(), s.appliedLsn(), s.durableHint(), s.scl(), s.highestGroup(),
                    s.file().length(), s.pendingAbove(s.appliedLsn()));
        });
        return f.thenCompose(st -> st == null
                ? CompletableFuture.failedFuture(new VolumeFencedException("replica " + key(group, replica) + " serves a newer epoch"))
                : CompletableFuture.completedFuture(st));
    }

    @Override
    public CompletableFuture<Position> position(int group, int replica) {
        return answer(group, replica, () -> {
            SegmentState s = replica(group, replica);
            return new Position(group, replica, s.epoch(), s.appliedLsn(), s.durableHint(), s.scl(), s.highestGroup(),
                    s.localLength(s.durableHint()));
        });
    }

    @Override
    public void durableNotice(int group, int replica, long epoch, long durableHint) {
        answer(group, replica, () -> {
            SegmentState s = replica(group, replica);
            if (s.checkAppend(epoch) == null) {
                s.advanceDurable(durableHint);
            }
            return null;
        });
    }

    @Override
    public void close() {
        replies.shutdownNow();
        try {
            // A reply in flight may still open a replica's files: its directory must not gain one
            // after close (NotificationsTest's temporary directory failed to delete, now and then).
            replies.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replicas.values().forEach(s -> s.file().close());
    }
}
