package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What drivers rely on beyond plain statements, against PostgreSQL 15 as the oracle: recursive CTEs
 * (also correlated with the outer query, and nested in another WITH, as asyncpg's type introspection
 * writes them), pg_prepared_statements, FETCH and MOVE on a portal the driver bound itself, and a
 * parameter assigned to or cast to a domain.
 */
class DriverSessionOracleIT {

    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        oracle = Oracle.start("driversession");
    }

    @AfterAll
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void recursiveCtesAsOnPostgres() throws Exception {
        List<String> statements = List.of(
                "drop table if exists cte_tree", "create table cte_tree(id int primary key, parent int)",
                "insert into cte_tree values (1, null), (2, 1), (3, 2), (4, null), (5, 4), (6, 5), (7, 6)",
                "with recursive fib(a, b) as (select 0, 1 union all select b, a + b from fib where b < 50) select a from fib",
                "with recursive up(id, depth) as (select 3, 0 union all select t.parent, up.depth + 1 from cte_tree t, up "
                        + "where t.id = up.id and t.parent is not null) select * from up order by depth",
                // correlated with the outer row: each row's root
                "select t.id, (with recursive up(id, parent, depth) as (select id, parent, 0 from cte_tree x where x.id = t.id "
                        + "union all select p.id, p.parent, up.depth + 1 from cte_tree p, up where p.id = up.parent) "
                        + "select id from up order by depth desc limit 1) as root from cte_tree t order by t.id",
                // a recursive CTE inside a recursive CTE's member, correlated with the member's row
                "with recursive r(n) as (select 1 union all select n + 1 from r where n < 4) select n, (with recursive s(m) as "
                        + "(select r.n union all select m * 2 from s where m < 10) select max(m) from s) as top from r order by n",
                "with recursive chain(id, root) as (select t.id, (case when t.parent is null then t.id else (with recursive up(id, p) as "
                        + "(select x.id, x.parent from cte_tree x where x.id = t.id union all select y.id, y.parent from cte_tree y, up "
                        + "where y.id = up.p) select id from up where p is null) end) from cte_tree t where t.id = 7 "
                        + "union all select t.id, t.id from cte_tree t, chain where t.id = chain.id - 1 and t.id > 4) "
                        + "select * from chain order by id",
                "select (with a(x) as (select 1) select x + 1 from a)",
                "drop table cte_tree");
        assertEquals(oracle.outcomes(statements, true), oracle.outcomes(statements, false));
    }

    @Test
    void preparedStatementsOfTheSessionAsOnPostgres() throws Exception {
        assertEquals(prepared(true), prepared(false));
    }

    private static List<String> prepared(boolean postgres) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = oracle.connectExtended(postgres)) {
            c.unwrap(org.postgresql.PGConnection.class).setPrepareThreshold(1);
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists pps");
                s.execute("create table pps(id int primary key, v text)");
            }
            try (PreparedStatement ins = c.prepareStatement("insert into pps values (?, ?)");
                 PreparedStatement sel = c.prepareStatement("select v from pps where id = ?")) {
                for (int i = 0; i < 3; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "v" + i);
                    ins.executeUpdate();
                    sel.setInt(1, i);
                    try (ResultSet rs = sel.executeQuery()) {
                        rs.next();
                    }
                }
                try (Statement s = c.createStatement()) {
                    out.add(Oracle.outcome(s, "select name like 'S\\_%' as named, statement, parameter_types::text as types, from_sql, "
                            + "prepare_time <= now() as past from pg_prepared_statements where statement like '%pps%' order by statement"));
                    out.add(Oracle.outcome(s, "select count(*) from pg_catalog.pg_prepared_statements p where p.from_sql"));
                    s.execute("drop table pps");
                }
            }
        }
        return out;
    }

    @Test
    void fetchAndMoveOnAPortalTheDriverBound() throws Exception {
        assertEquals(portal(true), portal(false));
    }

    private static List<String> portal(boolean postgres) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = oracle.connectExtended(postgres)) {
            c.setAutoCommit(false);
            // a fetch size in a transaction: pgjdbc binds a named portal (C_1 on a new connection) and reads it in batches
            try (PreparedStatement ps = c.prepareStatement("select g, 'v' || g as v from generate_series(1, 20) g")) {
                ps.setFetchSize(3);
                try (ResultSet rs = ps.executeQuery(); Statement s = c.createStatement()) {
                    for (int i = 0; i < 3 && rs.next(); i++) {
                        out.add("row " + rs.getInt(1));
                    }
                    out.add(Oracle.outcome(s, "MOVE FORWARD 5 IN \"C_1\""));
                    out.add(Oracle.outcome(s, "FETCH 2 FROM \"C_1\""));
                    while (rs.next()) {
                        out.add("row " + rs.getInt(1));
                    }
                    out.add(Oracle.outcome(s, "FETCH BACKWARD 1 FROM \"C_1\""));
                }
            }
            c.rollback();
            try (Statement s = c.createStatement()) {
                out.add(Oracle.outcome(s, "MOVE 1 IN \"C_1\""));
            }
            c.rollback();
        }
        return out;
    }

    @Test
    void domainParametersAsOnPostgres() throws Exception {
        assertEquals(domain(true), domain(false));
    }

    private static List<String> domain(boolean postgres) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = oracle.connectExtended(postgres); Statement s = c.createStatement()) {
            s.execute("drop table if exists dom_t");
            s.execute("drop domain if exists dom_pos");
            s.execute("create domain dom_pos as integer check (value > 0)");
            s.execute("create table dom_t(id int primary key, v dom_pos)");
            for (String sql : List.of("insert into dom_t values (?, ?)", "update dom_t set v = ? where id = ?")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setInt(1, 1);
                    ps.setInt(2, 1);
                    out.add(sql + " -> " + ps.executeUpdate());
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select ?::dom_pos + 1, count(*) from dom_t where v = ?")) {
                ps.setInt(1, 41);
                ps.setInt(2, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.add(rs.getInt(1) + " " + rs.getInt(2));
                }
            }
            out.add(Oracle.outcome(s, "insert into dom_t values (2, 0)"));
            s.execute("drop table dom_t");
            s.execute("drop domain dom_pos");
        }
        return out;
    }
}
