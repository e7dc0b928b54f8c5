package borealis.engine.pg.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.engine.SessionLocal;

/**
 * A session's run-time parameters as {@code current_setting()} and {@code set_config()} reach them
 * from inside a statement: a port the session layer implements and registers for its engine
 * session (Flyway sets its schema with {@code SELECT set_config('search_path', ..., false)}).
 */
public interface SessionConfig {

    /** The parameter's current value; null when unknown and {@code missingOk}, else 42704. */
    String get(String name, boolean missingOk) throws SQLException;

    /** Sets the parameter as SET (or SET LOCAL) would; returns its new value. */
    String set(String name, String value, boolean local) throws SQLException;

    /**
     * The sessions' ports, by engine session, until the session ends. Not a weak map: a port
     * refers to its session's connection, so its key never became unreachable and every closed
     * database stayed on the heap through it (4.5 MB for each paused cluster, measured on 100).
     */
    final class Registry {
        private static final Map<SessionLocal, SessionConfig> PORTS = new ConcurrentHashMap<>();

        private Registry() {}

        public static void register(Connection c, SessionConfig config) throws SQLException {
            PORTS.put(CatalogFunctions.session(c), config);
        }

        public static void unregister(Connection c) {
            try {
                PORTS.remove(CatalogFunctions.session(c));
            } catch (SQLException e) {
                // a closed connection has no H2 session left to forget
            }
        }

        static SessionConfig of(Connection c) throws SQLException {
            return PORTS.get(CatalogFunctions.session(c));
        }
    }
}
