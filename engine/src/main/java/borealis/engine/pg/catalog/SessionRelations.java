package borealis.engine.pg.catalog;

import borealis.engine.pg.sql.SqlQuoting;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Supplier;

/**
 * Catalog relations whose rows belong to one session (pg_prepared_statements): the client session
 * registers what it holds, keyed by its H2 session, and the catalog function reading the relation
 * asks the querying session's entry. Not a function class: nothing here is callable from SQL.
 */
public final class SessionRelations {

    /** One prepared statement as pg_prepared_statements shows it; parameter types as OIDs (0: not known yet). */
    public record PreparedStatement(String name, String statement, OffsetDateTime prepareTime, int[] parameterTypes,
                                    boolean fromSql) {}

    private static final SessionPorts<Supplier<List<PreparedStatement>>> PREPARED = new SessionPorts<>();

    private SessionRelations() {}

    /** The session on {@code c} shows {@code statements} in pg_prepared_statements until it ends. */
    public static void register(Connection c, Supplier<List<PreparedStatement>> statements) throws SQLException {
        PREPARED.register(c, statements);
    }

    public static void sessionEnded(Connection c) {
        PREPARED.unregister(c);
    }

    /**
     * Whether the session may have temporary tables: its own (what {@code CREATE TEMP TABLE}
     * makes), or a global one in the database (a database written before temporary tables were
     * made the session's: such a table is gone when the database closes).
     */
    public static boolean hasTemporaryTables(Connection c) {
        try {
            org.h2.engine.SessionLocal s = CatalogFunctions.session(c);
            return !s.getLocalTempTables().isEmpty() || s.getDatabase().getAllTablesAndViews().stream().anyMatch(t -> t.isTemporary());
        } catch (SQLException e) {
            return true;
        }
    }

    /** DISCARD TEMP: the session's temporary tables are dropped (with what depends on them). */
    public static void dropTemporaryTables(Connection c) throws SQLException {
        org.h2.engine.SessionLocal s = CatalogFunctions.session(c);
        List<org.h2.table.Table> temporary = new java.util.ArrayList<>(s.getLocalTempTables());
        try (java.sql.Statement st = c.createStatement()) {
            for (org.h2.table.Table t : temporary) {
                st.execute("DROP TABLE " + SqlQuoting.identifier(t.getSchema().getName()) + "."
                        + SqlQuoting.identifier(t.getName()) + " CASCADE");
            }
        }
    }

    /** The session's temporary tables now (by identity): what a rollback to this point keeps. */
    public static java.util.Set<Object> temporaryTables(Connection c) throws SQLException {
        List<org.h2.table.Table> now = CatalogFunctions.session(c).getLocalTempTables();
        if (now.isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Set<Object> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        out.addAll(now);
        return out;
    }

    /**
     * A rollback: the temporary tables made since {@code kept} was taken go, as PostgreSQL's
     * transactional CREATE TEMP TABLE does. Removed in the engine directly: a DROP would commit the
     * transaction that a ROLLBACK TO SAVEPOINT leaves open.
     */
    public static void dropTemporaryTablesNotIn(Connection c, java.util.Set<Object> kept) throws SQLException {
        if (kept == null) {
            return;
        }
        org.h2.engine.SessionLocal s = CatalogFunctions.session(c);
        for (org.h2.table.Table t : s.getLocalTempTables()) {
            if (!kept.contains(t)) {
                s.removeLocalTempTable(t);
            }
        }
    }

    static List<PreparedStatement> prepared(Connection c) throws SQLException {
        Supplier<List<PreparedStatement>> s = PREPARED.find(c);
        return s == null ? List.of() : s.get();
    }
}
