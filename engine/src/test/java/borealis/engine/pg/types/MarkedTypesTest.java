package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * H2 types that stand for PostgreSQL types it lacks (oid, name, text marked by precision or length)
 * keep their meaning through expressions, and values of user types (enums) go out and come in as
 * their text in both formats.
 */
class MarkedTypesTest {

    private static Connection h2() throws Exception {
        return DriverManager.getConnection("jdbc:h2:mem:marked" + System.nanoTime() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
    }

    @Test
    void oidNameAndTextMarkersSurviveAggregatesAndSubqueries() throws Exception {
        try (Connection c = h2(); Statement s = c.createStatement()) {
            s.execute("create table ty (id " + PgType.OID_COLUMN + ", nm " + PgType.NAME_COLUMN + ", tx " + PgType.TEXT_COLUMN
                    + ", plain VARCHAR, n NUMERIC(10, 0))");
            s.execute("insert into ty values (23, 'int4', 'integer', 'v', 1), (4000000000, 'big', 'x', 'w', 2)");
            try (ResultSet rs = s.executeQuery("select id, nm, tx, plain, n, array_agg(id), array_agg(nm), array_agg(tx),"
                    + " array(select id from ty), case when true then id end, coalesce(id, 0), max(id) from ty group by id, nm, tx, plain, n"
                    + " order by id")) {
                // an unbounded VARCHAR is how a text column is stored: text
                int[] expected = {PgType.OID.oid, PgType.NAME.oid, PgType.TEXT.oid, PgType.TEXT.oid, PgType.NUMERIC.oid,
                    PgType.OID.arrayOid, PgType.NAME.arrayOid, PgType.TEXT.arrayOid, PgType.OID.arrayOid, PgType.OID.oid, PgType.OID.oid,
                    PgType.OID.oid};
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], PgType.oidOf(rs.getMetaData(), i + 1), "column " + (i + 1));
                }
                rs.next();
                rs.next();
                // an oid above 2^31 is unsigned: its text is the number, its binary form the 4 bytes
                assertArrayEquals("4000000000".getBytes(StandardCharsets.US_ASCII), PgValues.encode(rs, 1, PgType.OID.oid, false));
                assertArrayEquals(ByteBuffer.allocate(4).putInt((int) 4_000_000_000L).array(), PgValues.encode(rs, 1, PgType.OID.oid, true));
            }
        }
    }

    @Test
    void userTypeValuesAreTheirTextInBothFormats() throws Exception {
        int enumOid = 16_390; // a user type's OID, as the catalog gives an enum
        try (Connection c = h2(); Statement s = c.createStatement()) {
            s.execute("create domain mood as enum('sad', 'ok', 'happy')");
            s.execute("create table t (id int, m mood)");
            try (PreparedStatement ps = c.prepareStatement("insert into t values (?, ?)")) {
                ps.setInt(1, 1);
                PgValues.bind(ps, 2, enumOid, true, "happy".getBytes(StandardCharsets.UTF_8));
                ps.executeUpdate();
                ps.setInt(1, 2);
                PgValues.bind(ps, 2, enumOid, false, "ok".getBytes(StandardCharsets.UTF_8));
                ps.executeUpdate();
            }
            try (ResultSet rs = s.executeQuery("select m from t order by id")) {
                rs.next();
                assertArrayEquals("happy".getBytes(StandardCharsets.UTF_8), PgValues.encode(rs, 1, enumOid, true));
                rs.next();
                assertArrayEquals("ok".getBytes(StandardCharsets.UTF_8), PgValues.encode(rs, 1, enumOid, false));
            }
        }
    }
}
