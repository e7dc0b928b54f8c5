package borealis.engine.pg.plpgsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoStatementTest {

    /** An engine that records what runs and fails the statements it is told to, with their SQLSTATE. */
    private static final class Recorder implements BlockRunner.Engine {
        final List<String> log = new ArrayList<>();
        final java.util.Map<String, String> failures = new java.util.HashMap<>();

        @Override
        public void execute(String sql) {
            log.add(sql);
            String state = failures.get(sql);
            if (state != null) {
                throw new PgException(PgError.error(state, "failed: " + sql));
            }
        }

        @Override
        public BlockRunner.Mark mark() {
            int at = log.size();
            log.add("mark " + at);
            return new BlockRunner.Mark() {
                @Override
                public void rollback() {
                    log.add("rollback " + at);
                }

                @Override
                public void release() {
                    log.add("release " + at);
                }
            };
        }

        @Override
        public String sqlStateOf(Throwable error) {
            return ((PgException) error).error.sqlState();
        }

        @Override
        public void caught(Throwable error) {
            log.add("caught " + sqlStateOf(error));
        }
    }

    private static String state(Runnable r) {
        return assertThrows(PgException.class, r::run).error.sqlState();
    }

    @Test
    void sequelizesEnumBlockInEitherQuoting() throws SQLException {
        for (String sql : List.of(
                "DO 'BEGIN CREATE TYPE \"public\".\"e\" AS ENUM(''a'', ''b''); EXCEPTION WHEN duplicate_object THEN null; END'",
                "do $$ begin CREATE TYPE \"public\".\"e\" AS ENUM('a', 'b'); exception when duplicate_object then null; end $$ language plpgsql",
                "DO LANGUAGE 'plpgsql' $body$BEGIN CREATE TYPE \"public\".\"e\" AS ENUM('a', 'b'); EXCEPTION WHEN duplicate_object THEN NULL; END;$body$")) {
            Recorder r = new Recorder();
            r.failures.put("CREATE TYPE \"public\".\"e\" AS ENUM('a', 'b')", "42710");
            BlockRunner.run(DoStatement.parse(sql), r);
            assertEquals(List.of("mark 0", "CREATE TYPE \"public\".\"e\" AS ENUM('a', 'b')", "caught 42710", "rollback 0"), r.log, sql);
        }
    }

    @Test
    void handlersMatchCodesClassesAndOthers() throws SQLException {
        Recorder r = new Recorder();
        r.failures.put("insert into t values (1)", "23505");
        BlockRunner.run(DoStatement.parse("DO $$BEGIN insert into t values (1); EXCEPTION WHEN division_by_zero THEN NULL; "
                + "WHEN integrity_constraint_violation OR query_canceled THEN insert into t values (2); END$$"), r);
        assertEquals(List.of("mark 0", "insert into t values (1)", "caught 23505", "rollback 0", "insert into t values (2)"), r.log);

        Recorder s = new Recorder();
        s.failures.put("select pg_sleep(10)", "57014");
        assertEquals("57014", state(() -> run("DO $$BEGIN select pg_sleep(10); EXCEPTION WHEN others THEN NULL; END$$", s)));

        Recorder u = new Recorder();
        u.failures.put("update t set a = 1", "22012");
        assertEquals("22012", state(() -> run("DO $$BEGIN update t set a = 1; EXCEPTION WHEN unique_violation THEN NULL; END$$", u)));
        assertEquals(List.of("mark 0", "update t set a = 1"), u.log);
    }

    @Test
    void nestedBlocksAndHandlerErrors() throws SQLException {
        Recorder r = new Recorder();
        r.failures.put("b", "42P07");
        r.failures.put("c", "23502");
        BlockRunner.run(DoStatement.parse("DO $$BEGIN a; BEGIN b; EXCEPTION WHEN SQLSTATE '42P07' THEN c; END; d; "
                + "EXCEPTION WHEN not_null_violation THEN e; END$$"), r);
        assertEquals(List.of("mark 0", "a", "mark 2", "b", "caught 42P07", "rollback 2", "c", "caught 23502", "rollback 0", "e"), r.log);
    }

    @Test
    void statementsEndAtSemicolonsOutsideParenthesesAndStrings() throws SQLException {
        Recorder r = new Recorder();
        BlockRunner.run(DoStatement.parse("DO $$ BEGIN insert into t values (';', $q$;$q$) ; -- x;\n"
                + " /* ; */ create table u (a int, b text); NULL; END $$"), r);
        assertEquals(List.of("insert into t values (';', $q$;$q$)", "create table u (a int, b text)"), r.log);
    }

    @Test
    void unsupportedConstructsAreRefusedBeforeAnythingRuns() {
        for (String body : List.of("IF true THEN NULL; END IF;", "RAISE NOTICE 'x';", "PERFORM 1;", "EXECUTE 'select 1';",
                "x := 1;", "LOOP EXIT; END LOOP;", "select 1 into x;", "insert into t values (1) returning a into x;",
                "COMMIT;", "FOR i IN 1..2 LOOP NULL; END LOOP;", "RETURN;")) {
            Recorder r = new Recorder();
            assertEquals("0A000", state(() -> run("DO $$BEGIN create table a(); " + body + " END$$", r)), body);
            assertEquals(List.of(), r.log, body);
        }
        assertEquals("0A000", state(() -> DoStatement.parse("DO $$DECLARE n int; BEGIN NULL; END$$")));
        assertEquals("0A000", state(() -> DoStatement.parse("DO $$<<outer>> BEGIN NULL; END$$")));
    }

    @Test
    void errorsPostgresGivesAtCompileTime() {
        assertEquals("42704", state(() -> DoStatement.parse("DO $$BEGIN NULL; EXCEPTION WHEN no_such_condition THEN NULL; END$$")));
        PgException e = assertThrows(PgException.class,
                () -> DoStatement.parse("DO $$BEGIN NULL; EXCEPTION WHEN Bogus THEN NULL; END$$"));
        assertEquals("unrecognized exception condition \"bogus\"", e.error.message());
        assertEquals("42601", state(() -> DoStatement.parse("DO $$BEGIN NULL$$")));
        assertEquals("42601", state(() -> DoStatement.parse("DO $$BEGIN NULL; END; x$$")));
        assertEquals("42601", state(() -> DoStatement.parse("DO $$BEGIN NULL; EXCEPTION WHEN SQLSTATE 'abc' THEN NULL; END$$")));
        assertEquals("42601", state(() -> DoStatement.parse("DO")));
        assertEquals("42704", state(() -> DoStatement.parse("DO LANGUAGE plperl $$ 1; $$")));
        assertEquals("0A000", state(() -> DoStatement.parse("DO LANGUAGE sql $$ select 1 $$")));
        assertTrue(DoStatement.parse("DO $$ DECLARE BEGIN NULL; END $$").handlers().isEmpty());
    }

    private static void run(String sql, Recorder r) {
        try {
            BlockRunner.run(DoStatement.parse(sql), r);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
