package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EXPLAIN as developers and tools type it, against PostgreSQL 15 as the oracle: the option list
 * ({@code (ANALYZE, BUFFERS, COSTS OFF)}) and the old forms are taken, errors in options have
 * PostgreSQL's SQLSTATEs, the plan comes as a "QUERY PLAN" column with a row per line, and EXPLAIN
 * ANALYZE of a write really runs it, so a read-only transaction refuses it (it did not: the
 * statement was classified as a read). The plans themselves are the engine's and are not compared.
 */
class ExplainOracleIT {

    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        oracle = Oracle.start("explainoracle");
    }

    @AfterAll
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    private static final List<String> PLANS = List.of(
            "explain select * from ex where a = 1",
            "explain (costs off) select * from ex where a = 1",
            "EXPLAIN (ANALYZE, BUFFERS, TIMING, SUMMARY ON, COSTS OFF, FORMAT TEXT) select count(*) from ex",
            "explain (analyze false, verbose true, settings) select b from ex order by b",
            "explain analyze verbose select * from ex where b = 'v2'",
            "explain verbose select 1");

    private static final List<String> REFUSED = List.of(
            "explain (timing) select 1", "explain (wal) select 1", "explain (foo) select 1",
            "explain (analyze 'maybe') select 1", "explain (format bogus) select 1");

    @Test
    void optionsAreTakenAndCheckedAsPostgresChecksThem() throws Exception {
        String postgres = run(true);
        assertEquals(postgres, run(false));
        assertTrue(postgres.contains("error 22023") && postgres.contains("error 42601"), postgres);
    }

    private static String run(boolean postgres) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = oracle.connect(postgres); Statement s = c.createStatement()) {
            s.execute("drop table if exists ex");
            s.execute("create table ex(a int primary key, b text)");
            s.execute("insert into ex select g, 'v' || g from generate_series(1, 50) g");
            for (String sql : PLANS) {
                try (ResultSet rs = s.executeQuery(sql)) {
                    List<String> lines = new ArrayList<>();
                    while (rs.next()) {
                        lines.add(rs.getString(1));
                    }
                    boolean oneLinePerRow = lines.stream().noneMatch(l -> l.contains("\n"));
                    out.append(sql).append(" -> ").append(rs.getMetaData().getColumnLabel(1)).append(", ")
                            .append(lines.isEmpty() ? "no rows" : "rows").append(oneLinePerRow ? ", a line per row" : ", lines in a row")
                            .append('\n');
                }
            }
            for (String sql : REFUSED) {
                out.append(sql).append(" -> ").append(Oracle.outcome(s, sql)).append('\n');
            }
            // EXPLAIN ANALYZE runs the statement: the update is made, and a read-only transaction refuses it.
            out.append(Oracle.outcome(s, "explain (analyze, costs off) update ex set b = 'changed' where a = 3").startsWith("QUERY PLAN"))
                    .append('\n');
            out.append(Oracle.outcome(s, "select b from ex where a = 3")).append('\n');
            c.setAutoCommit(false);
            s.execute("set transaction read only");
            out.append(Oracle.outcome(s, "explain analyze update ex set b = 'read-only' where a = 4")).append('\n');
            c.rollback();
            s.execute("set transaction read only");
            out.append(Oracle.outcome(s, "explain update ex set b = 'read-only' where a = 4").startsWith("QUERY PLAN")).append('\n');
            c.rollback();
            c.setAutoCommit(true);
            out.append(Oracle.outcome(s, "select b from ex where a = 4")).append('\n');
            s.execute("drop table ex");
        }
        return out.toString();
    }

    /** FORMAT JSON (pgAdmin's graphical plan) is refused with a clear 0A000 rather than answered in text. */
    @Test
    void otherFormatsAreRefusedClearly() throws Exception {
        try (Connection c = oracle.connect(false); Statement s = c.createStatement()) {
            assertEquals("error 0A000", Oracle.outcome(s, "explain (format json) select 1"));
        }
        try (Connection c = oracle.connect(true); Statement s = c.createStatement()) {
            assertTrue(Oracle.outcome(s, "explain (format json) select 1").startsWith("QUERY PLAN"));
        }
    }
}
