package borealis.engine.pg.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A session's LISTEN / NOTIFY state as {@code pg_notify()} and {@code pg_listening_channels()}
 * reach it from inside a statement: a port the session layer implements and registers for its
 * engine session (asyncpg, psycopg and SQLAlchemy notify with {@code SELECT pg_notify($1, $2)}).
 */
public interface NotifyPort {

    /** Queues a notification for the end of the transaction; errors carry PostgreSQL's SQLSTATE. */
    void notify(String channel, String payload) throws SQLException;

    /** The process id the client was given in BackendKeyData: what pg_backend_pid() answers and notifications carry. */
    int processId();

    /** The channels the session listens on (as committed), in the order they were added. */
    List<String> listeningChannels();

    /** The sessions' ports, by engine session; removed when the session closes. */
    final class Registry {
        private static final SessionPorts<NotifyPort> PORTS = new SessionPorts<>();

        private Registry() {}

        public static void register(Connection c, NotifyPort port) throws SQLException {
            PORTS.register(c, port);
        }

        public static void unregister(Connection c) {
            PORTS.unregister(c);
        }

        static NotifyPort find(Connection c) throws SQLException {
            return PORTS.find(c);
        }

        static NotifyPort of(Connection c) throws SQLException {
            NotifyPort p = find(c);
            if (p == null) {
                throw new SQLException("notifications are not available in this session", "0A000");
            }
            return p;
        }
    }
}
