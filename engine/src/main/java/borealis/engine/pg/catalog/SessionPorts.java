package borealis.engine.pg.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.engine.SessionLocal;

/**
 * Ports a session layer registers for its engine session, so that catalog functions running in
 * that session can reach it; held until the session ends. Not a weak map: a port refers to its
 * session's connection, so its key never became unreachable and every closed database stayed on
 * the heap through it (4.5 MB for each paused cluster, measured on 100).
 */
final class SessionPorts<T> {

    private final Map<SessionLocal, T> ports = new ConcurrentHashMap<>();

    void register(Connection c, T port) throws SQLException {
        ports.put(CatalogFunctions.session(c), port);
    }

    void unregister(Connection c) {
        try {
            ports.remove(CatalogFunctions.session(c));
        } catch (SQLException e) {
            // a closed connection has no H2 session left to forget
        }
    }

    T find(Connection c) throws SQLException {
        return ports.get(CatalogFunctions.session(c));
    }
}
