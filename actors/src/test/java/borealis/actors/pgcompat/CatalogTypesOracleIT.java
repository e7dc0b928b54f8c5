package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The types RowDescription and ParameterDescription give catalog columns (oid, name, text and arrays
 * of them, through array_agg, ARRAY(subquery) and casts) and enum columns, against PostgreSQL 15 as
 * the oracle. Drivers decode oid, oid[], name and text[] natively but introspect other types with a
 * catalog query of their own (asyncpg), and turn an enum column into the application's enum (psycopg).
 */
class CatalogTypesOracleIT {

    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        oracle = Oracle.start("catalogtypes");
    }

    @AfterAll
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void catalogAndEnumColumnsAreDescribedAsPostgresDescribesThem() throws Exception {
        assertEquals(described(true), described(false));
    }

    private static String described(boolean postgres) throws SQLException {
        List<String> queries = List.of(
                "select t.oid, t.typname, n.nspname, t.typelem, t.typarray, t.typbasetype from pg_type t"
                        + " join pg_namespace n on n.oid = t.typnamespace where t.typname = 'int4'",
                // asyncpg's introspection: attrtypoids and attrnames, which it must decode without introspecting them
                "select (select array_agg(a.atttypid order by a.attnum) from pg_attribute a where a.attrelid = c.oid and a.attnum > 0)"
                        + " as typoids, (select array_agg(a.attname::text order by a.attnum) from pg_attribute a"
                        + " where a.attrelid = c.oid and a.attnum > 0) as names from pg_class c where c.relname = 'ct_plain'",
                "select a.attname, a.atttypid::regtype::text as type, a.attrelid = c.oid as same from pg_attribute a"
                        + " join pg_class c on c.oid = a.attrelid where c.relname = 'ct_plain' and a.attnum > 0 order by a.attnum",
                "select 'int4'::regtype::oid as o, 23::oid as p, 'x'::name as n, 'y'::text as t,"
                        + " array(select typname from pg_type where oid in (23, 25) order by oid) as names,"
                        + " array(select oid from pg_type where oid in (23, 25) order by oid) as oids,"
                        + " array(select typname::text from pg_type where oid in (23, 25) order by oid) as texts,"
                        + " cast((select typname from pg_type where oid = 23) as text) as cast_text",
                "select case when true then t.oid end as c, coalesce(t.typelem, 0) as z, max(t.oid) over () as m from pg_type t"
                        + " where t.oid = 23",
                "select m, m::text as label, 'ok'::ct_mood as cast_label from ct_enum order by id");
        StringBuilder out = new StringBuilder();
        try (Connection c = oracle.connectExtended(postgres); Statement s = c.createStatement()) {
            s.execute("drop table if exists ct_plain");
            s.execute("drop table if exists ct_enum");
            s.execute("drop type if exists ct_mood");
            s.execute("create type ct_mood as enum ('sad', 'ok', 'happy')");
            s.execute("create table ct_plain (id int, label text)");
            s.execute("create table ct_enum (id int, m ct_mood)");
            s.execute("insert into ct_enum values (1, 'happy'), (2, 'sad')");
            for (String q : queries) {
                out.append(q).append(" ->");
                try (ResultSet rs = s.executeQuery(q)) {
                    ResultSetMetaData md = rs.getMetaData();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        out.append(' ').append(md.getColumnLabel(i)).append(':').append(md.getColumnTypeName(i));
                    }
                    while (rs.next()) {
                        out.append(" /");
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            out.append(' ').append(rs.getString(i));
                        }
                    }
                }
                out.append('\n');
            }
            for (String q : List.of("select count(*) from ct_enum where m = ?", "select typname from pg_type where oid = ?",
                    "select count(*) from pg_type where oid = any(?::oid[])", "insert into ct_enum (id, m) values (3, ?)")) {
                try (PreparedStatement ps = c.prepareStatement(q)) {
                    ParameterMetaData pm = ps.getParameterMetaData();
                    out.append(q).append(" -> parameter ").append(pm.getParameterTypeName(1)).append('\n');
                }
            }
            s.execute("drop table ct_enum");
            s.execute("drop table ct_plain");
            s.execute("drop type ct_mood");
        }
        return out.toString();
    }
}
