package borealis.engine.pg.session;

import java.util.concurrent.CompletableFuture;

/**
 * The database's side of a session's durability: what an answer must wait for before it goes out.
 * Transactions commit in memory; the log position that makes a commit safe is known only once it
 * is stored (group commit), so it comes as a future.
 */
public interface CommitLog {

    /** A counter that moves whenever any session changes data or schema. */
    long changeCount();

    /**
     * The position covering every change committed before this call, storing them first when some
     * are only in memory.
     *
     * @param forRead the caller only read (it need not wait behind commits waiting for a quorum)
     */
    CompletableFuture<Long> committedPoint(boolean forRead);

    /**
     * The calling session may make a commit visible to others before it calls {@link
     * #commitWindowClosed}: it is about to commit, or to run a statement that commits by itself.
     * Opened before the commit can be seen, closed once the call that ran it has ended.
     */
    default void commitWindowOpened() {}

    default void commitWindowClosed() {}

    /**
     * The position covering every commit that other sessions may have made visible before this call:
     * output showing what a transaction read waits until it is readable, so that no client sees a
     * commit a crash could still lose. When every commit window opened so far had closed before the
     * last store began, that store's position (nothing is stored anew).
     */
    default CompletableFuture<Long> visiblePoint() {
        return committedPoint(true);
    }

    /**
     * The position an answer that changed nothing waits for (readable): covering every commit that
     * may have become visible, like {@link #visiblePoint}, but never paced behind writes.
     */
    default CompletableFuture<Long> readPoint() {
        return committedPoint(true);
    }
}
