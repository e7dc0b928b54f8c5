package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Values whose form PostgreSQL keeps and H2 would not, through pgjdbc's parameters and its text and
 * binary results, against PostgreSQL 15 as the oracle: a numeric's scale (unconstrained, numeric(p,s),
 * numeric[]), json's text, and the infinities and BC years of date and timestamp.
 */
class ValueFormsOracleIT {

    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        oracle = Oracle.start("valueforms");
    }

    @AfterAll
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void storedAndReadBackAsPostgresKeepsThem() throws Exception {
        assertEquals(transcript(true), transcript(false));
    }

    private static String transcript(boolean postgres) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = oracle.connectExtended(postgres)) {
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists vf");
                s.execute("create table vf (id int primary key, n numeric, n2 numeric(10,2), na numeric[], j json,"
                        + " d date, ts timestamp, tz timestamptz)");
                s.execute("set timezone to 'UTC'");
            }
            try (PreparedStatement ps = c.prepareStatement("insert into vf values (?, ?, ?, ?, ?::json, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setBigDecimal(2, new BigDecimal("-123.4500"));
                ps.setBigDecimal(3, new BigDecimal("1.5"));
                ps.setArray(4, c.createArrayOf("numeric", new BigDecimal[] {new BigDecimal("1.50"), null, new BigDecimal("-2")}));
                ps.setString(5, "{\"a\": [1, 2],  \"b\": null}");
                ps.setObject(6, LocalDate.MAX); // pgjdbc sends 'infinity'
                ps.setObject(7, LocalDateTime.MIN); // '-infinity'
                ps.setObject(8, java.time.OffsetDateTime.MAX); // 'infinity'
                ps.executeUpdate();
                ps.setInt(1, 2);
                ps.setBigDecimal(2, new BigDecimal("2"));
                ps.setBigDecimal(3, new BigDecimal("3"));
                ps.setArray(4, c.createArrayOf("numeric", new BigDecimal[] {new BigDecimal("0.10")}));
                ps.setString(5, "[]");
                ps.setObject(6, LocalDate.of(-43, 3, 15));
                ps.setObject(7, LocalDateTime.of(2024, 1, 10, 13, 45, 30));
                ps.setObject(8, java.time.OffsetDateTime.MIN);
                ps.executeUpdate();
            }
            // six runs: past pgjdbc's prepareThreshold (5) the results come in binary
            for (int round = 0; round < 6; round++) {
                try (PreparedStatement ps = c.prepareStatement("select id, n, n2, na, j, d, ts, tz, n * 2, n2 + 1, n / 4,"
                        + " isfinite(d), d > current_date from vf order by d")) {
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.append(round).append(':');
                            for (int i = 1; i <= 13; i++) {
                                out.append(' ').append(rs.getString(i));
                            }
                            out.append(" | ").append(rs.getBigDecimal(2)).append(' ').append(rs.getBigDecimal(3))
                                    .append(' ').append(rs.getObject(6, LocalDate.class)).append('\n');
                        }
                    }
                }
            }
        }
        return out.toString();
    }
}
