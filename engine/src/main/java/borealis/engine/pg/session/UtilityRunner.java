package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.catalog.PgCatalog;
import borealis.engine.pg.catalog.DeferredConstraints;
import borealis.engine.pg.catalog.SessionRelations;
import borealis.engine.pg.catalog.SystemFunctions;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.wire.BackendWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the commands the session handles itself rather than H2 (transaction control, SET and RESET,
 * DISCARD, DEALLOCATE, schema DDL, SQL cursors, LISTEN / NOTIFY, DO), in either protocol.
 */
final class UtilityRunner {

    private final Connection conn;
    private final SessionSettings settings;
    private final Transactions tx;
    private final UtilityCommands utility;
    private final SchemaCommands schemas;
    private final SessionNotifications notes;
    private final NamedStatements named;
    private final SqlCursors cursors;
    private final InlineBlocks inlineBlocks;
    private final PgCatalog catalog;
    private final StatementBoundaries boundaries;

    UtilityRunner(Connection conn, SessionSettings settings, Transactions tx, UtilityCommands utility, SchemaCommands schemas,
                  SessionNotifications notes, NamedStatements named, SqlCursors cursors, InlineBlocks inlineBlocks, PgCatalog catalog,
                  StatementBoundaries boundaries) {
        this.conn = conn;
        this.settings = settings;
        this.tx = tx;
        this.utility = utility;
        this.schemas = schemas;
        this.notes = notes;
        this.named = named;
        this.cursors = cursors;
        this.inlineBlocks = inlineBlocks;
        this.catalog = catalog;
        this.boundaries = boundaries;
    }

    /**
     * DISCARD ALL is what a pooler sends before it hands a connection to another client: the
     * session as new (settings, prepared statements, portals, LISTEN, advisory locks, temporary
     * tables). DISCARD TEMP drops the temporary tables only; PLANS and SEQUENCES change nothing a
     * client can see here (no plan cache is visible; currval is H2's per session).
     */
    private void discard(String tag, boolean manyStatements) throws SQLException {
        switch (tag) {
            case "DISCARD ALL" -> {
                if (tx.status() != 'I' || manyStatements) {
                    throw new PgException(PgError.error("25001", "DISCARD ALL cannot run inside a transaction block"));
                }
                notes.discardAll(); // PostgreSQL's DISCARD ALL includes UNLISTEN *
                boundaries.closeAllPortals();
                named.closeStatements();
                settings.resetAll();
                SystemFunctions.pg_advisory_unlock_all(conn);
                SessionRelations.dropTemporaryTables(conn);
                applyToEngine();
            }
            case "DISCARD TEMP" -> SessionRelations.dropTemporaryTables(conn);
            case "DISCARD PLANS", "DISCARD SEQUENCES" -> { }
            default -> throw new PgException(PgError.error("42601",
                    "syntax error at or near \"" + tag.substring("DISCARD ".length()).toLowerCase(Locale.ROOT) + "\""));
        }
    }

    /**
     * SET CONSTRAINTS {ALL | name [, ...]} {DEFERRED | IMMEDIATE} ({@link DeferredConstraints});
     * false if the statement is another SET. Outside a block it only warns, as in PostgreSQL.
     */
    private boolean setConstraints(String sql, BackendWriter out) throws SQLException {
        List<SqlLexer.Token> t = SqlLexer.code(sql);
        if (t.size() < 4 || !t.get(1).is("CONSTRAINTS")) {
            return false;
        }
        int last = t.size() - 1;
        while (last > 2 && t.get(last).text().equals(";")) {
            last--;
        }
        boolean deferred = t.get(last).is("DEFERRED");
        if (!deferred && !t.get(last).is("IMMEDIATE")) {
            throw new PgException(PgError.error("42601", "syntax error at or near \"" + t.get(last).text() + "\""));
        }
        List<String> names = null;
        if (!(last == 3 && t.get(2).is("ALL"))) {
            names = new ArrayList<>();
            StringBuilder name = new StringBuilder();
            for (int i = 2; i < last; i++) {
                String text = t.get(i).text();
                if (text.equals(",")) {
                    names.add(name.toString());
                    name.setLength(0);
                } else {
                    name.append(text.equals(".") ? "." : text.startsWith("\"") ? text.substring(1, text.length() - 1).replace("\"\"", "\"")
                            : text.toLowerCase(Locale.ROOT));
                }
            }
            names.add(name.toString());
        }
        if (tx.status() == 'I' && !tx.isImplicit()) {
            out.noticeResponse("WARNING", "25P01", "SET CONSTRAINTS can only be used in transaction blocks");
        } else {
            DeferredConstraints.set(conn, names, deferred);
        }
        out.commandComplete("SET CONSTRAINTS");
        return true;
    }

    /** Makes the engine resolve names by the session's search_path (see {@link SearchPath}) and convert times in its TimeZone. */
    void applyToEngine() throws SQLException {
        SearchPath.apply(conn, settings.get("search_path"), settings.sessionUser());
        utility.applyTimeZone(conn);
    }

    /**
     * Runs a command the session handles itself; {@code portal}: its portal in the extended protocol, null in a simple
     * query; {@code manyStatements}: a simple query of several statements (an implicit transaction) is running it.
     */
    void run(PreparedQuery q, BackendWriter out, Portal portal, boolean manyStatements) throws SQLException {
        runCommand(q, out, portal, manyStatements);
        // Some of these make H2 commit (its SET, CREATE SCHEMA, DDL in a DO block, a new isolation
        // level): what the transaction holds is in a new engine transaction from here on.
        tx.reanchor();
    }

    private void runCommand(PreparedQuery q, BackendWriter out, Portal portal, boolean manyStatements) throws SQLException {
        boolean extended = portal != null;
        Command c = q.command();
        switch (c.kind()) {
            case BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO -> tx.run(q.command(), q.sql, out);
            case SET -> {
                if (setConstraints(q.sql, out)) {
                    return;
                }
                for (Map.Entry<String, String> changed : utility.set(q.sql, conn).entrySet()) {
                    out.parameterStatus(changed.getKey(), changed.getValue());
                }
                tx.enterSerializable(); // SET TRANSACTION ISOLATION LEVEL SERIALIZABLE inside a block
                out.commandComplete("SET");
            }
            case RESET -> {
                for (Map.Entry<String, String> changed : utility.reset(q.sql).entrySet()) {
                    out.parameterStatus(changed.getKey(), changed.getValue());
                }
                applyToEngine();
                out.commandComplete("RESET");
            }
            case DISCARD -> {
                discard(c.tag(), manyStatements);
                out.commandComplete(c.tag());
            }
            case DEALLOCATE -> {
                if (c.tag().endsWith("ALL")) {
                    named.closeStatements();
                } else {
                    named.deallocate(c.name());
                }
                out.commandComplete(c.tag());
            }
            case PREPARE -> {
                SqlPreparedStatements.prepare(q.sql, named, conn);
                out.commandComplete("PREPARE");
            }
            case EXECUTE -> throw new IllegalStateException("EXECUTE runs the named statement's own portal (NamedStatements.bind)");
            case SCHEMA -> {
                // Like all DDL on H2 it does not roll back with a transaction block.
                schemas.run(q.sql, out);
                if (catalog != null) {
                    catalog.invalidate();
                }
                applyToEngine();
            }
            case DECLARE -> cursors.declare(q, tx.status(), out, portal);
            case FETCH -> cursors.fetch(q, out, !extended);
            case CLOSE_CURSOR -> cursors.close(c.name(), out);
            case NOOP -> out.commandComplete(c.tag());
            case LISTEN, UNLISTEN, NOTIFY -> {
                // Transactional, as in PostgreSQL: in a pipeline or a Query of several statements they
                // take effect with the implicit transaction's commit (a single statement commits alone).
                if (extended || manyStatements) {
                    tx.beginImplicit();
                }
                notes.run(c, q.sql);
                out.commandComplete(c.tag());
            }
            case DO -> {
                // A DO is atomic: outside a block it runs in an implicit transaction (ended by the
                // end of the Query string or by Sync), which its exception handlers' savepoints need.
                tx.beginImplicit();
                inlineBlocks.run(q.sql);
                out.commandComplete("DO");
            }
            case EMPTY -> out.emptyQueryResponse();
            default -> throw new IllegalStateException("not a utility command: " + c);
        }
    }
}
