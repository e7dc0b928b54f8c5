package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.wire.BackendWriter;

/**
 * What happens at a statement's edges, whichever protocol runs it (simple, extended, COPY): the
 * write check before it, the abort after a failure, the closing of portals when a transaction ends,
 * and ReadyForQuery with the notifications waiting for the session.
 */
final class StatementBoundaries {

    private final Transactions tx;
    private final SessionNotifications notes;
    private final UtilityCommands utility;
    private final SessionGuard guard;
    private final SqlCursors cursors;
    private final NamedStatements named;
    private final PortalRunner portals;
    /** Notifications went out in the current call: its output waits until their commits are durable. */
    private boolean deliveredNotifications;

    StatementBoundaries(Transactions tx, SessionNotifications notes, UtilityCommands utility, SessionGuard guard, SqlCursors cursors,
                        NamedStatements named, PortalRunner portals) {
        this.tx = tx;
        this.notes = notes;
        this.utility = utility;
        this.guard = guard;
        this.cursors = cursors;
        this.named = named;
        this.portals = portals;
    }

    /** Statements that make the database grow are refused past its storage quota; reads and deletions still run. */
    void checkMayWrite(Command c) {
        if (c.writes() && utility.readOnly(tx.status() != 'I' && !tx.isImplicit())) {
            throw new PgException(PgError.error("25006", "cannot execute " + (c.tag().equals("EXPLAIN") ? c.name() : c.tag())
                    + " in a read-only transaction"));
        }
        if (!c.grows()) {
            return;
        }
        PgError full = guard.beforeWrite();
        if (full != null) {
            throw new PgException(full);
        }
    }

    /**
     * ReadyForQuery, preceded between transactions by the notifications waiting for the session
     * (PostgreSQL sends them just before ReadyForQuery, never inside a transaction).
     */
    void ready(BackendWriter out) {
        if (tx.status() == 'I' && notes.drainTo(out)) {
            deliveredNotifications = true;
        }
        out.readyForQuery(tx.status());
    }

    /** Whether notifications went out since the last call, which it resets. */
    boolean takeDeliveredNotifications() {
        boolean delivered = deliveredNotifications;
        deliveredNotifications = false;
        return delivered;
    }

    /** Ends what a failed statement leaves behind: a block fails, an implicit transaction rolls back. */
    void afterError() {
        tx.fail();
        if (tx.status() == 'I' && !tx.isImplicit()) {
            notes.rolledBack(); // a statement that failed outside a transaction: its NOTIFYs vanish with it
        }
        if (tx.isImplicit()) {
            closeAllPortals();
            tx.rollbackQuietly();
        }
        tx.autocommitted();
    }

    void closeAllPortals() {
        cursors.closeAll(false);
        named.closePortals();
        portals.running = null;
    }
}
