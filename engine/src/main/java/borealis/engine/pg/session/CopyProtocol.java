package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.SqlTranslator;
import borealis.engine.pg.sql.Translation;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * COPY in either query protocol: TO STDOUT is a portal whose rows go out as CopyData; FROM STDIN
 * takes the session's messages (CopyData, CopyDone, CopyFail) until it ends, and a failure is
 * reported as the protocol that started it reports errors.
 */
final class CopyProtocol {

    private static final Logger log = LoggerFactory.getLogger(CopyProtocol.class);

    private final Connection conn;
    private final Transactions tx;
    private final UtilityCommands utility;
    private final NamedStatements named;
    private final PortalRunner portals;
    private final SessionErrors errors;
    private final StatementBoundaries boundaries;
    /** Whether a simple Query is being run (a COPY FROM STDIN in it does not end the Query's transaction). */
    private final BooleanSupplier inSimpleQuery;
    private final FailureReport failures;
    /** A COPY FROM STDIN receiving data, and whether it runs in its own (implicit) transaction. */
    private CopyIn copyIn;
    private boolean copyInExtended;

    CopyProtocol(Connection conn, Transactions tx, UtilityCommands utility, NamedStatements named, PortalRunner portals,
                 SessionErrors errors, StatementBoundaries boundaries, BooleanSupplier inSimpleQuery, FailureReport failures) {
        this.conn = conn;
        this.tx = tx;
        this.utility = utility;
        this.named = named;
        this.portals = portals;
        this.errors = errors;
        this.boundaries = boundaries;
        this.inSimpleQuery = inSimpleQuery;
        this.failures = failures;
    }

    /** Whether a COPY FROM STDIN waits for the client's data. */
    boolean receiving() {
        return copyIn != null;
    }

    /**
     * Starts a COPY. FROM STDIN answers CopyInResponse and waits for CopyData (returns null); TO
     * STDOUT returns a running portal whose rows go out as CopyData.
     */
    Portal start(PreparedQuery q, BackendWriter out, boolean extended) throws SQLException {
        CopyStatement copy = CopyStatement.parse(q.sql);
        if (copy.in()) {
            if (utility.readOnly(tx.status() != 'I' && !tx.isImplicit())) {
                throw new PgException(PgError.error("25006", "cannot execute COPY FROM in a read-only transaction"));
            }
            boundaries.checkMayWrite(q.command());
            if (tx.status() == 'I') {
                tx.beginImplicit();
            }
            copyIn = CopyIn.start(copy, conn, named.lookup().dateOrder());
            copyInExtended = extended;
            out.copyInResponse(copyIn.columnCount(), copyIn.binary());
            return null;
        }
        tx.beginImplicit();
        Translation tr = SqlTranslator.translate(copy.selectSql(), named.lookup());
        PreparedQuery select = new PreparedQuery(q.sql, tr.engineSql(), q.command(), tr.parameters(), new int[0], tr);
        Portal p = new Portal(select, new short[0]);
        p.statement = conn.prepareStatement(select.engineSql);
        p.ownsStatement = true;
        portals.start(p);
        p.copy = new CopyCodec(copy);
        out.copyOutResponse(p.oids.length, copy.binary());
        if (copy.header() && copy.csv()) {
            String[] names = new String[p.columns.length];
            for (int i = 0; i < names.length; i++) {
                names[i] = p.columns[i].name();
            }
            out.copyData(p.copy.header(names));
        }
        return p;
    }

    /** A message while COPY FROM STDIN runs: data, its end, or its failure; true when the client terminated. */
    boolean message(FrontendMessage m, BackendWriter out) {
        try {
            if (m instanceof FrontendMessage.CopyData d) {
                copyIn.data(d.data());
            } else if (m instanceof FrontendMessage.CopyDone) {
                long n = copyIn.finish();
                end();
                out.commandComplete("COPY " + n);
                if (!copyInExtended && !inSimpleQuery.getAsBoolean() && tx.isImplicit()) {
                    tx.endImplicit(true);
                }
                // In a simple Query, its rest (ReadyForQuery after the last statement) follows in SimpleQueryProtocol.
            } else if (m instanceof FrontendMessage.CopyFail f) {
                throw new PgException(PgError.error("57014", "COPY from stdin failed: " + f.message()));
            } else if (m instanceof FrontendMessage.Flush || m instanceof FrontendMessage.Sync) {
                // PostgreSQL ignores these during COPY IN
            } else if (m instanceof FrontendMessage.Terminate) {
                end();
                return true;
            } else {
                throw new PgException(PgError.error("08P01", "unexpected message type during COPY from stdin"));
            }
        } catch (PgException e) {
            failed(errors.of(e), out);
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            failed(errors.of(e), out);
        }
        return false;
    }

    private void end() {
        try {
            copyIn.close();
        } catch (SQLException e) {
            log.debug("closing COPY", e);
        }
        copyIn = null;
    }

    private void failed(PgError error, BackendWriter out) {
        end();
        failures.failed(error, out, copyInExtended);
    }

    /** Reports a failed COPY FROM STDIN as the protocol that started it, extended or simple, reports errors. */
    interface FailureReport {
        void failed(PgError error, BackendWriter out, boolean extended);
    }
}
