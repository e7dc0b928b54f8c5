package borealis.engine.pg.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.h2.engine.SessionLocal;

/**
 * PostgreSQL's advisory locks for one database: application-defined locks on a bigint key (or a
 * pair of int keys, a separate key space), exclusive or shared, held by a session until it
 * unlocks them or ends, or by a transaction until it ends. Re-entrant: a session that takes a lock
 * twice must unlock it twice. Migration tools rely on them to exclude each other (Flyway takes
 * {@code pg_try_advisory_xact_lock} before it migrates), job queues to pick distinct work.
 *
 * <p>A session that waits checks for cancellation (statement_timeout, a client's cancel request)
 * and, after {@link #DEADLOCK_TIMEOUT_MILLIS} like PostgreSQL's deadlock_timeout, whether the
 * sessions it waits for wait for it: then it fails with 40P01 and the others go on.
 */
public final class AdvisoryLocks {

    static final long DEADLOCK_TIMEOUT_MILLIS = 1000;
    /**
     * Keys held at once per database: PostgreSQL's lock table holds max_locks_per_transaction (64)
     * times max_connections (100) and answers 53200 past it; so does this, so that a client cannot
     * grow the node's heap by taking locks on ever new keys.
     */
    static final int MAX_KEYS = 6400;

    /** One table per H2 database; weak keys, so a closed database's table goes with it. */
    private static final Map<org.h2.engine.Database, AdvisoryLocks> TABLES = Collections.synchronizedMap(new WeakHashMap<>());

    /** A lock's key: the bigint form and the (int, int) form never meet, as in PostgreSQL's pg_locks.objsubid. */
    record Key(long value, boolean pair) {}

    /** What one session holds of one key: counts by scope and mode. */
    private static final class Hold {
        int sessionExclusive;
        int sessionShared;
        int xactExclusive;
        int xactShared;

        boolean exclusive() {
            return sessionExclusive + xactExclusive > 0;
        }

        boolean empty() {
            return sessionExclusive + sessionShared + xactExclusive + xactShared == 0;
        }
    }

    private final Map<Key, Map<SessionLocal, Hold>> held = new HashMap<>();
    private final Map<SessionLocal, Key> waiting = new HashMap<>();

    private AdvisoryLocks() {}

    static AdvisoryLocks of(SessionLocal s) {
        return TABLES.computeIfAbsent(s.getDatabase(), d -> new AdvisoryLocks());
    }

    static Key key(long key) {
        return new Key(key, false);
    }

    static Key key(int k1, int k2) {
        return new Key(((long) k1 << 32) | (k2 & 0xffffffffL), true);
    }

    /** Takes the lock, waiting as long as needed unless {@code wait} is false; whether it was taken. */
    synchronized boolean lock(SessionLocal s, Key key, boolean exclusive, boolean xact, boolean wait) throws SQLException {
        long deadlockCheckAt = System.nanoTime() + DEADLOCK_TIMEOUT_MILLIS * 1_000_000;
        while (conflicts(s, key, exclusive)) {
            if (!wait) {
                return false;
            }
            waiting.put(s, key);
            try {
                if (System.nanoTime() > deadlockCheckAt && waitsForItself(s)) {
                    // An SQLException keeps its SQLSTATE through H2's call of this function.
                    throw new SQLException("deadlock detected", "40P01");
                }
                wait(20);
                s.checkCanceled();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("canceling statement due to user request", "57014");
            } finally {
                waiting.remove(s);
            }
        }
        if (!held.containsKey(key) && held.size() >= MAX_KEYS) {
            throw new SQLException("out of shared memory", "53200");
        }
        Hold h = held.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(s, x -> new Hold());
        if (xact) {
            if (exclusive) {
                h.xactExclusive++;
            } else {
                h.xactShared++;
            }
        } else if (exclusive) {
            h.sessionExclusive++;
        } else {
            h.sessionShared++;
        }
        return true;
    }

    /** Releases one session-level hold; false when the session holds none of that mode (PostgreSQL warns). */
    synchronized boolean unlock(SessionLocal s, Key key, boolean exclusive) {
        Map<SessionLocal, Hold> holders = held.get(key);
        Hold h = holders == null ? null : holders.get(s);
        if (h == null || (exclusive ? h.sessionExclusive : h.sessionShared) == 0) {
            return false;
        }
        if (exclusive) {
            h.sessionExclusive--;
        } else {
            h.sessionShared--;
        }
        forgetIfEmpty(key, holders, s, h);
        notifyAll();
        return true;
    }

    /** The end of the session's transaction: its transaction-level locks go. */
    synchronized void transactionEnded(SessionLocal s) {
        release(s, true);
    }

    /** pg_advisory_unlock_all(): the session's session-level locks go; its transaction's stay. */
    synchronized void unlockAll(SessionLocal s) {
        release(s, false);
    }

    /** The session ends: everything it holds goes. */
    synchronized void sessionEnded(SessionLocal s) {
        release(s, true);
        release(s, false);
    }

    /** Drops the session's holds of one scope (transaction or session) on every key. */
    private void release(SessionLocal s, boolean xact) {
        boolean any = false;
        Iterator<Map.Entry<Key, Map<SessionLocal, Hold>>> it = held.entrySet().iterator();
        while (it.hasNext()) {
            Map<SessionLocal, Hold> holders = it.next().getValue();
            Hold h = holders.get(s);
            if (h == null) {
                continue;
            }
            if (xact) {
                h.xactExclusive = 0;
                h.xactShared = 0;
            } else {
                h.sessionExclusive = 0;
                h.sessionShared = 0;
            }
            any = true;
            if (h.empty()) {
                holders.remove(s);
                if (holders.isEmpty()) {
                    it.remove();
                }
            }
        }
        if (any) {
            notifyAll();
        }
    }

    private void forgetIfEmpty(Key key, Map<SessionLocal, Hold> holders, SessionLocal s, Hold h) {
        if (h.empty()) {
            holders.remove(s);
            if (holders.isEmpty()) {
                held.remove(key);
            }
        }
    }

    private boolean conflicts(SessionLocal s, Key key, boolean exclusive) {
        return !blockers(s, key, exclusive).isEmpty();
    }

    /** The other sessions whose holds on {@code key} keep {@code s} from taking it in that mode. */
    private Set<SessionLocal> blockers(SessionLocal s, Key key, boolean exclusive) {
        Map<SessionLocal, Hold> holders = held.get(key);
        if (holders == null) {
            return Set.of();
        }
        Set<SessionLocal> out = new HashSet<>();
        for (Map.Entry<SessionLocal, Hold> e : holders.entrySet()) {
            if (e.getKey() != s && (exclusive || e.getValue().exclusive())) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Whether a chain of waits leads from the sessions {@code s} waits for back to {@code s}. */
    private boolean waitsForItself(SessionLocal s) {
        ArrayDeque<SessionLocal> todo = new ArrayDeque<>();
        Set<SessionLocal> seen = new HashSet<>();
        todo.add(s);
        while (!todo.isEmpty()) {
            SessionLocal w = todo.poll();
            Key k = waiting.get(w);
            if (k == null) {
                continue;
            }
            // Mode unknown for others: a shared waiter is blocked only by exclusive holders, but
            // any holder counts here, which can only make the check more eager for shared waits.
            for (SessionLocal b : blockers(w, k, true)) {
                if (b == s) {
                    return true;
                }
                if (seen.add(b)) {
                    todo.add(b);
                }
            }
        }
        return false;
    }

    // ---- the hooks a session calls ----

    /** The session's transaction ended (commit or rollback). */
    public static void transactionEnded(Connection c) {
        try {
            SessionLocal s = CatalogFunctions.session(c);
            AdvisoryLocks t = existing(s);
            if (t != null) {
                t.transactionEnded(s);
            }
        } catch (SQLException e) {
            // a closed connection holds nothing it could release
        }
    }

    /** The session ends: every lock it holds goes. */
    public static void sessionEnded(Connection c) {
        try {
            SessionLocal s = CatalogFunctions.session(c);
            AdvisoryLocks t = existing(s);
            if (t != null) {
                t.sessionEnded(s);
            }
        } catch (SQLException e) {
            // as above
        }
    }

    /** Whether the session holds (or waits for) any advisory lock. */
    public static boolean holdsAny(Connection c) {
        try {
            SessionLocal s = CatalogFunctions.session(c);
            AdvisoryLocks t = existing(s);
            return t != null && t.holds(s);
        } catch (SQLException e) {
            return false;
        }
    }

    private synchronized boolean holds(SessionLocal s) {
        return waiting.containsKey(s) || held.values().stream().anyMatch(h -> h.containsKey(s));
    }

    private static AdvisoryLocks existing(SessionLocal s) {
        return TABLES.get(s.getDatabase());
    }
}
