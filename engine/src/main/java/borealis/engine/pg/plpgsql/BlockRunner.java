package borealis.engine.pg.plpgsql;

import java.sql.SQLException;
import java.util.List;

/**
 * Runs a parsed block. Its SQL statements go to an {@link Engine} (the session, which runs them as
 * any client statement); a block with an EXCEPTION section first sets a {@link Mark}, and when one
 * of its handlers catches an error, the block's work is rolled back to that mark before the
 * handler runs, as PostgreSQL rolls back the subtransaction of such a block. An error no handler
 * catches, and an error raised in a handler, leave the block as they came.
 */
public final class BlockRunner {

    /** What the block runs on. */
    public interface Engine {
        /** Runs one SQL statement of the block; a statement that returns rows is an error. */
        void execute(String sql) throws SQLException;

        /** A point to roll back to, set where a block with handlers begins. */
        Mark mark() throws SQLException;

        /** The SQLSTATE the client would get for {@code error}, which the handlers' conditions are matched against. */
        String sqlStateOf(Throwable error);

        /** A handler caught {@code error}: the engine records what it records of an error that reaches the client. */
        void caught(Throwable error);
    }

    /** A point in the transaction a block may roll back to. */
    public interface Mark {
        void rollback() throws SQLException;

        void release() throws SQLException;
    }

    private BlockRunner() {}

    public static void run(PlStatement.Block block, Engine engine) throws SQLException {
        if (block.handlers().isEmpty()) {
            runAll(block.body(), engine);
            return;
        }
        Mark mark = engine.mark();
        try {
            runAll(block.body(), engine);
        } catch (SQLException | RuntimeException error) {
            String state = engine.sqlStateOf(error);
            for (PlStatement.Handler h : block.handlers()) {
                if (h.catches(state)) {
                    engine.caught(error);
                    mark.rollback();
                    runAll(h.body(), engine);
                    return;
                }
            }
            throw error;
        }
        mark.release();
    }

    private static void runAll(List<PlStatement> statements, Engine engine) throws SQLException {
        for (PlStatement s : statements) {
            if (s instanceof PlStatement.Sql sql) {
                engine.execute(sql.text());
            } else if (s instanceof PlStatement.Block nested) {
                run(nested, engine);
            } // PlStatement.Null: nothing to do
        }
    }
}
