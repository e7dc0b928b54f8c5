package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defence in depth: what the engine refuses to an <b>admin</b> connection, the context a tenant
 * would need to reach to escape. Nothing a tenant sends runs as admin (TenantRedTeamIT checks that
 * from the wire); if something ever did, none of these reach the host.
 */
class EngineSandboxTest {

    private static final String SECRET = "sandbox-test-secret";

    @TempDir
    static Path dir;
    static InProcessSegments segments;
    static Database db;
    static Connection admin;
    static HttpServer http;
    static final AtomicInteger httpHits = new AtomicInteger();

    @BeforeAll
    static void open() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        segments = new InProcessSegments(dir.resolve("segments"), layout);
        ReplicatedVolume volume = ReplicatedVolume.open("t/sandbox/1", layout, segments, 1, ReplicatedVolume.Settings.defaults());
        db = Database.open(volume, SECRET);
        Properties p = new Properties();
        p.setProperty("user", "borealis_admin");
        p.setProperty("password", SECRET);
        admin = new org.h2.Driver().connect("jdbc:h2:" + VolumeFileSystem.databasePath(volume.id()) + ";IFEXISTS=TRUE", p);
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS"
                + " WHERE USER_NAME = CURRENT_USER")) {
            assertTrue(rs.next() && rs.getBoolean(1), "the test speaks as an H2 admin");
        }
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            httpHits.incrementAndGet();
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("ok".getBytes());
            ex.close();
        });
        http.start();
    }

    @AfterAll
    static void close() throws Exception {
        http.stop(0);
        admin.close();
        db.close();
        segments.close();
    }

    private static SQLException refused(String sql) {
        return assertThrows(SQLException.class, () -> {
            try (Statement s = admin.createStatement()) {
                s.execute(sql);
            }
        }, sql);
    }

    @Test
    void javaCodeCannotBeLoadedOrCompiled() {
        List<String> attempts = List.of(
                "CREATE ALIAS get_prop FOR \"java.lang.System.getProperty\"",
                "CREATE ALIAS run_it FOR \"java.lang.Runtime.getRuntime\"",
                "CREATE ALIAS shout AS $$ String shout(String s) { return System.getProperty(s); } $$",
                "CREATE ALIAS shout2 AS $$ @CODE String shout(String s) throws Exception {"
                        + " return new String(Runtime.getRuntime().exec(s).getInputStream().readAllBytes()); } $$",
                "CREATE TABLE trig_t(a INT)",
                "CREATE TRIGGER trig BEFORE INSERT ON trig_t FOR EACH ROW CALL \"org.h2.tools.TriggerAdapter\"",
                "CREATE TRIGGER trig2 BEFORE INSERT ON trig_t FOR EACH ROW AS $$ org.h2.api.Trigger create() { return null; } $$",
                "CREATE AGGREGATE agg FOR \"org.h2.api.AggregateFunction\"",
                "CREATE TABLE engine_t(a INT) ENGINE \"org.h2.mvstore.db.MVTableEngine\"",
                "SET JAVA_OBJECT_SERIALIZER 'org.h2.util.JdbcUtils'");
        List<String> failed = new ArrayList<>();
        for (String sql : attempts) {
            try (Statement s = admin.createStatement()) {
                s.execute(sql);
                if (!sql.startsWith("CREATE TABLE trig_t")) {
                    failed.add(sql);
                }
            } catch (SQLException e) {
                // refused
            }
        }
        assertEquals(List.of(), failed, "these ran for an admin");
    }

    @Test
    void filesAndUrlsAreOutOfReach(@TempDir Path outside) throws Exception {
        // JUnit removes it afterwards: a directory of our own left one behind in /tmp per run.
        Path secret = Files.writeString(outside.resolve("secret.txt"), "host secret");
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/x";
        List<String> reads = List.of(
                "SELECT FILE_READ('" + secret + "')",
                "SELECT FILE_READ('" + secret + "', NULL)",
                "SELECT FILE_READ('file:" + secret + "')",
                "SELECT FILE_READ('nio:" + secret + "')",
                "SELECT FILE_READ('" + url + "')",
                "SELECT FILE_READ('classpath:/logback.xml')",
                "SELECT FILE_READ('zip:" + secret + "!/x')",
                "SELECT FILE_READ('" + VolumeFileSystem.databasePath("t/sandbox/1") + ".mv.db')",
                "SELECT * FROM CSVREAD('" + secret + "')",
                "SELECT * FROM CSVREAD('" + url + "')",
                "RUNSCRIPT FROM '" + secret + "'",
                "RUNSCRIPT FROM '" + url + "'",
                "CALL LINK_SCHEMA('linked', '', 'jdbc:h2:" + outside.resolve("other") + "', 'sa', 'sa', 'PUBLIC')",
                "CREATE LINKED TABLE lt('', 'jdbc:h2:" + outside.resolve("other2") + "', 'sa', 'sa', 'T')",
                "CREATE LINKED TABLE lt2('org.postgresql.Driver', 'jdbc:postgresql://127.0.0.1:1/x', 'a', 'b', 'T')");
        for (String sql : reads) {
            SQLException e = refused(sql);
            assertFalse(String.valueOf(e.getMessage()).contains("host secret"), sql);
        }
        List<Path> writes = List.of(outside.resolve("w1"), outside.resolve("w2"), outside.resolve("w3.sql"), outside.resolve("w4.zip"),
                outside.resolve("w5.csv"));
        refused("SELECT FILE_WRITE('pwned', '" + writes.get(0) + "')");
        refused("SELECT FILE_WRITE(X'00', 'file:" + writes.get(1) + "')");
        refused("SCRIPT TO '" + writes.get(2) + "'");
        refused("BACKUP TO '" + writes.get(3) + "'");
        refused("CALL CSVWRITE('" + writes.get(4) + "', 'SELECT 1')");
        for (Path w : writes) {
            assertFalse(Files.exists(w), "written: " + w);
        }
        assertEquals(0, httpHits.get(), "the engine reached the network");
        // Only the scratch directory is reachable as a plain path, and only through channels.
        refused("SELECT FILE_READ('" + Path.of(System.getProperty("java.io.tmpdir"), "borealis-scratch", "node", "x") + "')");
    }

    @Test
    void largeResultsStillSpillToScratch() throws Exception {
        // The confinement must not break H2's own temporary files: a result far over MAX_MEMORY_ROWS.
        try (Connection tenant = db.tenantConnection(); Statement s = tenant.createStatement()) {
            s.execute("CREATE TABLE spill(id BIGINT, pad VARCHAR) AS SELECT r.*, REPEAT('x', 100) FROM SYSTEM_RANGE(1, 30000) r");
            try (ResultSet rs = s.executeQuery("SELECT id, pad FROM spill ORDER BY pad, id DESC")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertEquals(30000, n);
            }
        }
    }

    @Test
    void theTenantsFileFunctionsAnswerPermissionDenied() throws Exception {
        try (Connection tenant = db.tenantConnection(); Statement s = tenant.createStatement()) {
            for (String sql : List.of("SELECT FILE_READ('/etc/hostname')", "SELECT FILE_WRITE('x', '/tmp/x')", "SELECT * FROM CSVREAD('/etc/passwd')")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                // 90040 (admin rights required) where H2's own check comes first: the client sees 42501 either way.
                assertTrue(List.of("42501", "90040").contains(e.getSQLState()), sql + ": " + e.getMessage());
            }
        }
    }
}
