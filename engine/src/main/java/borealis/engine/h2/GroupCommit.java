package borealis.engine.h2;

import borealis.persistence.volume.client.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.h2.mvstore.MVStore;

/**
 * Group commit for H2 on a replicated volume: transactions commit in memory, and one MVStore
 * store writes every commit made meanwhile as one chunk, which then travels to the replicas as one
 * batch.
 *
 * <p>Why: H2 storing a chunk at every commit made the volume carry a 20–40 KB chunk (its layout
 * metadata, the touched pages and their parents, 4 KiB-aligned) for each single-row UPDATE, six
 * times over; the replicas' block files and the journal then wrote ~360 MB/s at 1,600 commits/s,
 * and the journal's fsyncs stalled behind that writeback. With 8 clients, a store now carries ~4
 * commits (docs/storage.md has the figures).
 *
 * <p>Stores are <em>paced by the volume</em>: while {@code maxUndurable} stored chunks still wait
 * for their write quorum, a new store would only queue behind them, so commits that arrive
 * meanwhile wait in memory and the next store takes them all. Requests for reads are not paced
 * (they need only a read quorum, which stays while writes wait for a missing replica).
 *
 * <p>A session may answer a commit once the position this gives is durable: the store that
 * produced it began after the commit, so the chunk holds it (or a later chunk, if H2's own store
 * was running then: {@code commit()} waits for that one and stores again).
 *
 * <p>The caller of {@link #committedPoint} runs the store itself when it may start at once (no
 * hand-off; a session's thread is charged for it); stores that must wait run on the store executor
 * when a quorum frees a slot.
 */
public final class GroupCommit {

    private final MVStore store;
    private final Volume volume;
    private final int maxUndurable;
    private volatile Executor executor;

    private final Object lock = new Object();
    /** Requests made since the last store began (guarded by lock). */
    private List<CompletableFuture<Long>> waiting = new ArrayList<>();
    private boolean readWaiting;
    private boolean storing;
    /** Stores whose chunk is not yet on a write quorum. */
    private int undurable;
    /** Commit windows (sessions that may be making a commit visible) opened and closed so far. */
    private final java.util.concurrent.atomic.AtomicLong windowsOpened = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong windowsClosed = new java.util.concurrent.atomic.AtomicLong();
    /** Every window up to this count had closed before a store that reached {@link #coveredLsn} began. */
    private long coveredWindows;
    private long coveredLsn;
    private long lastStoredLsn = -1;
    private long stores;
    private long rounds;

    GroupCommit(MVStore store, Volume volume, int maxUndurable, Executor executor) {
        if (maxUndurable < 1) {
            throw new IllegalArgumentException("maxUndurable must be at least 1, got " + maxUndurable);
        }
        this.store = store;
        this.volume = volume;
        this.maxUndurable = maxUndurable;
        this.executor = executor;
    }

    /** Where stores that had to wait for a quorum run (a compute instance's CPU-governed pool). */
    public void runStoresOn(Executor executor) {
        this.executor = executor;
    }

    /**
     * The volume position that covers every change committed in memory before this call: when
     * such changes exist, they are stored first. Completes with an LSN to wait on ({@link
     * Volume#whenDurable} for work that wrote, {@link Volume#whenReadable} for work that read).
     *
     * @param forRead the caller only read: it need not wait behind stores that wait for a quorum
     */
    public CompletableFuture<Long> committedPoint(boolean forRead) {
        if (store.isReadOnly()) {
            // A reader's snapshot: nothing of its own to store (a refused write may still have
            // touched its maps in memory).
            return CompletableFuture.completedFuture(volume.highestLsn());
        }
        CompletableFuture<Long> point = new CompletableFuture<>();
        boolean runHere;
        synchronized (lock) {
            waiting.add(point);
            readWaiting |= forRead;
            runHere = !storing && mayStoreLocked();
            storing |= runHere;
        }
        if (runHere) {
            storeRound();
            handOver();
        }
        return point;
    }

    /** A session may make a commit visible (see {@link borealis.engine.pg.session.CommitLog#commitWindowOpened}). */
    public void commitWindowOpened() {
        windowsOpened.incrementAndGet();
    }

    public void commitWindowClosed() {
        windowsClosed.incrementAndGet();
    }

    /**
     * The position covering every commit visible now: the last store's when every commit window
     * opened so far had closed before that store began (no commit can have become visible since),
     * else the next store's. That store is paced like a commit's, not hurried like a read's: the
     * commits in flight need it anyway, so showing rows adds no store of its own (hurrying it
     * cost TPC-B 43% of its throughput here).
     */
    public CompletableFuture<Long> visiblePoint() {
        CompletableFuture<Long> covered = lastStoreIfCovering();
        return covered != null ? covered : committedPoint(false);
    }

    /**
     * The position an answer that only read must be readable at: the last store's when no commit
     * can have become visible since it began (as {@link #visiblePoint}), else a store hurried like
     * a read's (not paced behind stores waiting for a write quorum). A select-only run made every
     * answer store (MVStore.commit under H2's store lock, which scans every map for changes).
     */
    public CompletableFuture<Long> readPoint() {
        CompletableFuture<Long> covered = lastStoreIfCovering();
        return covered != null ? covered : committedPoint(true);
    }

    /** The last store's position when every commit window opened so far had closed before it began; else null. */
    private CompletableFuture<Long> lastStoreIfCovering() {
        long opened = windowsOpened.get();
        synchronized (lock) {
            return coveredWindows >= opened ? CompletableFuture.completedFuture(coveredLsn) : null;
        }
    }

    /** Store rounds run, whether or not they had anything to write. */
    public long rounds() {
        synchronized (lock) {
            return rounds;
        }
    }

    /** Stores this group commit made that wrote something (each covering one or more commits). */
    public long stores() {
        synchronized (lock) {
            return stores;
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "GroupCommit[waiting " + waiting.size() + (readWaiting ? " (a read)" : "") + ", storing " + storing
                    + ", undurable " + undurable + ", last stored LSN " + lastStoredLsn + ", stores " + stores + "]";
        }
    }

    /** One store for every request waiting now. Called with {@code storing} set by the caller. */
    private void storeRound() {
        List<CompletableFuture<Long>> batch;
        synchronized (lock) {
            batch = waiting;
            waiting = new ArrayList<>();
            readWaiting = false;
            rounds++;
        }
        long lsn;
        boolean counted = false;
        // Closed first, then opened: equal, every window opened so far had closed before this
        // store began, so it covers every commit any session could have made visible.
        long closed = windowsClosed.get();
        long opened = windowsOpened.get();
        try {
            // Waits for a store another thread may be running (compaction, H2's own when memory
            // fills) and writes only if something is left: either way, afterwards every change
            // committed before the batch was taken is on the volume.
            store.commit();
            lsn = volume.highestLsn();
        } catch (RuntimeException e) {
            batch.forEach(f -> f.completeExceptionally(e));
            return;
        }
        synchronized (lock) {
            if (closed == opened && opened >= coveredWindows) {
                coveredWindows = opened;
                coveredLsn = Math.max(coveredLsn, lsn);
            }
            if (lsn > lastStoredLsn) {
                lastStoredLsn = lsn;
                undurable++;
                stores++;
                counted = true;
            }
        }
        if (counted) {
            volume.whenDurable(lsn).whenComplete((v, err) -> quorumReached());
        }
        for (CompletableFuture<Long> f : batch) {
            f.complete(lsn);
        }
    }

    private void quorumReached() {
        boolean start;
        synchronized (lock) {
            undurable--;
            start = !storing && mayStoreLocked();
            storing |= start;
        }
        if (start) {
            launch();
        }
    }

    /** After an inline round: further rounds, if pacing allows them now, go to the executor. */
    private void handOver() {
        boolean more;
        synchronized (lock) {
            more = mayStoreLocked();
            storing = more;
        }
        if (more) {
            launch();
        }
    }

    private void launch() {
        try {
            executor.execute(this::roundsOnExecutor);
        } catch (RuntimeException e) {
            // The pool is gone (the instance is closing): nobody will store, so nobody waits.
            List<CompletableFuture<Long>> failed;
            synchronized (lock) {
                failed = waiting;
                waiting = new ArrayList<>();
                storing = false;
            }
            failed.forEach(f -> f.completeExceptionally(e));
        }
    }

    private void roundsOnExecutor() {
        while (true) {
            storeRound();
            synchronized (lock) {
                if (!mayStoreLocked()) {
                    storing = false;
                    return;
                }
            }
        }
    }

    private boolean mayStoreLocked() {
        return !waiting.isEmpty() && (undurable < maxUndurable || readWaiting);
    }
}
