package borealis.engine.pg.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.engine.SessionLocal;

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
        private static final Map<SessionLocal, NotifyPort> PORTS = new ConcurrentHashMap<>();

        private Registry() {}

        public static void register(Connection c, NotifyPort port) throws SQLException {
            PORTS.put(CatalogFunctions.session(c), port);
        }

        public static void unregister(Connection c) {
            try {
                PORTS.remove(CatalogFunctions.session(c));
            } catch (SQLException e) {
                // a closed connection has no H2 session left to forget
            }
        }

        static NotifyPort find(Connection c) throws SQLException {
            return PORTS.get(CatalogFunctions.session(c));
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
