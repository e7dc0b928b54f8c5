package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import borealis.engine.pg.sql.SqlLexer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The differential test: a corpus of statements (resources/pgcompat/differential.sql) runs in
 * order against the local PostgreSQL 15 and against Borealis, and a psql script runs against both.
 * For each statement the outcomes are compared: column names and rows as text, the update count,
 * or the SQLSTATE of the error. The pass rate is printed and written to
 * target/differential-report.txt with every difference; it must not fall below
 * {@link #REQUIRED_PASS_RATE} (docs/compatibility.md reports the measured figure).
 */
class DifferentialIT {

    /** The measured rate is higher; this floor catches regressions. */
    static final double REQUIRED_PASS_RATE = 0.85;

    private static LocalPostgres reference;
    private static PgFixture db;

    @BeforeAll
    static void start() throws Exception {
        reference = LocalPostgres.start();
        assumeTrue(reference != null, "no local PostgreSQL (../shared/tools/local-postgres)");
        db = PgFixture.start("diff");
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    /** What one statement did: its columns and rows, its update count, or its error's SQLSTATE. */
    static String outcome(Statement s, String sql) {
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
            return "error " + e.getSQLState();
        }
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        // Text results as the server formats them, and no client-side statement caching differences.
        p.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(url, p);
    }

    @Test
    void corpusMatchesPostgres() throws Exception {
        String corpus;
        try (var in = DifferentialIT.class.getResourceAsStream("/pgcompat/differential.sql")) {
            corpus = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> statements = SqlLexer.split(corpus);
        assertTrue(statements.size() >= 300, "the corpus has " + statements.size() + " statements");
        int passed = 0;
        List<String> differences = new ArrayList<>();
        try (Connection pg = connect(reference.url(), LocalPostgres.USER, LocalPostgres.PASSWORD);
             Connection bo = connect(db.url(), PgFixture.USER, PgFixture.PASSWORD);
             Statement ps = pg.createStatement();
             Statement bs = bo.createStatement()) {
            for (String sql : statements) {
                String expected = outcome(ps, sql);
                String actual = outcome(bs, sql);
                if (expected.equals(actual)) {
                    passed++;
                } else {
                    differences.add(sql + "\n  postgres: " + expected.replace("\n", "\n            ")
                            + "\n  borealis: " + actual.replace("\n", "\n            "));
                }
            }
        }
        int scriptsPassed = psqlScriptMatches() ? 1 : 0;
        int total = statements.size() + 1;
        double rate = (double) (passed + scriptsPassed) / total;
        String summary = String.format("differential pass rate: %d/%d statements and %d/1 psql scripts = %.1f%%",
                passed, statements.size(), scriptsPassed, rate * 100);
        System.out.println(summary);
        Path report = Path.of("target", "differential-report.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, summary + "\n\n" + String.join("\n\n", differences) + "\n");
        assertTrue(rate >= REQUIRED_PASS_RATE, summary + "; differences in " + report.toAbsolutePath());
    }

    /** A psql script (DDL, DML, a transaction, COPY in and out, \d) gives the same output on both. */
    private boolean psqlScriptMatches() throws Exception {
        if (!Processes.available("psql")) {
            return false;
        }
        String script = """
                \\set ON_ERROR_STOP 0
                create table script_t(id int primary key, name text not null, score numeric(5,1));
                insert into script_t values (1, 'one', 1.5), (2, 'two', null);
                begin;
                update script_t set score = score + 1 where id = 1;
                commit;
                copy script_t from stdin;
                3\tthree\t3.0
                4\tfour\t\\N
                \\.
                copy (select * from script_t order by id) to stdout with (format csv, header);
                select id, name, score from script_t order by id;
                select count(*), sum(score) from script_t;
                insert into script_t values (1, 'dup', 0);
                \\d script_t
                drop table script_t;
                """;
        String pgOut = Processes.run(List.of("psql", "-X", "-h", "127.0.0.1", "-p", String.valueOf(reference.port), "-U",
                LocalPostgres.USER, "-d", "postgres"), Map.of("PGPASSWORD", LocalPostgres.PASSWORD), script, 60).output();
        String boOut = Processes.run(List.of("psql", "-X", db.conninfo()), Map.of("PGPASSWORD", PgFixture.PASSWORD), script, 60).output();
        if (!pgOut.equals(boOut)) {
            writeDiff(pgOut, boOut);
            return false;
        }
        return true;
    }

    private static void writeDiff(String pg, String bo) throws IOException {
        Path p = Path.of("target", "differential-psql.txt");
        Files.createDirectories(p.getParent());
        Files.writeString(p, "=== postgres\n" + pg + "\n=== borealis\n" + bo);
    }
}
