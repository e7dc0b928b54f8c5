package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.plpgsql.BlockRunner;
import borealis.engine.pg.plpgsql.DoStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DO: runs an anonymous PL/pgSQL block ({@link borealis.engine.pg.plpgsql}) in the session. Each
 * SQL statement of the block takes the path a client's statement takes (translation, the guard,
 * the read-only and quota checks, the statement observer, catalog freshness) but sends nothing to
 * the client; the DO answers one CommandComplete.
 */
final class InlineBlocks implements BlockRunner.Engine {

    private static final Logger log = LoggerFactory.getLogger(InlineBlocks.class);

    /** H2's "Savepoint is invalid": the transaction the savepoint belonged to has ended. */
    private static final int SAVEPOINT_INVALID = 90063;

    private final Connection conn;
    private final NamedStatements named;
    private final PortalRunner portals;
    private final Consumer<Command> checkMayWrite;
    private final Function<Throwable, PgError> errorOf;
    private final SessionNotifications notes;

    InlineBlocks(Connection conn, NamedStatements named, PortalRunner portals, Consumer<Command> checkMayWrite,
                 Function<Throwable, PgError> errorOf, SessionNotifications notes) {
        this.conn = conn;
        this.notes = notes;
        this.named = named;
        this.portals = portals;
        this.checkMayWrite = checkMayWrite;
        this.errorOf = errorOf;
    }

    /** Runs a DO statement; the caller has begun a transaction (a DO is atomic, and its handlers need savepoints). */
    void run(String sql) throws SQLException {
        BlockRunner.run(DoStatement.parse(sql), this);
    }

    @Override
    public void execute(String sql) throws SQLException {
        try (PreparedQuery q = named.prepare(sql, new int[0])) {
            Command c = q.command();
            switch (c.kind()) {
                case ENGINE -> runEngine(q);
                case NOOP, EMPTY -> { }
                case LISTEN, UNLISTEN, NOTIFY -> notes.run(c, q.sql);
                case SHOW -> throw noDestination();
                default -> throw new PgException(PgError.error("0A000", c.tag() + " inside a DO block is not supported by Borealis"));
            }
        }
    }

    private void runEngine(PreparedQuery q) throws SQLException {
        if (q.parameterCount > 0) {
            throw new PgException(PgError.error("42P02", "there is no parameter $1"));
        }
        checkMayWrite.accept(q.command());
        if (q.isEmptyResult()) {
            throw noDestination();
        }
        try (Portal p = new Portal(q, new short[0])) {
            p.statement = q.borrow(conn);
            portals.start(p);
            if (p.rows != null) {
                // PL/pgSQL has nowhere to put rows without INTO (which needs variables), so PostgreSQL refuses them.
                throw noDestination();
            }
        }
    }

    private static PgException noDestination() {
        return new PgException(new PgError("ERROR", "42601", "query has no destination for result data", null,
                "If you want to discard the results of a SELECT, use PERFORM instead."));
    }

    @Override
    public BlockRunner.Mark mark() throws SQLException {
        Savepoint sp = conn.setSavepoint();
        return new BlockRunner.Mark() {
            @Override
            public void rollback() throws SQLException {
                try {
                    conn.rollback(sp);
                } catch (SQLException e) {
                    if (e.getErrorCode() != SAVEPOINT_INVALID) {
                        throw e;
                    }
                    // DDL in H2 commits the transaction it runs in (Borealis' DDL does not roll back,
                    // docs/compatibility.md), and the savepoint with it: what ran before it stays.
                    log.debug("a DO block's savepoint ended with its transaction", e);
                }
            }

            @Override
            public void release() throws SQLException {
                try {
                    conn.releaseSavepoint(sp);
                } catch (SQLException e) {
                    if (e.getErrorCode() != SAVEPOINT_INVALID) {
                        throw e;
                    }
                }
            }
        };
    }

    @Override
    public String sqlStateOf(Throwable error) {
        return error instanceof PgException pe ? pe.error.sqlState() : PgError.of(error).sqlState();
    }

    @Override
    public void caught(Throwable error) {
        // A refused statement is audited even when a handler ignores its error.
        errorOf.apply(error);
    }
}
