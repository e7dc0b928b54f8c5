package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * COPY against PostgreSQL 15 as the oracle: the binary format byte for byte (what asyncpg's
 * copy_records_to_table, psycopg's binary copy and pgjdbc's CopyManager exchange), and the legacy
 * option syntax psycopg2's copy_from writes.
 */
class CopyOracleIT {

    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        oracle = Oracle.start("copyoracle");
    }

    @AfterAll
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    private static final String TABLE = "create table cb(id int primary key, name text, price numeric(10,2), ok boolean, day date, "
            + "at timestamp, raw bytea, u uuid, doc jsonb, tags int4[], big bigint, f float8)";
    private static final String ROWS = "insert into cb values "
            + "(1, 'one', 12.50, true, '2024-01-10', '2024-01-10 12:34:56.789', '\\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "
            + "'{\"b\": 1, \"a\": [true, null]}', '{1,2,3}', 9007199254740993, 1.5), "
            + "(2, null, null, null, null, null, null, null, null, null, null, null), "
            + "(3, 'tab\there ''quoted''', -0.01, false, '1999-12-31', '2000-01-01 00:00:00', '\\x', "
            + "'00000000-0000-0000-0000-000000000000', '[]', '{}'::int4[], -1, -2.25)";

    /** COPY TO STDOUT (FORMAT binary) sends the same bytes as PostgreSQL; those bytes load back through COPY FROM. */
    @Test
    void binaryCopyMatchesPostgresByteForByte() throws Exception {
        byte[] fromPostgres = null;
        for (boolean postgres : new boolean[] {true, false}) {
            try (Connection c = oracle.connect(postgres); Statement s = c.createStatement()) {
                s.execute("drop table if exists cb");
                s.execute("drop table if exists cb2");
                s.execute(TABLE);
                s.execute(TABLE.replace("table cb(", "table cb2("));
                s.execute(ROWS);
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long n = copy.copyOut("COPY (select * from cb order by id) TO STDOUT (FORMAT binary)", out);
                assertEquals(3, n);
                if (postgres) {
                    fromPostgres = out.toByteArray();
                } else {
                    // field by field first: a difference names its row and column
                    assertEquals(fields(fromPostgres), fields(out.toByteArray()), "binary COPY TO differs from PostgreSQL's");
                    assertArrayEquals(fromPostgres, out.toByteArray());
                }
                // PostgreSQL's bytes, loaded on both, in pieces of 7 bytes (rows split across CopyData messages)
                assertEquals(3, copy.copyIn("COPY cb2 FROM STDIN WITH (FORMAT binary)", new ByteArrayInputStream(fromPostgres), 7));
            }
        }
        assertEquals(rows(true, "cb2"), rows(false, "cb2"));
        assertEquals(rows(true, "cb"), rows(false, "cb2"));
    }

    /** A broken binary stream is refused with 22P04 and loads nothing; the session goes on. */
    @Test
    void brokenBinaryStreamsAreRefused() throws Exception {
        for (boolean postgres : new boolean[] {true, false}) {
            List<String> seen = new ArrayList<>();
            try (Connection c = oracle.connect(postgres); Statement s = c.createStatement()) {
                s.execute("drop table if exists cbad");
                s.execute("create table cbad(id int, name text)");
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                byte[] header = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
                byte[][] streams = {
                        "not a copy stream at all".getBytes(StandardCharsets.UTF_8),
                        concat(header, new byte[] {0, 1, 0, 0, 0, 4, 0, 0, 0, 7, (byte) 0xff, (byte) 0xff}), // 1 field, 2 columns
                        concat(header, new byte[] {0, 2, 0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0, 9, 'x'}), // length past the end
                };
                for (byte[] stream : streams) {
                    try {
                        copy.copyIn("COPY cbad FROM STDIN (FORMAT binary)", new ByteArrayInputStream(stream));
                        seen.add("loaded");
                    } catch (SQLException e) {
                        seen.add(e.getSQLState());
                    }
                }
                seen.add(Oracle.outcome(s, "select count(*) from cbad").replace("\n", "/"));
            }
            assertEquals(List.of("22P04", "22P04", "22P04", "count/0"), seen, postgres ? "postgres" : "borealis");
        }
    }

    /** psycopg2's copy_from writes the pre-9.0 option syntax: DELIMITER AS '...' NULL AS '...'. */
    @Test
    void legacyCopyOptions() throws Exception {
        List<String> texts = new ArrayList<>();
        for (boolean postgres : new boolean[] {true, false}) {
            try (Connection c = oracle.connect(postgres); Statement s = c.createStatement()) {
                s.execute("drop table if exists cleg");
                s.execute("create table cleg(id int, name text)");
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                copy.copyIn("COPY cleg (id, name) FROM stdin WITH DELIMITER AS '|' NULL AS 'nil'",
                        new ByteArrayInputStream("1|one\n2|nil\n".getBytes(StandardCharsets.UTF_8)));
                texts.add(Oracle.outcome(s, "select id, name, name is null from cleg order by id"));
            }
        }
        assertEquals(texts.get(0), texts.get(1));
    }

    /**
     * Rows go in many to an INSERT, and the rest one by one: every row of a COPY arrives, in text and
     * in binary, with its column's conversion; a bad value anywhere loads nothing.
     */
    @Test
    void everyRowOfALargeCopyArrivesAndABadOneLoadsNone() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 1234; i++) {
            text.append(i).append('\t').append(i % 7 == 0 ? "\\N" : "name " + i).append('\t').append(i / 100.0)
                    .append('\t').append(i % 2 == 0 ? "t" : "f").append('\t').append(i % 3 == 0 ? "infinity" : "2024-01-" + (1 + i % 28))
                    .append('\n');
        }
        String bad = text.toString().replace("\n778\tname 778\t7.78", "\n778\tname 778\tnot-a-number");
        List<String> seen = new ArrayList<>();
        for (boolean postgres : new boolean[] {true, false}) {
            try (Connection c = oracle.connect(postgres); Statement s = c.createStatement()) {
                s.execute("drop table if exists cbig");
                s.execute("drop table if exists cbig2");
                s.execute("drop table if exists cbig3");
                for (String t : List.of("cbig", "cbig2", "cbig3")) {
                    s.execute("create table " + t + "(id int primary key, name varchar(20), price numeric(8,3), ok boolean, day date)");
                }
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                seen.add("text " + copy.copyIn("COPY cbig FROM STDIN", new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)), 1000));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                copy.copyOut("COPY cbig TO STDOUT (FORMAT binary)", out);
                seen.add("binary " + copy.copyIn("COPY cbig2 FROM STDIN (FORMAT binary)", new ByteArrayInputStream(out.toByteArray()), 333));
                SQLException e = assertThrows(SQLException.class,
                        () -> copy.copyIn("COPY cbig3 FROM STDIN", new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))));
                seen.add(e.getSQLState());
                seen.add(Oracle.outcome(s, "select count(*), count(name), sum(price), count(*) filter (where ok),"
                        + " count(*) filter (where day > date '2100-01-01'), min(day), max(day) from cbig"));
                seen.add(Oracle.outcome(s, "select count(*) from cbig2 natural join cbig"));
                seen.add(Oracle.outcome(s, "select count(*) from cbig3"));
            }
        }
        assertEquals(seen.subList(0, seen.size() / 2), seen.subList(seen.size() / 2, seen.size()));
    }

    private static String rows(boolean postgres, String table) throws SQLException {
        try (Connection c = oracle.connect(postgres); Statement s = c.createStatement()) {
            return Oracle.outcome(s, "select * from " + table + " order by id");
        }
    }

    /** A binary COPY stream's fields in hex, "row.column=hex" (null: "null"), after its 19-byte header. */
    private static List<String> fields(byte[] stream) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(stream);
        b.position(19);
        List<String> out = new ArrayList<>();
        for (int row = 1; b.remaining() >= 2; row++) {
            short n = b.getShort();
            if (n < 0) {
                break;
            }
            for (int col = 1; col <= n; col++) {
                int len = b.getInt();
                byte[] v = new byte[Math.max(len, 0)];
                b.get(v);
                out.add(row + "." + col + "=" + (len < 0 ? "null" : java.util.HexFormat.of().formatHex(v)));
            }
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
