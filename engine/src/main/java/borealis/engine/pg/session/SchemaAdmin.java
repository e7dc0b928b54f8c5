package borealis.engine.pg.session;

import java.sql.SQLException;

/**
 * Schema DDL that H2 allows only to a schema administrator, which the tenant's user is not (being
 * one would give it every table of the database, the instance's catalog included): the instance
 * runs it for the session, for names the session chose.
 */
public interface SchemaAdmin {

    /** Creates {@code name} for {@code user} (who must own the database); false if it existed and {@code ifNotExists}. */
    boolean create(String user, String name, boolean ifNotExists) throws SQLException;

    /** Renames a schema of the database's for {@code user} (who must own the database). */
    void rename(String user, String from, String to) throws SQLException;

    /** For sessions without an instance behind them (tools, tests): H2 decides, as the session's own user. */
    SchemaAdmin REFUSED = new SchemaAdmin() {
        @Override
        public boolean create(String user, String name, boolean ifNotExists) throws SQLException {
            throw new SQLException("permission denied for database", "42501");
        }

        @Override
        public void rename(String user, String from, String to) throws SQLException {
            throw new SQLException("permission denied for database", "42501");
        }
    };
}
