package borealis.actors.compute;

import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.PgSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The client sessions of a reader instance (used on its actor's thread only): which snapshot each
 * runs on, which one it is moving to, and what it needs to open again on a newer snapshot.
 */
final class ReaderSessions {

    /** Told on any thread when a session moved to {@code to}, or could not ({@code error}). */
    @FunctionalInterface
    interface MoveReport {
        void moved(ActorRef<SqlSession.Command> session, ReaderSnapshot to, Throwable error);
    }

    private static final class Entry {
        final Map<String, String> startup;
        final String user;
        final ActorRef<ClientConnection> client;
        ReaderSnapshot on;
        ReaderSnapshot movingTo;

        Entry(Map<String, String> startup, String user, ActorRef<ClientConnection> client, ReaderSnapshot on) {
            this.startup = startup;
            this.user = user;
            this.client = client;
            this.on = on;
        }
    }

    private final Map<ActorRef<SqlSession.Command>, Entry> entries = new HashMap<>();

    /** The session already opened for {@code client}, if any: a connect the proxy sent again (its first went unanswered). */
    ActorRef<SqlSession.Command> sessionOf(ActorRef<ClientConnection> client) {
        for (Map.Entry<ActorRef<SqlSession.Command>, Entry> e : entries.entrySet()) {
            if (e.getValue().client.equals(client)) {
                return e.getKey();
            }
        }
        return null;
    }

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    List<ActorRef<SqlSession.Command>> all() {
        return new ArrayList<>(entries.keySet());
    }

    void add(ActorRef<SqlSession.Command> session, Map<String, String> startup, String user, ActorRef<ClientConnection> client,
             ReaderSnapshot on) {
        entries.put(session, new Entry(startup, user, client, on));
    }

    /** A session actor stopped. */
    void removed(ActorRef<?> ref) {
        entries.keySet().removeIf(s -> s.equals(ref));
    }

    void clear() {
        entries.clear();
    }

    /** A move ended: on success the session now runs on {@code to}. */
    void moved(ActorRef<SqlSession.Command> session, ReaderSnapshot to, Throwable error) {
        Entry e = entries.get(session);
        if (e == null) {
            return;
        }
        if (e.movingTo == to) {
            e.movingTo = null;
        }
        if (error == null) {
            e.on = to;
        }
    }

    /** Tells every session not on {@code next}, and not already moving there, to move there (again, if a move failed). */
    void moveAllTo(ReaderSnapshot next, MoveReport report) {
        entries.forEach((session, e) -> {
            if (e.on != next && e.movingTo != next) {
                e.movingTo = next;
                session.tell(new SqlSession.Rebind(next.volume, state -> {
                    PgSession pg = next.db.newSession(SessionSettings.fromStartup(e.startup, e.user));
                    pg.restore(state);
                    return pg;
                }, error -> report.moved(session, next, error)));
            }
        });
    }

    /** Whether some session runs on {@code s} or is moving to it (it must stay open). */
    boolean uses(ReaderSnapshot s) {
        for (Entry e : entries.values()) {
            if (e.on == s || e.movingTo == s) {
                return true;
            }
        }
        return false;
    }

    /** The sessions running on {@code s}. */
    List<ActorRef<SqlSession.Command>> on(ReaderSnapshot s) {
        List<ActorRef<SqlSession.Command>> out = new ArrayList<>();
        entries.forEach((session, e) -> {
            if (e.on == s) {
                out.add(session);
            }
        });
        return out;
    }

    /** Ends a session with a FATAL error its client sees (the proxy then closes the connection). */
    void end(ActorRef<SqlSession.Command> session, String sqlState, String message) {
        Entry e = entries.get(session);
        if (e != null) {
            e.client.tell(new ClientConnection.Ended(sqlState, message));
        }
        session.tell(new SqlSession.Close());
    }
}
