package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Protocol details with real clients: TLS on SSLRequest with SCRAM-SHA-256-PLUS channel binding
 * (pgjdbc with channelBinding=require, psql with sslmode=require), plaintext still accepted, and
 * CancelRequest cancelling the running statement of the right session only.
 */
class ProtocolIT {

    private static Path keyDir;
    private static PgFixture db;

    @BeforeAll
    static void start() throws Exception {
        keyDir = Files.createTempDirectory("borealis-tls");
        Path keyStore = keyDir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Processes.Result r = Processes.run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                "-sigalg", "SHA256withRSA", "-dname", "CN=127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", "changeit", "-keypass", "changeit"), Map.of(), null, 60);
        assertEquals(0, r.exitCode(), r.output());
        db = PgFixture.start("proto", Map.of("borealis.proxy.tls.key-store", keyStore.toString(),
                "borealis.proxy.tls.key-store-password", "changeit"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        if (keyDir != null) {
            Processes.run(List.of("rm", "-rf", keyDir.toString()), Map.of(), null, 30);
        }
    }

    private static Connection connect(String sslmode, String channelBinding) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", PgFixture.USER);
        p.setProperty("password", PgFixture.PASSWORD);
        p.setProperty("sslmode", sslmode);
        if (channelBinding != null) {
            p.setProperty("channelBinding", channelBinding);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + db.port() + "/" + db.database();
        return java.sql.DriverManager.getConnection(url, p);
    }

    @Test
    void tlsWithChannelBinding() throws Exception {
        try (Connection c = connect("require", "require"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select 40 + 2")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
            assertTrue(c.unwrap(org.postgresql.PGConnection.class) != null);
        }
        // A large result over TLS (many records) arrives intact.
        try (Connection c = connect("require", null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select sum(x), count(*) from generate_series(1, 200000) as g(x)")) {
            assertTrue(rs.next());
            assertEquals(200000L * 200001 / 2, rs.getLong(1));
        }
    }

    @Test
    void plaintextStillWorks() throws Exception {
        try (Connection c = connect("disable", null); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
            assertTrue(rs.next());
        }
    }

    @Test
    void psqlOverTls() throws Exception {
        if (!Processes.available("psql")) {
            return;
        }
        String conninfo = "host=127.0.0.1 port=" + db.port() + " dbname=" + db.database() + " user=" + PgFixture.USER
                + " sslmode=require channel_binding=require";
        Processes.Result r = Processes.run(List.of("psql", "-X", "-At", conninfo, "-c", "select 'over tls'"),
                Map.of("PGPASSWORD", PgFixture.PASSWORD), null, 60);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("over tls"), r.output());
    }

    @Test
    void cancelRequestCancelsOnlyTheRightSession() throws Exception {
        try (Connection busy = connect("disable", null); Connection other = connect("disable", null)) {
            Statement sleeping = busy.createStatement();
            CompletableFuture<SQLException> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    sleeping.execute("select pg_sleep(30)");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            Thread.sleep(500); // let the statement start
            long started = System.nanoTime();
            sleeping.cancel();
            SQLException e = outcome.get(20, TimeUnit.SECONDS);
            assertTrue(e != null, "the statement was not cancelled");
            assertEquals("57014", e.getSQLState(), e.getMessage());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
            // The other session was not touched, and the cancelled one still works.
            try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
                assertTrue(rs.next());
            }
            try (Statement s = busy.createStatement(); ResultSet rs = s.executeQuery("select 2")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
            }
        }
    }

    @Test
    void queryTimeoutCancelsThroughCancelRequest() throws Exception {
        try (Connection c = connect("disable", null); Statement s = c.createStatement()) {
            s.setQueryTimeout(1); // pgjdbc sends a CancelRequest after 1 s
            SQLException e = assertThrows(SQLException.class, () -> s.execute("select pg_sleep(10)"));
            assertEquals("57014", e.getSQLState());
        }
    }

    @Test
    void wrongKeyDoesNotCancel() throws Exception {
        try (Connection c = connect("disable", null); Statement s = c.createStatement()) {
            int pid = c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
            CompletableFuture<Boolean> run = CompletableFuture.supplyAsync(() -> {
                try {
                    s.execute("select pg_sleep(1.5)");
                    return true;
                } catch (SQLException e) {
                    return false;
                }
            });
            Thread.sleep(300);
            try (java.net.Socket raw = new java.net.Socket("127.0.0.1", db.port())) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(pid).putInt(12345);
                raw.getOutputStream().write(b.array());
                raw.getOutputStream().flush();
                assertEquals(-1, raw.getInputStream().read(), "the server answers a CancelRequest by closing");
            }
            assertTrue(run.get(20, TimeUnit.SECONDS), "a CancelRequest with the wrong key must not cancel");
        }
    }
}
