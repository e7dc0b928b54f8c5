package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.sql.SqlTranslator;
import borealis.engine.pg.sql.Translation;
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

        List<String> columnsOf(String table);
    }

    private final Connection conn;
    private final Runner runner;
    private final Map<String, Portal> cursors = new HashMap<>();
    private final Set<String> hold = new HashSet<>();

    SqlCursors(Connection conn, Runner runner) {
        this.conn = conn;
        this.runner = runner;
    }

    void declare(PreparedQuery q, char txStatus, BackendWriter out) throws SQLException {
        List<SqlLexer.Token> t = SqlLexer.code(q.sql);
        String name = q.command().name();
        boolean withHold = false;
        int forAt = -1;
        for (int i = 2; i < t.size(); i++) {
            if (t.get(i).is("WITH") && i + 1 < t.size() && t.get(i + 1).is("HOLD")) {
                withHold = true;
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
        Translation tr = SqlTranslator.translate(query, runner::columnsOf);
        PreparedQuery select = new PreparedQuery(query, tr.engineSql(), Command.classify(query), tr.parameters(), new int[0], tr);
        Portal p = new Portal(select, new short[0]);
        p.statement = conn.prepareStatement(select.engineSql);
        p.ownsStatement = true;
        try {
            runner.start(p);
        } catch (SQLException | RuntimeException e) {
            p.close();
            throw e;
        }
        cursors.put(name, p);
        if (withHold) {
            hold.add(name);
        }
        out.commandComplete("DECLARE CURSOR");
    }

    void fetch(PreparedQuery q, BackendWriter out) throws SQLException {
        List<SqlLexer.Token> t = SqlLexer.code(q.sql);
        boolean move = t.get(0).is("MOVE");
        long count = 1;
        String name = null;
        for (int i = 1; i < t.size(); i++) {
            SqlLexer.Token k = t.get(i);
            if (k.kind() == SqlLexer.Kind.NUMBER) {
                count = Long.parseLong(k.text());
            } else if (k.is("ALL")) {
                count = Long.MAX_VALUE;
            } else if (k.is("NEXT") || k.is("FORWARD") || k.is("FROM") || k.is("IN")) {
                continue;
            } else if (k.is("PRIOR") || k.is("BACKWARD") || k.is("FIRST") || k.is("LAST") || k.is("ABSOLUTE") || k.is("RELATIVE")) {
                throw new PgException(PgError.error("55000", "cursor can only scan forward"));
            } else {
                name = k.kind() == SqlLexer.Kind.QUOTED_IDENT ? k.text().substring(1, k.text().length() - 1)
                        : k.text().toLowerCase(Locale.ROOT);
            }
        }
        Portal p = name == null ? null : cursors.get(name);
        if (p == null) {
            throw new PgException(PgError.error("34000", "cursor \"" + name + "\" does not exist"));
        }
        if (!move && p.columns != null) {
            out.rowDescription(p.columns);
        }
        long n = 0;
        while (n < count && p.rows != null) {
            if (move ? !p.rows.next() : !runner.nextRow(p, out)) {
                break;
            }
            n++;
        }
        out.commandComplete((move ? "MOVE " : "FETCH ") + n);
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
                it.remove();
            }
        }
    }
}
