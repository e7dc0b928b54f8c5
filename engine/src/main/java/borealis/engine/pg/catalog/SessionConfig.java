package borealis.engine.pg.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
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

    /** The sessions' ports, by engine session (weakly: a closed session's goes with it). */
    final class Registry {
        private static final Map<SessionLocal, SessionConfig> PORTS = Collections.synchronizedMap(new WeakHashMap<>());

        private Registry() {}

        public static void register(Connection c, SessionConfig config) throws SQLException {
            PORTS.put(CatalogFunctions.session(c), config);
        }

        static SessionConfig of(Connection c) throws SQLException {
            return PORTS.get(CatalogFunctions.session(c));
        }
    }
}
