package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data-modifying statements in WITH ({@code WITH moved AS (DELETE ... RETURNING *) INSERT INTO
 * ... SELECT * FROM moved}), against PostgreSQL 15 as the oracle, through pgjdbc's extended
 * protocol: bound parameters in the list and in the main statement, a statement prepared once and
 * run many times (pgjdbc switches to a named server-side statement after five), the whole
 * statement undone when its main statement fails, read-only transactions refusing it, and
 * parameter and result descriptions. The corpus of {@code DifferentialIT} has the plain forms.
 */
class ModifyingWithOracleIT {

    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        oracle = Oracle.start("mworacle");
    }

    @AfterAll
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void boundParametersReachEveryStatementOfTheList() throws Exception {
        String postgres = run(true);
        assertEquals(postgres, run(false));
        assertTrue(postgres.contains("a | 20"), postgres); // the oracle saw the flow work: it is a real check
    }

    private static String run(boolean postgres) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = oracle.connectExtended(postgres); Statement s = c.createStatement()) {
            s.execute("drop table if exists mw_jobs");
            s.execute("drop table if exists mw_done");
            s.execute("create table mw_jobs(id serial primary key, k text not null, v int not null, at date)");
            s.execute("create table mw_done(id int primary key, k text, v int, at date)");
            try (PreparedStatement ins = c.prepareStatement(
                    "with ins as (insert into mw_jobs(k, v, at) values (?, ?, ?) returning id, k, v, at) select k, v * ? as scaled, at from ins")) {
                for (int i = 0; i < 7; i++) { // the sixth and seventh run as a named server-side statement
                    ins.setString(1, i == 0 ? "a" : "k" + i);
                    ins.setInt(2, 10 + i);
                    ins.setDate(3, java.sql.Date.valueOf("2024-02-2" + (i + 1)));
                    ins.setInt(4, 2);
                    out.append(rows(ins.executeQuery())).append('\n');
                }
                java.sql.ParameterMetaData md = ins.getParameterMetaData();
                for (int i = 1; i <= md.getParameterCount(); i++) {
                    out.append("param ").append(i).append(' ').append(md.getParameterTypeName(i)).append('\n');
                }
            }
            // A parameter used only inside the list; the main statement an INSERT reading the moved rows.
            try (PreparedStatement move = c.prepareStatement(
                    "with moved as (delete from mw_jobs where v < ? returning id, k, v, at) insert into mw_done select * from moved")) {
                move.setInt(1, 13);
                out.append("moved ").append(move.executeUpdate()).append('\n');
            }
            out.append(rows(s.executeQuery("select id, k, v, at from mw_done order by id"))).append('\n');
            out.append(rows(s.executeQuery("select count(*) from mw_jobs"))).append('\n');
            // The main statement fails: the rows the list inserted are not kept (autocommit: one implicit transaction).
            out.append(outcome(c, "with i as (insert into mw_jobs(k, v) values ('bad', 1) returning k) select k::int from i")).append('\n');
            out.append(rows(s.executeQuery("select count(*) from mw_jobs where k = 'bad'"))).append('\n');
            // Inside a transaction block, rolled back with it.
            c.setAutoCommit(false);
            out.append(outcome(c, "with u as (update mw_jobs set v = v + 100 returning v) select count(*) from u")).append('\n');
            c.rollback();
            out.append(rows(s.executeQuery("select max(v) from mw_jobs"))).append('\n');
            c.commit();
            // A read-only transaction refuses the list's writes (what @Transactional(readOnly = true) sends).
            c.setReadOnly(true);
            out.append(outcome(c, "with d as (delete from mw_jobs returning id) select count(*) from d")).append('\n');
            c.rollback();
            c.setReadOnly(false);
            c.setAutoCommit(true);
            out.append(rows(s.executeQuery("select count(*) from mw_jobs"))).append('\n');
            s.execute("drop table mw_jobs");
            s.execute("drop table mw_done");
        }
        return out.toString();
    }

    private static String outcome(Connection c, String sql) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            return rows(ps.executeQuery());
        } catch (SQLException e) {
            return "error " + e.getSQLState();
        }
    }

    private static String rows(ResultSet rs) throws SQLException {
        try (rs) {
            StringBuilder sb = new StringBuilder();
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                sb.append(i > 1 ? " | " : "").append(md.getColumnLabel(i)).append(' ').append(md.getColumnTypeName(i));
            }
            while (rs.next()) {
                sb.append(" / ");
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    sb.append(i > 1 ? " | " : "").append(rs.getString(i));
                }
            }
            return sb.toString();
        }
    }
}
