package borealis.actors.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import borealis.actors.testkit.PgWire;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile tenants: credentials of one tenant against another's cluster, whatever the startup
 * packet says; the engine escape list (files, classes, other databases, node settings); Java
 * deserialization; the per-session limits; throttling of failed logins; the audit log.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TenantIsolationIT {

    @TempDir
    static Path tmp;
    static InProcessNode node;
    static AdminClient api;
    static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = tmp.resolve("data");
        node = InProcessNode.start(data, Map.of(
                "borealis.limits.statement-timeout-ceiling", "2s",
                "borealis.limits.max-memory-rows", 1000,
                "borealis.proxy.max-message-bytes", "1 MiB",
                "borealis.auth.throttle.base-delay", "400ms",
                "borealis.auth.throttle.max-delay", "3s"));
        api = node.admin();
        for (String t : List.of("alpha", "beta")) {
            api.createTenant(t);
            api.createCluster(t, "db", "app", t + "-password");
        }
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            s.execute("create table alpha_secret(v varchar(40))");
            s.execute("insert into alpha_secret values ('alpha only')");
        }
        try (Connection c = beta(); Statement s = c.createStatement()) {
            s.execute("create table beta_marker(v varchar(40))");
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Connection alpha() throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl("alpha", "db"), "app", "alpha-password");
    }

    static Connection beta() throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl("beta", "db"), "app", "beta-password");
    }

    static String sqlState(String sql) {
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            s.execute(sql);
            return "OK";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    // ---- cross-tenant access ----

    @Test
    void oneTenantsCredentialsNeverOpenAnothersCluster() throws Exception {
        String base = "jdbc:postgresql://127.0.0.1:" + node.pgPort() + "/";
        List<String> databases = List.of("beta.db", "BETA.db", "beta.DB", "beta.db-ro", "beta.db ", " beta.db", "beta..db", "beta",
                "beta.db.alpha", "alpha.db.beta", "beta%2Edb", "beta.db;alpha.db", "");
        for (String db : databases) {
            Properties p = new Properties();
            p.setProperty("user", "app");
            p.setProperty("password", "alpha-password");
            p.setProperty("sslmode", "disable");
            p.setProperty("options", "-c search_path=beta -c session_authorization=app");
            SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(base + db, p).close(), db);
            assertTrue(List.of("28P01", "3D000", "57P03").contains(e.getSQLState()), db + ": " + e.getSQLState() + " " + e.getMessage());
        }
        for (String user : List.of("app@beta.db", "beta.db/app", "beta.app", "app ", "APP")) {
            Properties p = new Properties();
            p.setProperty("user", user);
            p.setProperty("password", "alpha-password");
            assertEquals("28P01", assertThrows(SQLException.class, () -> DriverManager.getConnection(node.jdbcUrl("beta", "db"), p).close())
                    .getSQLState(), user);
        }
        // Data stays in its own database: beta cannot name alpha's table, nor link alpha's database.
        try (Connection c = beta(); Statement s = c.createStatement()) {
            assertEquals("42P01", assertThrows(SQLException.class, () -> s.executeQuery("select * from alpha_secret")).getSQLState());
            // Not PostgreSQL: refused before the engine (which would refuse it for lack of admin rights too).
            assertEquals("42601", assertThrows(SQLException.class,
                    () -> s.execute("create linked table stolen('', 'jdbc:h2:borealis:/alpha~sdb/db', 'tenant', '', 'ALPHA_SECRET')"))
                    .getSQLState());
        }
    }

    @Test
    void rawStartupTricksCannotSwitchTenantOrUser() throws Exception {
        // The user inside the SCRAM message is ignored; the startup packet's user of the named database counts.
        try (PgWire w = new PgWire(node.pgPort(), 10_000)) {
            List<PgWire.Message> got = w.login(Map.of("user", "app", "database", "beta.db"), "app@alpha.db", "alpha-password");
            assertEquals("28P01", last(got).sqlState(), got.toString());
        }
        // A repeated database parameter: the last one counts, and authentication is against it.
        try (PgWire w = new PgWire(node.pgPort(), 10_000)) {
            byte[] packet = packet("user", "app", "database", "alpha.db", "database", "beta.db");
            w.send(packet);
            PgWire.Message first = w.read();
            assertEquals('R', first.type(), "a password exchange starts, nothing else");
            assertEquals(10, java.nio.ByteBuffer.wrap(first.body()).getInt(), "SCRAM-SHA-256");
        }
        // Startup options and a spoofed client address change nothing about who is connected where.
        try (PgWire w = new PgWire(node.pgPort(), 10_000)) {
            Map<String, String> startup = new LinkedHashMap<>();
            startup.put("user", "app");
            startup.put("database", "alpha.db");
            startup.put("options", "-c session_authorization=postgres -c search_path=beta");
            startup.put("borealis.client_addr", "10.66.66.66:6666");
            startup.put("session_authorization", "admin");
            List<PgWire.Message> got = w.login(startup, "", "alpha-password");
            assertEquals('Z', last(got).type(), got.toString());
            w.send(PgWire.query("select v from alpha_secret"));
            List<PgWire.Message> rows = w.readUntilReady();
            assertTrue(rows.stream().anyMatch(m -> m.type() == 'D' && m.text().contains("alpha only")), rows.toString());
        }
        assertFalse(Files.readString(auditFile()).contains("10.66.66.66"), "a client cannot set the audited source address");
        // Names no driver would send: none reaches beta's cluster with alpha's password.
        for (String db : List.of("beta/db", "alpha.db/../beta.db", "beta.db\u0000", "beta.db\talpha", "beta.db\u2024", "beta\u2024db",
                "beta.db%00", "beta.db\u0000alpha.db")) {
            try (PgWire w = new PgWire(node.pgPort(), 10_000)) {
                List<PgWire.Message> got = w.login(Map.of("user", "app", "database", db), "", "alpha-password");
                assertFalse(got.stream().anyMatch(m -> m.type() == 'Z'), db + ": " + got);
                assertTrue(List.of("28P01", "3D000", "08P01", "28000").contains(last(got).sqlState()), db + ": " + last(got).sqlState());
            }
        }
    }

    private static byte[] packet(String... kv) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String s : kv) {
            PgWire.cstring(body, s);
        }
        body.write(0);
        byte[] b = body.toByteArray();
        java.nio.ByteBuffer p = java.nio.ByteBuffer.allocate(8 + b.length).putInt(8 + b.length).putInt(196608).put(b);
        return p.array();
    }

    private static PgWire.Message last(List<PgWire.Message> got) {
        assertFalse(got.isEmpty(), "the server answered nothing");
        return got.get(got.size() - 1);
    }

    // ---- the escape list ----

    @Test
    void nothingATenantSendsReachesFilesClassesOtherDatabasesOrTheNode() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "TOP-SECRET");
        Path script = Files.writeString(tmp.resolve("evil.sql"), "CREATE TABLE pwned(i int);");
        Path written = tmp.resolve("pwned");
        String fs = written.toString().replace("'", "''");
        String javaSource = "String x() throws Exception { java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + fs
                + "-alias\"), \"x\"); return \"x\"; }";
        Map<String, String> escapes = new LinkedHashMap<>();
        escapes.put("CREATE ALIAS with Java source", "CREATE ALIAS pwn AS '" + javaSource.replace("'", "''") + "'");
        escapes.put("CREATE ALIAS for a Java method", "CREATE ALIAS gp FOR \"java.lang.System.getProperty\"");
        escapes.put("FILE_READ", "SELECT FILE_READ('" + secret + "')");
        escapes.put("FILE_WRITE", "SELECT FILE_WRITE('abc', '" + fs + "-file')");
        escapes.put("RUNSCRIPT FROM", "RUNSCRIPT FROM '" + script + "'");
        escapes.put("SCRIPT TO", "SCRIPT TO '" + fs + "-script.sql'");
        escapes.put("SCRIPT", "SCRIPT");
        escapes.put("CSVREAD", "SELECT * FROM CSVREAD('" + secret + "')");
        escapes.put("CSVWRITE", "CALL CSVWRITE('" + fs + "-csv.csv', 'SELECT 1')");
        escapes.put("LINK_SCHEMA", "CALL LINK_SCHEMA('stolen', '', 'jdbc:h2:borealis:/beta~sdb/db', 'tenant', '', 'PUBLIC')");
        escapes.put("CREATE LINKED TABLE", "CREATE LINKED TABLE lt('', 'jdbc:h2:mem:x', 'sa', '', 'T')");
        escapes.put("BACKUP TO", "BACKUP TO '" + fs + "-backup.zip'");
        escapes.put("SET CACHE_SIZE", "SET CACHE_SIZE 1");
        escapes.put("SET WRITE_DELAY", "SET WRITE_DELAY 1000");
        escapes.put("SET MAX_MEMORY_ROWS", "SET MAX_MEMORY_ROWS 100000000");
        escapes.put("SET MAX_OPERATION_MEMORY", "SET MAX_OPERATION_MEMORY 0");
        escapes.put("SET TRACE_LEVEL_FILE", "SET TRACE_LEVEL_FILE 3");
        escapes.put("SET EXCLUSIVE", "SET EXCLUSIVE 1");
        escapes.put("SET DB_CLOSE_DELAY", "SET DB_CLOSE_DELAY 0");
        escapes.put("SET DATABASE_EVENT_LISTENER", "SET DATABASE_EVENT_LISTENER 'java.lang.Object'");
        escapes.put("SET JAVA_OBJECT_SERIALIZER", "SET JAVA_OBJECT_SERIALIZER 'java.lang.Object'");
        escapes.put("SET REFERENTIAL_INTEGRITY", "SET REFERENTIAL_INTEGRITY FALSE");
        escapes.put("SET RETENTION_TIME", "SET RETENTION_TIME 100000");
        escapes.put("SET DEFAULT_LOCK_TIMEOUT", "SET DEFAULT_LOCK_TIMEOUT 100000000");
        escapes.put("SHUTDOWN", "SHUTDOWN");
        escapes.put("SHUTDOWN IMMEDIATELY", "SHUTDOWN IMMEDIATELY");
        escapes.put("CREATE TRIGGER", "CREATE TRIGGER tr BEFORE INSERT ON alpha_secret FOR EACH ROW CALL 'java.lang.Object'");
        escapes.put("CREATE AGGREGATE", "CREATE AGGREGATE ag FOR 'java.lang.Object'");
        escapes.put("CREATE USER", "CREATE USER intruder PASSWORD 'x'");
        escapes.put("ALTER USER ... ADMIN", "ALTER USER tenant ADMIN TRUE");
        escapes.put("CANCEL_SESSION", "SELECT CANCEL_SESSION(1)");
        escapes.put("SET MODE", "SET MODE MySQL");
        escapes.put("SET ALLOW_LITERALS", "SET ALLOW_LITERALS NONE");
        List<String> problems = new ArrayList<>();
        escapes.forEach((what, sql) -> {
            String state = sqlState(sql);
            // Refused by the engine's rights (42501), or before the engine as PostgreSQL would: H2's own commands are not
            // PostgreSQL's (42601), PostgreSQL objects Borealis cannot hold are not supported (0A000).
            boolean refused = List.of("42501", "42601", "0A000").contains(state);
            if (!refused) {
                problems.add(what + " -> " + state);
            }
        });
        // A Java method cannot even be named without CREATE ALIAS (refused above): H2 finds no such function.
        assertEquals("42883", sqlState("CALL \"java.lang.System.exit\"(0)").replace("90022", "42883"));
        assertEquals(List.of(), problems, "each must be refused (42501, 42601 or 0A000)");

        // ... and the host is untouched.
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("pwned")).toList());
        }
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            assertEquals("42P01", assertThrows(SQLException.class, () -> s.executeQuery("select * from pwned")).getSQLState());
            try (ResultSet rs = s.executeQuery("select v from alpha_secret")) {
                assertTrue(rs.next(), "the database was not shut down");
            }
        }
        try (Connection c = beta(); Statement s = c.createStatement()) {
            s.executeQuery("select count(*) from beta_marker").close();
        }
    }

    @Test
    void javaObjectValuesAreNeverDeserialized() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(new Canary());
        }
        String hex = HexFormat.of().formatHex(bytes.toByteArray());
        int before = Canary.READS.get();
        for (String sql : List.of("SELECT CAST(X'" + hex + "' AS JAVA_OBJECT)",
                "CREATE TABLE jo(o JAVA_OBJECT)", "INSERT INTO jo VALUES (CAST(X'" + hex + "' AS JAVA_OBJECT))", "SELECT o FROM jo")) {
            try (Connection c = alpha(); Statement s = c.createStatement()) {
                if (s.execute(sql)) {
                    try (ResultSet rs = s.getResultSet()) {
                        while (rs.next()) {
                            rs.getString(1);
                        }
                    }
                }
            } catch (SQLException e) {
                // refusing is fine; deserializing is not
            }
        }
        assertEquals(before, Canary.READS.get(), "a tenant's bytes were deserialized on the node");
    }

    // ---- per-session limits ----

    @Test
    void theStatementTimeoutCeilingCannotBeRaised() throws Exception {
        String slow = "SELECT sum(a.g * b.g) FROM generate_series(1, 100000) a(g), generate_series(1, 100000) b(g)";
        for (String setting : new String[] {null, "SET statement_timeout = 0", "SET statement_timeout = '1h'"}) {
            try (Connection c = alpha(); Statement s = c.createStatement()) {
                if (setting != null) {
                    s.execute(setting);
                }
                long t0 = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> s.executeQuery(slow), String.valueOf(setting));
                assertEquals("57014", e.getSQLState(), setting + ": " + e.getMessage());
                assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "cancelled at the 2 s ceiling, not after the query");
                s.executeQuery("select 1").close();
            }
        }
        // A shorter timeout of the tenant's own still applies.
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = 300");
            assertEquals("57014", assertThrows(SQLException.class, () -> s.executeQuery(slow)).getSQLState());
        }
    }

    @Test
    void largeResultsStreamPastTheInMemoryRowLimit() throws Exception {
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            assertEquals("42501", assertThrows(SQLException.class, () -> s.execute("SET MAX_MEMORY_ROWS 1000000")).getSQLState());
            assertEquals("42501", assertThrows(SQLException.class, () -> s.execute("SET borealis.client_addr = '1.2.3.4'")).getSQLState());
            // 50,000 sorted rows: more than the engine holds in memory (1,000 here), so the sort spills.
            long n = 0;
            long previous = Long.MAX_VALUE;
            try (ResultSet rs = s.executeQuery("SELECT g, CAST(g AS VARCHAR) FROM generate_series(1, 50000) t(g) ORDER BY g DESC")) {
                while (rs.next()) {
                    long g = rs.getLong(1);
                    assertTrue(g < previous);
                    previous = g;
                    n++;
                }
            }
            assertEquals(50_000, n);
        }
    }

    @Test
    void anOversizedMessageClosesOnlyItsOwnConnection() throws Exception {
        try (Connection bystander = beta(); Statement bs = bystander.createStatement()) {
            // A header announcing 2 MiB is refused before the body is even buffered.
            try (PgWire w = new PgWire(node.pgPort(), 10_000)) {
                assertEquals('Z', last(w.login(Map.of("user", "app", "database", "alpha.db"), "", "alpha-password")).type());
                w.send(java.nio.ByteBuffer.allocate(9).put((byte) 'Q').putInt(2 << 20).put("sel".getBytes()).array());
                List<PgWire.Message> got = w.readToEnd();
                PgWire.Message error = got.stream().filter(m -> m.type() == 'E').findFirst().orElseThrow(() -> new AssertionError(got.toString()));
                assertEquals("08P01", error.sqlState());
                assertTrue(error.field('M').contains("exceeds the limit of 1048576 bytes"), error.field('M'));
                assertEquals(null, w.read(), "the connection is closed");
            }
            // A client that sends the whole oversized message anyway only loses its own connection.
            try (PgWire w = new PgWire(node.pgPort(), 10_000)) {
                assertEquals('Z', last(w.login(Map.of("user", "app", "database", "alpha.db"), "", "alpha-password")).type());
                try {
                    w.send(PgWire.query("select '" + "x".repeat(2 << 20) + "'"));
                } catch (java.io.IOException closedWhileSending) {
                    // the server closed the connection before reading it all: that is the point
                }
                assertFalse(w.readToEnd().stream().anyMatch(m -> m.type() == 'D'), "no result for an oversized query");
            }
            bs.executeQuery("select count(*) from beta_marker").close();
            try (Connection c = alpha(); Statement s = c.createStatement()) {
                s.executeQuery("select 1").close();
            }
        }
    }

    // ---- throttling and audit ----

    @Test
    void failedLoginsAreThrottledExponentially() throws Exception {
        Properties wrong = new Properties();
        wrong.setProperty("user", "throttled");
        wrong.setProperty("password", "wrong-password");
        for (int i = 0; i < 3; i++) {
            assertEquals("28P01", assertThrows(SQLException.class, () -> DriverManager.getConnection(node.jdbcUrl("beta", "db"), wrong).close())
                    .getSQLState());
        }
        // Three failures: the next attempt from here for this user and database waits 400 ms × 2² before it is served.
        long t0 = System.nanoTime();
        assertThrows(SQLException.class, () -> DriverManager.getConnection(node.jdbcUrl("beta", "db"), wrong).close());
        long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waitedMillis >= 1600, "the fourth attempt was served after " + waitedMillis + " ms");
        // Another user from the same address is not slowed down by it.
        long t1 = System.nanoTime();
        beta().close();
        assertTrue((System.nanoTime() - t1) / 1_000_000 < 1600);
    }

    @Test
    void theAuditLogHasAuthenticationsDdlAndAdminCalls() throws Exception {
        api.call("GET", "/v1/tenants/alpha", null).ok();
        api.call("GET", "/v1/tenants/alpha", null, "not-the-token");
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            s.execute("create table audited(i int)");
            assertThrows(SQLException.class, () -> s.execute("SELECT FILE_READ('/etc/hostname')"));
        }
        assertThrows(SQLException.class, () -> DriverManager.getConnection(node.jdbcUrl("alpha", "db"), "app", "not-the-password").close());
        List<JsonNode> events = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(auditFile())) {
            events.add(json.readTree(line));
        }
        assertTrue(events.stream().anyMatch(e -> kind(e, "authentication", "success") && "alpha".equals(e.path("tenant").asText())
                && "app".equals(e.path("user").asText()) && e.path("source").asText().startsWith("127.0.0.1:")), "auth success");
        assertTrue(events.stream().anyMatch(e -> kind(e, "authentication", "failure") && "alpha".equals(e.path("tenant").asText())),
                "auth failure");
        assertTrue(events.stream().anyMatch(e -> kind(e, "ddl", "success") && e.path("statement").asText().contains("audited")
                && "app".equals(e.path("user").asText()) && "db".equals(e.path("cluster").asText())
                && e.path("source").asText().startsWith("127.0.0.1:")), "DDL");
        assertTrue(events.stream().anyMatch(e -> kind(e, "ddl", "denied") && e.path("statement").asText().contains("FILE_READ")),
                "refused statement");
        assertTrue(events.stream().anyMatch(e -> kind(e, "admin", "success") && "alpha".equals(e.path("tenant").asText())
                && "/v1/tenants/alpha".equals(e.path("path").asText())), "admin call");
        assertTrue(events.stream().anyMatch(e -> kind(e, "admin", "denied") && e.path("status").asInt() == 401), "refused admin call");
        String all = Files.readString(auditFile());
        for (String password : List.of("alpha-password", "beta-password", "not-the-password")) {
            assertFalse(all.contains(password), "no password in the audit log");
        }
        assertNotEquals(0, events.size());
    }

    private static boolean kind(JsonNode e, String kind, String outcome) {
        return kind.equals(e.path("kind").asText()) && outcome.equals(e.path("outcome").asText());
    }

    private static Path auditFile() {
        return data.resolve("audit").resolve("audit.jsonl");
    }
}
