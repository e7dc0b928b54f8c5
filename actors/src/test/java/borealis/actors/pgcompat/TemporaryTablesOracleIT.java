package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Temporary tables are the session's own, against PostgreSQL 15 as the oracle: two sessions make
 * one of the same name and each sees its rows only (they shared one table, H2's global temporary
 * table: the second CREATE failed, or each saw the other's rows); the table goes with its session,
 * with its transaction ({@code ON COMMIT DROP}) or its rows with each commit; {@code DISCARD TEMP}
 * and {@code DISCARD ALL} drop them, and DISCARD's other forms leave the session's settings alone.
 */
class TemporaryTablesOracleIT {

    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        oracle = Oracle.start("temporaryoracle");
    }

    @AfterAll
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void eachSessionHasItsOwnTemporaryTablesAndTheyGoWithIt() throws Exception {
        List<String> postgres = run(true);
        assertEquals(String.join("\n", postgres), String.join("\n", run(false)));
        assertTrue(postgres.contains("b: select x from scratch order by x -> x / 2 / 3"), String.join("\n", postgres));
    }

    private static List<String> run(boolean postgres) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection a = oracle.connect(postgres); Statement sa = a.createStatement();
             Connection b = oracle.connect(postgres); Statement sb = b.createStatement()) {
            step(out, "a", sa, "create temp table scratch(x int)");
            step(out, "a", sa, "insert into scratch values (1)");
            step(out, "b", sb, "create temp table scratch(x int primary key)");
            step(out, "b", sb, "insert into scratch values (2), (3)");
            step(out, "a", sa, "select x from scratch order by x");
            step(out, "b", sb, "select x from scratch order by x");
            step(out, "b", sb, "insert into scratch values (1)");
            step(out, "a", sa, "create temp table made as select 7 as n");
            step(out, "b", sb, "select n from made");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "create temp table once(x int) on commit drop");
            step(out, "a", sa, "insert into once values (1)");
            step(out, "a", sa, "select count(*) from once");
            step(out, "a", sa, "commit");
            step(out, "a", sa, "select count(*) from once");
            step(out, "a", sa, "create temp table emptied(x int) on commit delete rows");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "insert into emptied values (1)");
            step(out, "a", sa, "select count(*) from emptied");
            step(out, "a", sa, "commit");
            step(out, "a", sa, "select count(*) from emptied");
            step(out, "a", sa, "set application_name = 'kept'");
            step(out, "a", sa, "discard plans");
            step(out, "a", sa, "discard sequences");
            step(out, "a", sa, "show application_name");
            step(out, "a", sa, "discard temp");
            step(out, "a", sa, "select count(*) from scratch");
            step(out, "a", sa, "select count(*) from made");
            step(out, "b", sb, "begin");
            step(out, "b", sb, "discard all");
            step(out, "b", sb, "rollback");
            step(out, "b", sb, "select count(*) from scratch");
            step(out, "b", sb, "discard all");
            step(out, "b", sb, "select count(*) from scratch");
            step(out, "b", sb, "create temp table scratch(y text)");
            step(out, "b", sb, "insert into scratch values ('again')");
        }
        // CREATE TEMP TABLE is transactional: it does not commit the block, and a rollback (or a
        // rollback to a savepoint before it) drops the table.
        try (Connection d = oracle.connect(postgres); Statement sd = d.createStatement()) {
            step(out, "d", sd, "create table kept_or_not(x int)");
            step(out, "d", sd, "begin");
            step(out, "d", sd, "insert into kept_or_not values (1)");
            step(out, "d", sd, "create temp table gone(i int)");
            step(out, "d", sd, "insert into gone values (1)");
            step(out, "d", sd, "rollback");
            step(out, "d", sd, "select count(*) from kept_or_not");
            step(out, "d", sd, "select count(*) from gone");
            step(out, "d", sd, "create temp table gone(code char primary key)");
            step(out, "d", sd, "begin");
            step(out, "d", sd, "savepoint s1");
            step(out, "d", sd, "create temp table inner_one(x int)");
            step(out, "d", sd, "rollback to s1");
            step(out, "d", sd, "select * from inner_one");
            step(out, "d", sd, "create temp table inner_one(y int) on commit preserve rows");
            step(out, "d", sd, "insert into inner_one values (6)");
            step(out, "d", sd, "insert into kept_or_not values (2)");
            step(out, "d", sd, "commit");
            step(out, "d", sd, "select y from inner_one");
            step(out, "d", sd, "select count(*) from kept_or_not");
            step(out, "d", sd, "drop table kept_or_not");
        }
        // A session's temporary tables end with it.
        try (Connection c = oracle.connect(postgres); Statement sc = c.createStatement()) {
            step(out, "c", sc, "select count(*) from scratch");
            step(out, "c", sc, "create temp table scratch(z int)");
        }
        return out;
    }

    private static void step(List<String> out, String session, Statement s, String sql) {
        out.add(session + ": " + sql + " -> " + Oracle.outcome(s, sql).replace("\n", " / "));
    }
}
