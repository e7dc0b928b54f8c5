package borealis.persistence.volume.client;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Who waits on the volume client: commits for the volume-durable LSN (a write quorum), readers for
 * the readable point (a read quorum), each until a deadline. Not thread-safe: guarded by the
 * volume's lock; futures are completed by the caller outside it ({@link #complete}).
 */
final class CommitWaiters {

    /** A commit (or a reader, if {@code readable}) waiting for the log to be safe up to {@code lsn}. */
    record Waiter(long lsn, boolean readable, long deadlineNanos, long addedNanos, CompletableFuture<Long> future) {}

    private final PriorityQueue<Waiter> commits = new PriorityQueue<>((a, b) -> Long.compare(a.lsn, b.lsn));
    private final PriorityQueue<Waiter> readers = new PriorityQueue<>((a, b) -> Long.compare(a.lsn, b.lsn));

    CompletableFuture<Long> add(long lsn, boolean readable, long deadlineNanos) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        (readable ? readers : commits).add(new Waiter(lsn, readable, deadlineNanos, System.nanoTime(), f));
        return f;
    }

    /** Moves to {@code ready} every waiter whose point has been reached. */
    void reached(long vdl, long readable, List<Waiter> ready) {
        while (!commits.isEmpty() && commits.peek().lsn <= vdl) {
            ready.add(commits.poll());
        }
        while (!readers.isEmpty() && readers.peek().lsn <= readable) {
            ready.add(readers.poll());
        }
    }

    /** Moves every waiter to {@code ready} (the volume failed or closed). */
    void all(List<Waiter> ready) {
        ready.addAll(commits);
        ready.addAll(readers);
        commits.clear();
        readers.clear();
    }

    /** Removes and returns the waiters whose deadline has passed. */
    List<Waiter> expired(long nowNanos) {
        List<Waiter> out = new ArrayList<>();
        for (PriorityQueue<Waiter> q : List.of(commits, readers)) {
            q.removeIf(w -> {
                if (nowNanos - w.deadlineNanos >= 0) {
                    out.add(w);
                    return true;
                }
                return false;
            });
        }
        return out;
    }

    /** Completes waiters taken out under the lock: those whose point is reached, the rest with {@code failure}. */
    static void complete(List<Waiter> ready, long vdl, long readable, Exception failure, VolumeMetrics metrics) {
        long now = System.nanoTime();
        for (Waiter w : ready) {
            long reached = w.readable ? readable : vdl;
            if (w.lsn <= reached) {
                if (!w.readable) {
                    metrics.quorumWrite(now - w.addedNanos);
                }
                w.future.complete(reached);
            } else {
                w.future.completeExceptionally(failure);
            }
        }
    }
}
