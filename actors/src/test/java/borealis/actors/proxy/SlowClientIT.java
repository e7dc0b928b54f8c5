package borealis.actors.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.InProcessNode;
import borealis.actors.testkit.PgWire;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authentication timeout (2 s here): a client that dribbles its startup packet a byte at a
 * time (slowloris), or stops in the middle of SCRAM, is cut when it runs out, with PostgreSQL's
 * words; one that authenticated in time is never cut; another tenant notices nothing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SlowClientIT {

    private static final long TIMEOUT_MILLIS = 2_000;

    @TempDir
    static Path tmp;
    static InProcessNode node;

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.proxy.authentication-timeout", TIMEOUT_MILLIS + "ms"));
        node.admin().createTenant("slow");
        node.admin().createCluster("slow", "db", "app", "slow-password");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aSlowlorisStartupIsCutAtTheAuthenticationTimeout() throws Exception {
        byte[] packet = PgWire.startupPacket(Map.of("user", "app", "database", "slow.db"));
        try (Connection other = other(); PgWire w = new PgWire(node.pgPort(), 15_000)) {
            long t0 = System.nanoTime();
            Thread dribbler = new Thread(() -> {
                try {
                    for (byte b : packet) {
                        w.send(new byte[] {b}); // one byte a second: the packet would take a minute
                        Thread.sleep(1_000);
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection
                }
            }, "slowloris");
            dribbler.setDaemon(true);
            dribbler.start();
            PgWire.Message m = w.read();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertCutByTheTimeout(w, m, millis);
            query(other);
        }
    }

    @Test
    void aClientSilentInTheMiddleOfScramIsCutAtTheAuthenticationTimeout() throws Exception {
        try (PgWire w = new PgWire(node.pgPort(), 15_000)) {
            long t0 = System.nanoTime();
            w.send(PgWire.startupPacket(Map.of("user", "app", "database", "slow.db")));
            PgWire.Message r10 = w.read();
            assertEquals('R', r10.type());
            PgWire.Message m = w.read();
            assertCutByTheTimeout(w, m, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    @Test
    void aClientThatAuthenticatedInTimeIsNeverCut() throws Exception {
        try (PgWire w = new PgWire(node.pgPort(), 15_000)) {
            List<PgWire.Message> login = w.login(Map.of("user", "app", "database", "slow.db"), "", "slow-password");
            assertEquals('Z', login.get(login.size() - 1).type());
            Thread.sleep(TIMEOUT_MILLIS + 1_000);
            w.send(PgWire.query("select 7"));
            List<PgWire.Message> got = w.readUntilReady();
            assertTrue(got.stream().anyMatch(x -> x.type() == 'D' && x.text().contains("7")), got.toString());
        }
    }

    private static void assertCutByTheTimeout(PgWire w, PgWire.Message m, long millis) throws IOException {
        assertNotNull(m, "the server closed the connection without a word");
        assertEquals("FATAL", m.field('S'));
        assertEquals("57014", m.sqlState());
        assertTrue(m.field('M').startsWith("canceling authentication due to timeout"), m.field('M'));
        assertTrue(m.field('M').contains("2000 ms"), "the message names the bound: " + m.field('M'));
        assertTrue(millis >= TIMEOUT_MILLIS - 100 && millis < TIMEOUT_MILLIS + 3_000, "cut after " + millis + " ms");
        assertNull(w.read(), "then the connection is closed");
    }

    private static Connection other() throws Exception {
        node.admin().createTenant("other");
        node.admin().createCluster("other", "db", "app", "other-password");
        Connection c = DriverManager.getConnection(node.jdbcUrl("other", "db"), "app", "other-password");
        query(c);
        return c;
    }

    private static void query(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
            assertTrue(rs.next());
        }
    }
}
