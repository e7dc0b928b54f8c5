package borealis.engine.h2;

/**
 * Receives the statements of tenant sessions that an audit log must keep: DDL, privileged
 * commands, and anything the engine refused for lack of rights (SQLSTATE 90040). Called on the
 * session's SQL thread after the statement ran; implementations must be quick and never throw.
 */
@FunctionalInterface
public interface StatementAudit {

    /**
     * @param user      the PostgreSQL user of the session
     * @param source    the client's address as the proxy saw it, or null
     * @param statement the SQL as the engine ran it (possibly translated), truncated
     * @param sqlState  null when it succeeded
     * @param refused   refused as something a tenant may not do (by the engine's rights, or before it reached the engine)
     */
    record Event(String user, String source, String statement, String sqlState, String message, boolean refused) {
        /** An engine's answer: refused when it said admin rights were required (90040) or permission denied (42501). */
        public Event(String user, String source, String statement, String sqlState, String message) {
            this(user, source, statement, sqlState, message, "90040".equals(sqlState) || "42501".equals(sqlState));
        }

        public boolean succeeded() {
            return sqlState == null;
        }
    }

    void statement(Event event);

    StatementAudit NONE = e -> { };
}
