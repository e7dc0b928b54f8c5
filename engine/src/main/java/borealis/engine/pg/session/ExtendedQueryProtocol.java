package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The extended query protocol: Parse, Bind, Describe, Execute and Close on named and unnamed
 * statements and portals, up to Sync. After an error the messages up to Sync are skipped; Sync ends
 * an implicit transaction and answers ReadyForQuery.
 */
final class ExtendedQueryProtocol {

    private final Connection conn;
    /** Named and unnamed statements and portals of the extended protocol. */
    private final NamedStatements named;
    private final SqlCursors cursors;
    private final PortalRunner portals;
    private final Transactions tx;
    private final SessionErrors errors;
    private final CommitWindows commitWindows;
    private final StatementBoundaries boundaries;
    private final UtilityRunner utilities;
    private final CopyProtocol copy;
    private boolean skipUntilSync;

    ExtendedQueryProtocol(Connection conn, NamedStatements named, SqlCursors cursors, PortalRunner portals, Transactions tx,
                          SessionErrors errors, CommitWindows commitWindows, StatementBoundaries boundaries, UtilityRunner utilities,
                          CopyProtocol copy) {
        this.conn = conn;
        this.named = named;
        this.cursors = cursors;
        this.portals = portals;
        this.tx = tx;
        this.errors = errors;
        this.commitWindows = commitWindows;
        this.boundaries = boundaries;
        this.utilities = utilities;
        this.copy = copy;
    }

    /** Whether an error left the messages up to the next Sync to be skipped. */
    boolean skipping() {
        return skipUntilSync;
    }

    /** A simple Query arrived: whatever follows is not skipped. */
    void stopSkipping() {
        skipUntilSync = false;
    }

    /** Handles a message of the extended protocol (but Sync), unless an error skips it. */
    void handle(FrontendMessage m, BackendWriter out, int budget) {
        if (skipUntilSync) {
            return;
        }
        try {
            if (m instanceof FrontendMessage.Parse p) {
                errors.statement(p.sql(), 0);
                named.parse(p);
                out.parseComplete();
            } else if (m instanceof FrontendMessage.Bind b) {
                closePortal(b.portal());
                named.bind(b);
                out.bindComplete();
            } else if (m instanceof FrontendMessage.Describe d) {
                Portal cursor = d.kind() == 'P' && named.portal(d.name()) == null ? cursors.cursor(d.name()) : null;
                if (cursor != null) {
                    // A cursor DECLAREd in SQL is a portal too: psycopg describes it by name.
                    if (cursor.columns != null) {
                        out.rowDescription(cursor.columns);
                    } else {
                        out.noData();
                    }
                } else {
                    named.describe(d, out);
                }
            } else if (m instanceof FrontendMessage.Execute e) {
                execute(e, out, budget);
            } else if (m instanceof FrontendMessage.Close c) {
                close(c);
                out.closeComplete();
            } else if (m instanceof FrontendMessage.Flush) {
                // Output is flushed after every call anyway.
            } else if (m instanceof FrontendMessage.CopyData || m instanceof FrontendMessage.CopyDone
                    || m instanceof FrontendMessage.CopyFail) {
                // COPY data outside a COPY is ignored, as PostgreSQL does.
            } else if (m instanceof FrontendMessage.FunctionCall) {
                throw new PgException(PgError.error("0A000", "the fast-path function call interface is not supported"));
            } else {
                throw new PgException(PgError.error("08P01", "unexpected message " + m.getClass().getSimpleName()));
            }
        } catch (PgException e) {
            error(errors.of(e), out);
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            // A statement nested too deep for the parser ends with 54001, as PostgreSQL's does; the session goes on.
            error(errors.of(e), out);
        }
    }

    private void execute(FrontendMessage.Execute e, BackendWriter out, int budget) throws SQLException {
        Portal p = named.portal(e.portal());
        if (p == null) {
            throw new PgException(PgError.error("34000", "portal \"" + e.portal() + "\" does not exist"));
        }
        errors.statement(p.query.sql, 0);
        if (!p.executed) {
            Command.Kind kind = p.query.command().kind();
            if (tx.status() == 'E' && kind != Command.Kind.COMMIT && kind != Command.Kind.ROLLBACK && kind != Command.Kind.ROLLBACK_TO) {
                throw new PgException(PgError.inFailedTransaction());
            }
            PreparedQuery query = p.query;
            commitWindows.statementStarts(query.command(), tx, () -> query.readOnly(conn));
            if (kind == Command.Kind.EMPTY) {
                out.emptyQueryResponse();
                return;
            }
            if (kind == Command.Kind.COPY) {
                p.executed = true;
                Portal copyOut = copy.start(p.query, out, true);
                if (copyOut == null) {
                    return;
                }
                p = copyOut;
                named.putPortal(e.portal(), p);
            } else if (kind != Command.Kind.ENGINE && kind != Command.Kind.SHOW) {
                utilities.run(p.query, out, p, false);
                p.executed = true;
                return;
            } else {
                if (kind == Command.Kind.ENGINE) {
                    boundaries.checkMayWrite(p.query.command());
                    tx.beginImplicit();
                }
                portals.start(p);
            }
        }
        portals.send(p, e.maxRows());
        continueExecute(out, budget);
    }

    /** Sends rows of the running portal until done, the row limit, or the output budget. */
    void continueExecute(BackendWriter out, int budget) {
        Portal p = portals.running;
        try {
            boolean finished = portals.writeRows(p, out, budget, portals.maxRows, true);
            if (!finished) {
                return;
            }
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            portals.running = null;
            error(errors.of(e), out);
        }
    }

    private void close(FrontendMessage.Close c) throws SQLException {
        if (c.kind() == 'S') {
            named.closeStatement(c.name());
        } else {
            closePortal(c.name());
        }
    }

    private void closePortal(String name) throws SQLException {
        Portal p = named.removePortal(name);
        if (p != null) {
            if (portals.running == p) {
                portals.running = null;
            }
            p.close();
        }
    }

    void sync(BackendWriter out) {
        skipUntilSync = false;
        try {
            // The unnamed portal and statement do not outlive the pipeline in practice; portals of
            // an implicit transaction end with it.
            if (tx.isImplicit()) {
                boundaries.closeAllPortals();
                tx.endImplicit(true);
            }
        } catch (SQLException e) {
            out.errorResponse("ERROR", PgError.of(e).sqlState(), PgError.of(e).message(), null, null, 0);
            tx.rollbackQuietly();
        } catch (PgException e) {
            errors.write(e.error, out); // the commit found a listener's queue full (54000)
            tx.rollbackQuietly();
        }
        boundaries.ready(out);
    }

    /** Reports an error of the extended protocol: the messages up to Sync are skipped. */
    void error(PgError error, BackendWriter out) {
        errors.write(error, out);
        skipUntilSync = true;
        boundaries.afterError();
    }
}
