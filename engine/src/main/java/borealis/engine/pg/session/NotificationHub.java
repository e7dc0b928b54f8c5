package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * LISTEN / NOTIFY between the sessions of one database, in process: a cluster's writer sessions
 * all run on its one compute instance. A committed transaction's notifications go to the queue of
 * every session listening on their channel; the session sends them to its client between
 * transactions (its compute actor is told, see {@link NotificationListener}).
 *
 * <p>Commits that notify run under the hub's lock, so listeners receive them in commit order.
 * Each listener's queue is bounded in bytes: a client that never reads must not grow the server's
 * memory. A commit that would overflow a queue fails with 54000 before it commits, as PostgreSQL's
 * NOTIFY does when its queue is full.
 */
public final class NotificationHub {

    /** One notification as a listener receives it; {@code pid}: the notifying session's process id. */
    public record Notification(int pid, String channel, String payload) {
        /** What it counts against a listener's queue bound: its text and a little overhead. */
        long size() {
            return 32L + 2L * (channel.length() + payload.length());
        }
    }

    /** Runs under the hub's lock (the commit itself, and what must happen with it). */
    @FunctionalInterface
    interface Commit {
        void run() throws SQLException;
    }

    /** Per listening session; the node sets it from configuration (borealis.limits.notify-queue). */
    private static volatile long defaultQueueLimit = 16L << 20;

    /** The queue bound of hubs created from now on. */
    public static void defaultQueueLimit(long bytes) {
        if (bytes < 8192) {
            throw new IllegalArgumentException("a notification queue must hold at least one payload (8 KiB), got " + bytes);
        }
        defaultQueueLimit = bytes;
    }

    private final long queueLimit;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public NotificationHub() {
        this(defaultQueueLimit);
    }

    public NotificationHub(long queueLimitBytes) {
        this.queueLimit = queueLimitBytes;
    }

    /** A session's place in the hub: the channels it listens on and what waits to be sent to it. */
    final class Listener {
        /** Changed under the hub's lock only (at commit), read anywhere. */
        private final Set<String> channels = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
        private final ArrayDeque<Notification> queue = new ArrayDeque<>();
        private long queuedBytes;
        private volatile NotificationListener wakeup = NotificationListener.NONE;
        /** Told already and not drained since: one wake-up for a burst. */
        private boolean signalled;

        void wakeup(NotificationListener l) {
            this.wakeup = l;
        }

        List<String> channels() {
            synchronized (channels) {
                return List.copyOf(channels);
            }
        }

        boolean listensOn(String channel) {
            return channels.contains(channel);
        }

        void listen(String channel) {
            channels.add(channel);
        }

        void unlisten(String channel) {
            channels.remove(channel);
        }

        void unlistenAll() {
            channels.clear();
        }

        synchronized boolean hasQueued() {
            return !queue.isEmpty();
        }

        private synchronized long room() {
            return queueLimit - queuedBytes;
        }

        private void offer(Notification n) {
            boolean tell;
            synchronized (this) {
                queue.add(n);
                queuedBytes += n.size();
                tell = !signalled;
                signalled = true;
            }
            if (tell) {
                wakeup.notificationsQueued();
            }
        }

        /** Takes every queued notification; those of channels no longer listened on are dropped, as PostgreSQL does. */
        List<Notification> drain() {
            List<Notification> out = new ArrayList<>();
            synchronized (this) {
                signalled = false;
                for (Notification n : queue) {
                    if (channels.contains(n.channel())) {
                        out.add(n);
                    }
                }
                queue.clear();
                queuedBytes = 0;
            }
            return out;
        }
    }

    Listener register() {
        Listener l = new Listener();
        listeners.add(l);
        return l;
    }

    /** The session ended: what was queued for it goes with it. */
    void unregister(Listener l) {
        listeners.remove(l);
        l.drain();
    }

    /**
     * Fails with 54000 if a listener of {@code channel} has no room for {@code size} more bytes
     * (a NOTIFY finds out before its transaction goes on; the commit checks again).
     */
    void checkRoom(String channel, long size) {
        for (Listener l : listeners) {
            if (l.listensOn(channel) && l.room() < size) {
                throw full();
            }
        }
    }

    /**
     * Commits (runs {@code commit}) and queues {@code notifications} for their listeners, all under
     * the hub's lock. With {@code checkRoom}, fails with 54000 before committing when a listener's
     * queue would overflow.
     */
    synchronized void deliver(Collection<Notification> notifications, boolean checkRoom, Commit commit) throws SQLException {
        if (checkRoom && !notifications.isEmpty()) {
            for (Listener l : listeners) {
                long size = 0;
                for (Notification n : notifications) {
                    if (l.listensOn(n.channel())) {
                        size += n.size();
                    }
                }
                if (size > 0 && l.room() < size) {
                    throw full();
                }
            }
        }
        commit.run();
        for (Notification n : notifications) {
            for (Listener l : listeners) {
                if (l.listensOn(n.channel())) {
                    l.offer(n);
                }
            }
        }
    }

    private static PgException full() {
        return new PgException(new PgError("ERROR", "54000", "too many notifications in the NOTIFY queue", null,
                "A session listening on the channel does not read its notifications."));
    }
}
