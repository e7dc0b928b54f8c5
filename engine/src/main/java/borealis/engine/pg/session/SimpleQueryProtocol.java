package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.wire.BackendWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simple query protocol: a Query's string is split into statements, each run and completed in
 * turn, then ReadyForQuery. A string of several statements runs in an implicit transaction that ends
 * with the string; an error ends the Query there.
 */
final class SimpleQueryProtocol {

    private static final Logger log = LoggerFactory.getLogger(SimpleQueryProtocol.class);

    private final Connection conn;
    private final NamedStatements named;
    private final PortalRunner portals;
    private final Transactions tx;
    private final SessionErrors errors;
    private final CommitWindows commitWindows;
    private final StatementBoundaries boundaries;
    private final UtilityRunner utilities;
    private final CopyProtocol copy;
    /** Statements left of a simple Query being run. */
    private ArrayDeque<String> simpleQueue;
    private boolean simpleImplicit;
    /** The simple query string being run, and where in it the statement run last ends. */
    private String simpleSql = "";
    private int simpleFrom;

    SimpleQueryProtocol(Connection conn, NamedStatements named, PortalRunner portals, Transactions tx, SessionErrors errors,
                        CommitWindows commitWindows, StatementBoundaries boundaries, UtilityRunner utilities, CopyProtocol copy) {
        this.conn = conn;
        this.named = named;
        this.portals = portals;
        this.tx = tx;
        this.errors = errors;
        this.commitWindows = commitWindows;
        this.boundaries = boundaries;
        this.utilities = utilities;
        this.copy = copy;
    }

    /** Whether a Query is being run (statements of it, or its ReadyForQuery, are still to come). */
    boolean running() {
        return simpleQueue != null;
    }

    void start(String sql, BackendWriter out) {
        List<String> parts = SqlLexer.split(sql);
        if (parts.isEmpty()) {
            out.emptyQueryResponse();
            boundaries.ready(out);
            return;
        }
        simpleQueue = new ArrayDeque<>(parts);
        simpleSql = sql;
        simpleFrom = 0;
        simpleImplicit = parts.size() > 1;
    }

    /** Runs the Query's next statement, or sends rows of the running one, until the output budget. */
    void continueQuery(BackendWriter out, int budget) {
        try {
            if (portals.running != null) {
                if (!portals.writeRows(portals.running, out, budget, 0, false)) {
                    return;
                }
            }
            String sql = simpleQueue.pollFirst();
            if (sql == null) {
                simpleQueue = null;
                if (tx.isImplicit()) {
                    tx.endImplicit(true);
                }
                tx.autocommitted();
                boundaries.ready(out);
                return;
            }
            // where the statement starts in the query string, whose characters PostgreSQL's positions count
            int at = simpleSql.indexOf(sql, simpleFrom);
            errors.statement(sql, at < 0 ? 0 : simpleSql.codePointCount(0, at));
            simpleFrom = at < 0 ? simpleFrom : at + sql.length();
            // PREPARE keeps its text as written, with the semicolon that ends it (pg_prepared_statements shows it)
            PreparedQuery parsed = named.prepare(sql, new int[0]);
            if (parsed.command().kind() == Command.Kind.PREPARE && semicolonFollows()) {
                parsed = named.prepare(sql + ";", new int[0]);
            }
            Command.Kind parsedKind = parsed.command().kind();
            if (tx.status() == 'E' && parsedKind != Command.Kind.COMMIT && parsedKind != Command.Kind.ROLLBACK
                    && parsedKind != Command.Kind.ROLLBACK_TO) {
                throw new PgException(PgError.inFailedTransaction());
            }
            // EXECUTE name (values): the named statement runs here, with the values bound
            SqlPreparedStatements.Execution execution = parsedKind == Command.Kind.EXECUTE
                    ? SqlPreparedStatements.execution(sql, named, conn) : null;
            PreparedQuery q = execution == null ? parsed : execution.query();
            Command.Kind kind = q.command().kind();
            commitWindows.statementStarts(q.command(), tx, () -> q.readOnly(conn));
            if (q.parameterCount > 0 && execution == null && kind != Command.Kind.PREPARE) {
                throw new PgException(PgError.error("42P02", "there is no parameter $1"));
            }
            if (kind == Command.Kind.COPY) {
                Portal copyOut = copy.start(q, out, false);
                if (copyOut != null) {
                    portals.send(copyOut, 0);
                    portals.writeRows(copyOut, out, budget, 0, false);
                }
                return;
            }
            if (kind != Command.Kind.ENGINE && kind != Command.Kind.SHOW) {
                utilities.run(q, out, null, simpleImplicit);
                return;
            }
            if (kind == Command.Kind.ENGINE) {
                boundaries.checkMayWrite(q.command());
            }
            if (kind == Command.Kind.ENGINE && simpleImplicit) {
                tx.beginImplicit();
            }
            Portal p = new Portal(q, new short[0]);
            if (kind == Command.Kind.ENGINE && !q.isEmptyResult()) {
                p.statement = q.borrow(conn);
            }
            try {
                if (p.statement != null && execution != null) {
                    execution.bind(p.statement, named.lookup().dateOrder());
                }
                portals.start(p);
            } catch (SQLException | RuntimeException e) {
                p.close();
                throw e;
            }
            if (p.columns != null) {
                out.rowDescription(p.columns);
            }
            portals.send(p, 0);
            portals.writeRows(p, out, budget, 0, false);
        } catch (PgException e) {
            error(errors.of(e), out);
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            error(errors.of(e), out);
        }
    }

    /** Whether the statement run last is followed by its semicolon in the query string (spaces between). */
    private boolean semicolonFollows() {
        for (int i = simpleFrom; i < simpleSql.length(); i++) {
            char c = simpleSql.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == ';';
            }
        }
        return false;
    }

    /** Reports an error of the simple protocol: the rest of the Query is not run. */
    void error(PgError error, BackendWriter out) {
        if (portals.running != null) {
            try {
                portals.running.close();
            } catch (SQLException e) {
                log.debug("closing a failed portal", e);
            }
            portals.running = null;
        }
        errors.write(error, out);
        simpleQueue = null;
        boundaries.afterError();
        boundaries.ready(out);
    }
}
