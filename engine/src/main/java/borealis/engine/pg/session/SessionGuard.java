package borealis.engine.pg.session;

import borealis.engine.pg.PgError;

/**
 * What the instance bounds around a session's statements (implemented by the database that hosts
 * the session): the scope its worker thread runs in (whose scratch files count against the
 * database's temp-file limit), and whether the database may still grow.
 */
public interface SessionGuard {

    /** Entered around each batch of the session's work, on the thread that runs it. */
    AutoCloseable enter();

    /** Null if a statement may write; else the error to answer it with (a storage quota reached). */
    PgError beforeWrite();

    /** A statement was refused before it reached the engine (for the audit log). */
    void refused(String sql, PgError error);

    /** The longest any statement may run (0: no ceiling); a session's statement_timeout can only be shorter. */
    long statementTimeoutCeilingMillis();

    SessionGuard NONE = new SessionGuard() {
        @Override
        public AutoCloseable enter() {
            return () -> { };
        }

        @Override
        public PgError beforeWrite() {
            return null;
        }

        @Override
        public long statementTimeoutCeilingMillis() {
            return 0;
        }

        @Override
        public void refused(String sql, PgError error) {
        }
    };
}
