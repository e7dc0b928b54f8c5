package borealis.engine.pg.catalog;

import java.sql.Connection;
import java.sql.SQLException;

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

    /** The sessions' ports, by engine session, until the session ends ({@link SessionPorts}). */
    final class Registry {
        private static final SessionPorts<SessionConfig> PORTS = new SessionPorts<>();

        private Registry() {}

        public static void register(Connection c, SessionConfig config) throws SQLException {
            PORTS.register(c, config);
        }

        public static void unregister(Connection c) {
            PORTS.unregister(c);
        }

        static SessionConfig of(Connection c) throws SQLException {
            return PORTS.find(c);
        }
    }
}
