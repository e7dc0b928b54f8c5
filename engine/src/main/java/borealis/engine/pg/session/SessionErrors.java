package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.RefusedStatement;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.wire.BackendWriter;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a session turns what went wrong into PostgreSQL's ErrorResponse: the SQLSTATE and message
 * ({@link PgError#of}, a statement cancelled because the server's memory ran short shown as
 * 53200), and the position in the query string the client sent.
 */
final class SessionErrors {

    private static final Logger log = LoggerFactory.getLogger(SessionErrors.class);

    private final SessionGuard guard;
    /** Bytes a statement had allocated when it was cancelled for memory (0: it was not). */
    private final AtomicLong cancelledForMemory = new AtomicLong();

    /** The statement an error belongs to, for its position. */
    String sql;
    /** Characters before {@link #sql} in the query string it came in (a simple query of several statements). */
    int offset;

    SessionErrors(SessionGuard guard) {
        this.guard = guard;
    }

    /** The running statement is cancelled because the server's memory ran short. */
    void cancelledForMemory(long allocatedBytes) {
        cancelledForMemory.set(Math.max(1, allocatedBytes));
    }

    /** The statement the next errors belong to. */
    void statement(String sql, int offset) {
        this.sql = sql;
        this.offset = offset;
    }

    PgError of(Throwable e) {
        if (e instanceof RefusedStatement r) {
            guard.refused(r.sql, r.error);
        }
        if (e instanceof PgException pe) {
            return pe.error;
        }
        if (!(e instanceof SQLException) && !PgError.isStackOverflow(e)) {
            log.warn("unexpected error in session", e);
        }
        PgError error = PgError.of(e);
        long allocated = cancelledForMemory.getAndSet(0);
        if (allocated > 0 && error.sqlState().equals("57014")) {
            return new PgError("ERROR", "53200", "out of memory", "The statement had allocated " + (allocated >> 20)
                    + " MB when the server's memory ran short; memory is shared by every database on the server.", null);
        }
        return error;
    }

    void write(PgError e, BackendWriter out) {
        SyntaxErrorPosition.Located syntax = SyntaxErrorPosition.locate(e, sql);
        if (syntax != null) {
            if (!syntax.message().equals(e.message())) {
                log.debug("syntax error in the engine's form of the statement: {}", e.message());
            }
            out.errorResponse(e.severity(), e.sqlState(), syntax.message(), e.detail(), e.hint(), inQuery(syntax.position()), null, null,
                    null, null);
            return;
        }
        out.errorResponse(e.severity(), e.sqlState(), e.message(), e.detail(), e.hint(), inQuery(position(e, sql)), e.schema(),
                e.table(), e.column(), e.constraint());
    }

    /** A position in {@link #sql} as a position in the query string (0: none). */
    private int inQuery(int position) {
        return position > 0 ? position + offset : 0;
    }

    /**
     * Where in the statement PostgreSQL points for an unknown column or relation: the 1-based
     * character position of the first identifier of that name (0: none).
     */
    static int position(PgError e, String sql) {
        if (sql == null || !(e.sqlState().equals("42703") || e.sqlState().equals("42P01"))) {
            return 0;
        }
        int open = e.message().indexOf('"');
        int close = e.message().indexOf('"', open + 1);
        if (open < 0 || close < 0) {
            return 0;
        }
        String name = e.message().substring(open + 1, close);
        String last = name.substring(name.lastIndexOf('.') + 1);
        for (SqlLexer.Token t : SqlLexer.code(sql)) {
            String id = t.kind() == SqlLexer.Kind.QUOTED_IDENT ? t.text().substring(1, t.text().length() - 1)
                    : t.kind() == SqlLexer.Kind.WORD ? t.text().toLowerCase(java.util.Locale.ROOT) : null;
            if (id != null && (id.equals(name) || id.equals(last))) {
                return sql.codePointCount(0, t.start()) + 1;
            }
        }
        return 0;
    }
}
