package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * PostgreSQL 15 as the oracle beside a Borealis node: the same statements run on a connection to
 * each, and what a client sees (columns and rows as text, the update count, or the SQLSTATE) is
 * compared.
 */
final class Oracle implements AutoCloseable {

    final LocalPostgres reference;
    final PgFixture db;

    private Oracle(LocalPostgres reference, PgFixture db) {
        this.reference = reference;
        this.db = db;
    }

    /** Starts both; skips the test class when no local PostgreSQL is available. */
    static Oracle start(String database) throws Exception {
        LocalPostgres reference = LocalPostgres.start();
        assumeTrue(reference != null, "no local PostgreSQL (../shared/tools/local-postgres)");
        try {
            return new Oracle(reference, PgFixture.start(database));
        } catch (Exception e) {
            reference.close();
            throw e;
        }
    }

    /** A new connection (simple query mode) to PostgreSQL 15 or to Borealis. */
    Connection connect(boolean postgres) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", postgres ? LocalPostgres.USER : PgFixture.USER);
        p.setProperty("password", postgres ? LocalPostgres.PASSWORD : PgFixture.PASSWORD);
        // Text results as the server formats them, and no client-side statement caching differences.
        p.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(postgres ? reference.url() : db.url(), p);
    }

    /** A new connection with pgjdbc's defaults (extended protocol, server-side prepared statements). */
    Connection connectExtended(boolean postgres) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", postgres ? LocalPostgres.USER : PgFixture.USER);
        p.setProperty("password", postgres ? LocalPostgres.PASSWORD : PgFixture.PASSWORD);
        return DriverManager.getConnection(postgres ? reference.url() : db.url(), p);
    }

    /** What one statement did: its columns and rows, its update count, or its error's SQLSTATE. */
    static String outcome(Statement s, String sql) {
        return outcome(s, sql, false);
    }

    /** As {@link #outcome(Statement, String)}, with an error's message and detail too when {@code withMessage}. */
    static String outcome(Statement s, String sql, boolean withMessage) {
        try {
            boolean rows = s.execute(sql);
            if (!rows) {
                return "count " + s.getUpdateCount();
            }
            StringBuilder sb = new StringBuilder();
            try (ResultSet rs = s.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    sb.append(i > 1 ? " | " : "").append(md.getColumnLabel(i));
                }
                while (rs.next()) {
                    sb.append("\n");
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        sb.append(i > 1 ? " | " : "").append(rs.getString(i));
                    }
                }
            }
            return sb.toString();
        } catch (SQLException e) {
            return "error " + e.getSQLState() + (withMessage ? " " + e.getMessage() : "");
        }
    }

    /** Outcomes of statements run in order on a new connection, one line each. */
    List<String> outcomes(List<String> statements, boolean postgres) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(postgres);
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                out.add(sql + " -> " + outcome(s, sql).replace("\n", " / "));
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        try {
            db.close();
        } finally {
            reference.close();
        }
    }
}
