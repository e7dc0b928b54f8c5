package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.ColumnLookup;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.sql.SqlTranslator;
import borealis.engine.pg.sql.Translation;
import borealis.engine.pg.types.PgValues;
import borealis.engine.pg.wire.BackendWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQL-level cursors: DECLARE name CURSOR [WITH HOLD] FOR query, FETCH / MOVE [n | ALL] [FROM] name,
 * CLOSE name | ALL, as psycopg2's named (server-side) cursors use them. A cursor is a portal whose
 * rows stay open in H2 between FETCHes; cursors without HOLD end with their transaction.
 */
final class SqlCursors {

    private static final Logger log = LoggerFactory.getLogger(SqlCursors.class);

    /** What the session lends cursors: running a portal and writing its rows. */
    interface Runner {
        void start(Portal p) throws SQLException;

        boolean nextRow(Portal p, BackendWriter out) throws SQLException;

        void writeCurrentRow(Portal p, BackendWriter out) throws SQLException;

        ColumnLookup lookup();

        /** The named portal the client bound through the protocol, or null. */
        Portal protocolPortal(String name);
    }

    private final Connection conn;
    private final Runner runner;
    private final Map<String, Portal> cursors = new HashMap<>();
    private final Set<String> hold = new HashSet<>();
    private final Set<String> scroll = new HashSet<>();

    SqlCursors(Connection conn, Runner runner) {
        this.conn = conn;
        this.runner = runner;
    }

    /** DECLARE; {@code bound}: the DECLARE's portal when it came with parameters (psycopg 3 binds them), else null. */
    void declare(PreparedQuery q, char txStatus, BackendWriter out, Portal bound) throws SQLException {
        List<SqlLexer.Token> t = SqlLexer.code(q.sql);
        String name = q.command().name();
        boolean withHold = false;
        // Without SCROLL or NO SCROLL, PostgreSQL moves backward where the plan can (simple plans:
        // the regression suite's FETCH BACKWARD on such a cursor); H2 keeps the rows of any query.
        boolean scrollable = true;
        int forAt = -1;
        for (int i = 2; i < t.size(); i++) {
            if (t.get(i).is("WITH") && i + 1 < t.size() && t.get(i + 1).is("HOLD")) {
                withHold = true;
            }
            if (t.get(i).is("SCROLL") && t.get(i - 1).is("NO") && forAt < 0) {
                scrollable = false;
            }
            if (t.get(i).is("FOR") && (t.get(i - 1).is("CURSOR") || t.get(i - 1).is("HOLD"))) {
                forAt = i;
                break;
            }
        }
        if (forAt < 0 || forAt + 1 >= t.size()) {
            throw new PgException(PgError.error("42601", "syntax error in DECLARE"));
        }
        if (!withHold && txStatus == 'I') {
            throw new PgException(PgError.error("25P01", "DECLARE CURSOR can only be used in transaction blocks"));
        }
        if (cursors.containsKey(name)) {
            throw new PgException(PgError.error("42P03", "cursor \"" + name + "\" already exists"));
        }
        if (cursors.size() >= NamedStatements.MAX_PORTALS) {
            throw new PgException(PgError.error("54000", "too many open cursors in this session (at most " + NamedStatements.MAX_PORTALS + ")"));
        }
        String query = q.sql.substring(t.get(forAt + 1).start());
        Translation tr = SqlTranslator.translate(query, runner.lookup());
        PreparedQuery select = new PreparedQuery(query, tr.engineSql(), Command.classify(query), tr.parameters(), q.declaredTypes(), tr);
        Portal p = new Portal(select, new short[0]);
        // A SCROLL cursor moves both ways: H2 keeps its rows (spilling to disk past max_memory_rows).
        p.statement = scrollable ? conn.prepareStatement(select.engineSql, java.sql.ResultSet.TYPE_SCROLL_INSENSITIVE,
                java.sql.ResultSet.CONCUR_READ_ONLY) : conn.prepareStatement(select.engineSql);
        p.ownsStatement = true;
        try {
            if (bound != null && bound.parameters != null && bound.parameters.length > 0) {
                int[] types = select.parameterTypes(conn, pg -> SqlTranslator.translate(pg, runner.lookup()).engineSql());
                for (int i = 0; i < bound.parameters.length && i < types.length; i++) {
                    PgValues.bind(p.statement, i + 1, types[i], NamedStatements.isBinary(bound.parameterFormats, i), bound.parameters[i],
                            runner.lookup().dateOrder());
                }
            }
            runner.start(p);
        } catch (SQLException | RuntimeException e) {
            p.close();
            throw e;
        }
        cursors.put(name, p);
        if (withHold) {
            hold.add(name);
        }
        if (scrollable) {
            scroll.add(name);
        }
        out.commandComplete("DECLARE CURSOR");
    }

    /** A FETCH or MOVE: its direction, count (ABSOLUTE/RELATIVE: the position) and cursor. */
    private record Fetch(boolean move, String direction, long count, String name) {}

    private static Fetch parse(String sql) {
        List<SqlLexer.Token> t = SqlLexer.code(sql);
        boolean move = t.get(0).is("MOVE");
        String direction = "FORWARD";
        long count = 1;
        boolean counted = false;
        String name = null;
        for (int i = 1; i < t.size(); i++) {
            SqlLexer.Token k = t.get(i);
            if (k.kind() == SqlLexer.Kind.NUMBER || k.text().equals("-") && i + 1 < t.size() && t.get(i + 1).kind() == SqlLexer.Kind.NUMBER) {
                boolean negative = k.text().equals("-");
                if (negative) {
                    k = t.get(++i);
                }
                count = Long.parseLong(k.text()) * (negative ? -1 : 1);
                counted = true;
            } else if (k.is("ALL")) {
                count = Long.MAX_VALUE;
                counted = true;
            } else if (k.is("FROM") || k.is("IN")) {
                continue;
            } else if (k.is("NEXT") || k.is("FORWARD") || k.is("PRIOR") || k.is("BACKWARD") || k.is("FIRST") || k.is("LAST")
                    || k.is("ABSOLUTE") || k.is("RELATIVE")) {
                direction = k.keyword();
            } else {
                name = k.kind() == SqlLexer.Kind.QUOTED_IDENT ? k.text().substring(1, k.text().length() - 1)
                        : k.text().toLowerCase(Locale.ROOT);
            }
        }
        if (direction.equals("FORWARD") && counted && count < 0) {
            direction = "BACKWARD";
            count = -count;
        } else if (!counted && direction.equals("BACKWARD")) {
            count = 1;
        }
        return new Fetch(move, direction, count, name);
    }

    boolean isEmpty() {
        return cursors.isEmpty();
    }

    /** The open cursor {@code name}, or null. */
    Portal cursor(String name) {
        return cursors.get(name);
    }

    /** The columns a FETCH statement returns (its cursor's), or null for MOVE or an unknown cursor. */
    BackendWriter.Column[] columnsOf(PreparedQuery fetch) {
        Fetch f = parse(fetch.sql);
        if (f.move() || f.name() == null) {
            return null;
        }
        Portal p = cursors.get(f.name());
        if (p == null) {
            p = runner.protocolPortal(f.name());
            return p == null || p.columns == null ? null : ProtocolCursors.textColumns(p.columns);
        }
        return p.columns;
    }

    /**
     * Runs a FETCH or MOVE. A cursor declared SCROLL moves both ways (PRIOR, BACKWARD, FIRST, LAST,
     * ABSOLUTE, RELATIVE); any other only forward, as in PostgreSQL. {@code describe}: a FETCH sent
     * as a simple query answers its RowDescription (the extended protocol's Describe does that).
     */
    void fetch(PreparedQuery q, BackendWriter out, boolean describe) throws SQLException {
        Fetch f = parse(q.sql);
        Portal p = f.name() == null ? null : cursors.get(f.name());
        // a portal the client bound through the protocol is a cursor too (never SCROLL), as in PostgreSQL
        Portal portal = p == null && f.name() != null ? runner.protocolPortal(f.name()) : null;
        if (p == null && portal == null) {
            throw new PgException(PgError.error("34000", "cursor \"" + f.name() + "\" does not exist"));
        }
        boolean forwardOnly = f.direction().equals("NEXT") || f.direction().equals("FORWARD");
        if (!forwardOnly && !scroll.contains(f.name())) {
            throw new PgException(new PgError("ERROR", "55000", "cursor can only scan forward", null,
                    "Declare it with SCROLL option to enable backward scan."));
        }
        if (portal != null) {
            ProtocolCursors.fetch(runner::start, portal, f.move(), out, describe, () -> fetchFrom(portal, f, out, false));
            return;
        }
        fetchFrom(p, f, out, describe && !f.move());
    }

    private void fetchFrom(Portal p, Fetch f, BackendWriter out, boolean describe) throws SQLException {
        if (describe && p.columns != null) {
            out.rowDescription(p.columns);
        }
        long n = 0;
        if (p.rows != null) {
            java.sql.ResultSet rs = p.rows;
            switch (f.direction()) {
                case "NEXT", "FORWARD" -> {
                    while (n < f.count() && (f.move() ? rs.next() : runner.nextRow(p, out))) {
                        n++;
                    }
                }
                case "PRIOR", "BACKWARD" -> {
                    while (n < f.count() && rs.previous()) {
                        if (!f.move()) {
                            runner.writeCurrentRow(p, out);
                        }
                        n++;
                    }
                }
                default -> {
                    boolean on = switch (f.direction()) {
                        case "FIRST" -> rs.first();
                        case "LAST" -> rs.last();
                        case "ABSOLUTE" -> rs.absolute((int) f.count());
                        default -> rs.relative((int) f.count());
                    };
                    if (on) {
                        if (!f.move()) {
                            runner.writeCurrentRow(p, out);
                        }
                        n = 1;
                    }
                }
            }
        }
        out.commandComplete((f.move() ? "MOVE " : "FETCH ") + n);
    }

    /** CLOSE name, or CLOSE ALL when name is null. */
    void close(String name, BackendWriter out) throws SQLException {
        if (name == null) {
            closeAll(true);
        } else {
            Portal cursor = cursors.remove(name);
            if (cursor == null) {
                throw new PgException(PgError.error("34000", "cursor \"" + name + "\" does not exist"));
            }
            hold.remove(name);
            scroll.remove(name);
            cursor.close();
        }
        out.commandComplete("CLOSE CURSOR");
    }

    /** Closes every cursor ({@code all}) or those without HOLD (the transaction ended). */
    void closeAll(boolean all) {
        for (Iterator<Map.Entry<String, Portal>> it = cursors.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Portal> e = it.next();
            if (all || !hold.contains(e.getKey())) {
                try {
                    e.getValue().close();
                } catch (SQLException ex) {
                    log.debug("closing cursor", ex);
                }
                hold.remove(e.getKey());
                scroll.remove(e.getKey());
                it.remove();
            }
        }
    }
}
