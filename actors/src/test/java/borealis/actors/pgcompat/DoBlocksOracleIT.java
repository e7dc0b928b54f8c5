package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anonymous code blocks (DO) against PostgreSQL 15 as the oracle: the PL/pgSQL subset Borealis runs
 * (SQL statements, NULL, nested blocks, EXCEPTION handlers by condition name, class, OTHERS or
 * SQLSTATE) must end as PostgreSQL's does, statement by statement: what ran, what a handler rolled
 * back, which errors pass through, and which are found before anything runs.
 */
class DoBlocksOracleIT {

    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        oracle = Oracle.start("doblocks");
    }

    @AfterAll
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void doBlocksEndAsOnPostgres() throws Exception {
        List<String> statements = List.of(
                "drop table if exists do_t", "drop type if exists do_mood", "create table do_t(id int primary key)",
                // the success path, in both quotings
                "DO $$ BEGIN INSERT INTO do_t VALUES (1); INSERT INTO do_t VALUES (2); END $$",
                "DO 'BEGIN INSERT INTO do_t VALUES (3); NULL; END'",
                // Sequelize's enum block: the second one's duplicate_object is caught
                "DO 'BEGIN CREATE TYPE do_mood AS ENUM(''sad'', ''ok''); EXCEPTION WHEN duplicate_object THEN null; END'",
                "DO 'BEGIN CREATE TYPE do_mood AS ENUM(''sad'', ''ok''); EXCEPTION WHEN duplicate_object THEN null; END'",
                "DO $$ BEGIN CREATE TYPE do_mood AS ENUM ('sad'); END $$",
                // a caught error rolls the block back before its handler runs
                "DO $$ BEGIN INSERT INTO do_t VALUES (10); INSERT INTO do_t VALUES (1); EXCEPTION WHEN unique_violation THEN INSERT INTO do_t VALUES (99); END $$",
                "select id from do_t order by id",
                // an error no handler catches fails the DO, and nothing of it stays
                "DO $$ BEGIN INSERT INTO do_t VALUES (11); INSERT INTO do_t VALUES (11); END $$",
                "DO $$ BEGIN INSERT INTO do_t VALUES (12); INSERT INTO do_t VALUES (1/0); EXCEPTION WHEN unique_violation THEN NULL; END $$",
                "select id from do_t order by id",
                // classes, OR, OTHERS, SQLSTATE, nested blocks, an error in a handler
                "DO $$ BEGIN INSERT INTO do_t VALUES (1/0); EXCEPTION WHEN data_exception THEN INSERT INTO do_t VALUES (20); END $$",
                "DO $$ BEGIN INSERT INTO do_t VALUES (1); EXCEPTION WHEN no_data OR integrity_constraint_violation THEN INSERT INTO do_t VALUES (21); END $$",
                "DO $$ BEGIN INSERT INTO do_t VALUES (1); EXCEPTION WHEN division_by_zero OR integrity_constraint_violation THEN INSERT INTO do_t VALUES (21); END $$",
                "DO $$ BEGIN INSERT INTO do_t VALUES (null); EXCEPTION WHEN others THEN INSERT INTO do_t VALUES (22); END $$",
                "DO $$ BEGIN INSERT INTO no_such_table VALUES (1); EXCEPTION WHEN SQLSTATE '42P01' THEN INSERT INTO do_t VALUES (23); END $$",
                "DO $$ BEGIN INSERT INTO do_t VALUES (30); BEGIN INSERT INTO do_t VALUES (1); EXCEPTION WHEN unique_violation THEN"
                        + " INSERT INTO do_t VALUES (31); END; INSERT INTO do_t VALUES (32); END $$",
                "DO $$ BEGIN INSERT INTO do_t VALUES (40); BEGIN INSERT INTO do_t VALUES (1); EXCEPTION WHEN unique_violation THEN"
                        + " INSERT INTO do_t VALUES (2); END; EXCEPTION WHEN unique_violation THEN INSERT INTO do_t VALUES (41); END $$",
                "DO $$ BEGIN INSERT INTO do_t VALUES (1); EXCEPTION WHEN unique_violation THEN INSERT INTO do_t VALUES (2); END $$",
                "select id from do_t order by id",
                // errors found before anything runs
                "DO $$ BEGIN INSERT INTO do_t VALUES (50); EXCEPTION WHEN no_such_condition THEN NULL; END $$",
                "DO $$ BEGIN INSERT INTO do_t VALUES (51) $$",
                "DO $$ BEGIN INSERT INTO do_t VALUES (52); END; extra $$",
                "DO $$ BEGIN NULL; EXCEPTION WHEN SQLSTATE 'nope' THEN NULL; END $$",
                "DO LANGUAGE sql $$ select 1 $$",
                "DO $$ BEGIN SELECT 1; END $$",
                "select id from do_t order by id",
                // in a transaction block: a DO's work rolls back with it; a failed DO fails the block
                "begin", "DO $$ BEGIN INSERT INTO do_t VALUES (60); END $$", "rollback",
                "begin", "DO $$ BEGIN INSERT INTO do_t VALUES (1); END $$", "select 1", "rollback",
                "begin", "DO $$ BEGIN INSERT INTO do_t VALUES (1); EXCEPTION WHEN unique_violation THEN NULL; END $$",
                "select count(*) from do_t", "commit",
                "select id from do_t order by id",
                "drop table do_t", "drop type do_mood");
        assertEquals(String.join("\n", oracle.outcomes(statements, true)), String.join("\n", oracle.outcomes(statements, false)));
    }

    /**
     * PL/pgSQL beyond the subset (which PostgreSQL runs) is refused with 0A000 before any of the
     * block runs: never accepted and skipped.
     */
    @Test
    void constructsOutsideTheSubsetAreRefused() throws Exception {
        try (Connection c = oracle.connect(false); Statement s = c.createStatement()) {
            s.execute("create table do_u(id int)");
            for (String body : List.of("IF true THEN INSERT INTO do_u VALUES (2); END IF;", "RAISE NOTICE 'x';", "PERFORM 1;",
                    "EXECUTE 'INSERT INTO do_u VALUES (2)';", "FOR i IN 1..2 LOOP NULL; END LOOP;", "x := 1;",
                    "SELECT 1 INTO x;", "RETURN;", "COMMIT;")) {
                String sql = "DO $$ BEGIN INSERT INTO do_u VALUES (1); " + body + " END $$";
                assertEquals("error 0A000", Oracle.outcome(s, sql), sql);
            }
            assertEquals("error 0A000", Oracle.outcome(s, "DO $$ DECLARE n int; BEGIN INSERT INTO do_u VALUES (1); END $$"));
            assertEquals("count\n0", Oracle.outcome(s, "select count(*) from do_u"));
            s.execute("drop table do_u");
        }
    }
}
