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
}
