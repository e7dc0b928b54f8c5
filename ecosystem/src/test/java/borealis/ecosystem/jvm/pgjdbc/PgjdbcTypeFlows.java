package borealis.ecosystem.jvm.pgjdbc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import static borealis.ecosystem.jvm.pgjdbc.PgjdbcFlows.check;
import static borealis.ecosystem.jvm.pgjdbc.PgjdbcFlows.eq;
import static borealis.ecosystem.jvm.pgjdbc.PgjdbcFlows.finish;

/**
 * pgjdbc's type flows (dates and times, every binary type, arrays) in both directions, each case
 * compared with what PostgreSQL 15 gives; the other flows and their helpers are {@link PgjdbcFlows}'.
 */
final class PgjdbcTypeFlows {

    private PgjdbcTypeFlows() {}

    static void dates(Connection c, String url, Properties props) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("create table d (id int primary key, day date, at timestamp, atz timestamptz, t time)");
        }
        List<String> failures = new ArrayList<>();
        int[] id = {0};
        Object[][] cases = {
            {"setDate", Date.valueOf("2024-01-10")},
            {"setObject(LocalDate)", LocalDate.of(2024, 1, 10)},
        };
        for (Object[] cs : cases) {
            check(failures, (String) cs[0], () -> {
                try (PreparedStatement ps = c.prepareStatement("insert into d (id, day) values (?, ?)")) {
                    ps.setInt(1, ++id[0]);
                    if (cs[1] instanceof Date d) {
                        ps.setDate(2, d);
                    } else {
                        ps.setObject(2, cs[1]);
                    }
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("select day from d where id = ? and day = ?")) {
                    ps.setInt(1, id[0]);
                    ps.setObject(2, LocalDate.of(2024, 1, 10));
                    try (ResultSet rs = ps.executeQuery()) {
                        eq(true, rs.next(), "found by date");
                        eq(LocalDate.of(2024, 1, 10), rs.getObject(1, LocalDate.class), "read back");
                    }
                }
            });
        }
        check(failures, "setDate in WHERE", () -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from d where day >= ?")) {
                ps.setDate(1, Date.valueOf("2024-01-01"));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    eq(true, rs.getInt(1) >= 0, "count");
                }
            }
        });
        check(failures, "setTimestamp", () -> {
            try (PreparedStatement ps = c.prepareStatement("insert into d (id, at, atz) values (?, ?, ?)")) {
                ps.setInt(1, 100);
                ps.setTimestamp(2, Timestamp.valueOf("2024-01-10 13:45:30.123456"));
                ps.setTimestamp(3, Timestamp.valueOf("2024-01-10 13:45:30.5"));
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select at, atz from d where id = 100")) {
                rs.next();
                eq(LocalDateTime.of(2024, 1, 10, 13, 45, 30, 123456000), rs.getObject(1, LocalDateTime.class), "timestamp");
                eq(Timestamp.valueOf("2024-01-10 13:45:30.5"), rs.getTimestamp(2), "timestamptz via getTimestamp");
            }
        });
        check(failures, "java.time objects", () -> {
            OffsetDateTime odt = OffsetDateTime.of(2024, 7, 1, 8, 0, 0, 0, ZoneOffset.ofHours(2));
            try (PreparedStatement ps = c.prepareStatement("insert into d (id, at, atz, t) values (?, ?, ?, ?)")) {
                ps.setInt(1, 200);
                ps.setObject(2, LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999999000));
                ps.setObject(3, odt);
                ps.setObject(4, LocalTime.of(13, 45, 30, 123456000));
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select at, atz, t from d where id = 200")) {
                rs.next();
                eq(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999999000), rs.getObject(1, LocalDateTime.class), "LocalDateTime");
                eq(odt.toInstant(), rs.getObject(2, OffsetDateTime.class).toInstant(), "OffsetDateTime");
                eq(LocalTime.of(13, 45, 30, 123456000), rs.getObject(3, LocalTime.class), "LocalTime");
            }
        });
        check(failures, "infinity and BC", () -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "select 'infinity'::timestamp, '-infinity'::date, '0044-03-15 BC'::date, '2024-01-10 +00'::date")) {
                rs.next();
                eq("infinity", rs.getString(1), "infinity");
                eq("-infinity", rs.getString(2), "-infinity");
                eq("0044-03-15 BC", rs.getString(3), "BC date");
                eq("2024-01-10", rs.getString(4), "a date with a zone suffix");
            }
        });
        finish(failures, 6, "date/time cases");
    }

    /** Each type: setObject and read back with getString (text form) and getObject, in text and binary transfer. */
    static void types(Connection c, String url, Properties props) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("create type mood as enum ('sad', 'ok', 'happy')");
            s.execute("create domain posint as integer check (value > 0)");
        }
        Object[][] cases = {
            {"int2", "smallint", (short) -32768, "-32768"},
            {"int4", "integer", 2147483647, "2147483647"},
            {"int8", "bigint", Long.MIN_VALUE, "-9223372036854775808"},
            {"numeric_typmod", "numeric(12,4)", new BigDecimal("-123.4500"), "-123.4500"},
            {"numeric", "numeric", new BigDecimal("-123.4500"), "-123.4500"},
            {"float4", "real", 1.5f, "1.5"},
            {"float8", "double precision", 3.141592653589793, "3.141592653589793"},
            {"text", "text", "quote ' dq \" bs \\ é", "quote ' dq \" bs \\ é"},
            {"varchar", "varchar(20)", "abc", "abc"},
            {"bpchar", "char(5)", "ab", "ab   "},
            {"bool", "boolean", true, "t"},
            {"bytea", "bytea", new byte[] {0, 1, (byte) 0xfe, (byte) 0xff}, "\\x0001feff"},
            {"date", "date", LocalDate.of(2024, 1, 10), "2024-01-10"},
            {"time", "time", LocalTime.of(13, 45, 30, 123456000), "13:45:30.123456"},
            {"timetz", "timetz", java.time.OffsetTime.of(13, 45, 30, 500000000, ZoneOffset.ofHours(2)), "13:45:30.5+02"},
            {"timestamp", "timestamp", LocalDateTime.of(2024, 1, 10, 13, 45, 30, 123456000), "2024-01-10 13:45:30.123456"},
            {"timestamptz", "timestamptz", OffsetDateTime.of(2024, 7, 1, 6, 0, 0, 0, ZoneOffset.UTC), "2024-07-01 06:00:00+00"},
            {"interval", "interval", new org.postgresql.util.PGInterval("3 days 04:00:05.5"), "3 days 04:00:05.5"},
            {"uuid", "uuid", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
            {"json", "json", "{\"a\": [1, 2]}", "{\"a\": [1, 2]}"},
            {"jsonb", "jsonb", "{\"b\": true, \"a\": [1, 2]}", "{\"a\": [1, 2], \"b\": true}"},
            {"enum", "mood", "happy", "happy"},
            {"domain", "posint", 7, "7"},
        };
        try (Statement s = c.createStatement()) {
            s.execute("set timezone to 'UTC'");
        }
        List<String> failures = new ArrayList<>();
        for (Object[] cs : cases) {
            String name = (String) cs[0];
            String type = (String) cs[1];
            check(failures, name, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("create table t_" + name + " (id int, v " + type + ")");
                }
                // json, jsonb and enum values are strings: stringtype=unspecified is what applications set for them
                boolean stringy = cs[2] instanceof String && !type.startsWith("text") && !type.startsWith("varchar") && !type.startsWith("char");
                try (PreparedStatement ps = c.prepareStatement("insert into t_" + name + " values (?, ?" + (stringy ? "::" + type : "") + ")")) {
                    ps.setInt(1, 1);
                    ps.setObject(2, cs[2]);
                    ps.executeUpdate();
                }
                for (int round = 0; round < 6; round++) { // past prepareThreshold (5): pgjdbc then asks for binary results
                    try (PreparedStatement ps = c.prepareStatement("select v from t_" + name + " where id = ?")) {
                        ps.setInt(1, 1);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            // in binary transfer pgjdbc renders bytea and timetz its own way: their text form is checked in round 0
                            if (round == 0 || !(name.equals("bytea") || name.equals("timetz"))) {
                                eq(cs[3], rs.getString(1), "getString (round " + round + ")");
                            }
                            if (cs[2] instanceof byte[] b) {
                                eq(java.util.HexFormat.of().formatHex(b), java.util.HexFormat.of().formatHex(rs.getBytes(1)), "getBytes");
                            }
                        }
                    }
                }
            });
        }
        finish(failures, cases.length, "types");
    }

    static void arrays(Connection c, String url, Properties props) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("create table a (id int primary key, names text[], nums int[], amounts numeric[], days date[])");
        }
        List<String> failures = new ArrayList<>();
        check(failures, "setArray text[] and int[] with NULL elements", () -> {
            try (PreparedStatement ps = c.prepareStatement("insert into a (id, names, nums) values (?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setArray(2, c.createArrayOf("text", new String[] {"a,b", null, "c\"d", "{x}", ""}));
                ps.setArray(3, c.createArrayOf("int4", new Integer[] {1, null, 3}));
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select names, nums, names::text from a where id = 1")) {
                rs.next();
                eq(java.util.Arrays.asList("a,b", null, "c\"d", "{x}", ""), java.util.Arrays.asList((Object[]) rs.getArray(1).getArray()), "text[]");
                eq(java.util.Arrays.asList(1, null, 3), java.util.Arrays.asList((Object[]) rs.getArray(2).getArray()), "int[]");
                eq("{\"a,b\",NULL,\"c\\\"d\",\"{x}\",\"\"}", rs.getString(3), "text[] text form");
            }
        });
        check(failures, "= ANY(?) with an int[] parameter", () -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from a where id = any(?)")) {
                ps.setArray(1, c.createArrayOf("int4", new Integer[] {1, 2}));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    eq(1, rs.getInt(1), "count");
                }
            }
        });
        check(failures, "setObject(Java array)", () -> {
            try (PreparedStatement ps = c.prepareStatement("insert into a (id, amounts, days) values (?, ?, ?)")) {
                ps.setInt(1, 2);
                ps.setObject(2, new BigDecimal[] {new BigDecimal("1.50"), null});
                ps.setArray(3, c.createArrayOf("date", new Object[] {Date.valueOf("2024-01-10")}));
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select amounts::text, days::text from a where id = 2")) {
                rs.next();
                eq("{1.50,NULL}", rs.getString(1), "numeric[]");
                eq("{2024-01-10}", rs.getString(2), "date[]");
            }
        });
        finish(failures, 3, "array cases");
    }
}
