package borealis.actors.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.InProcessNode;
import borealis.actors.testkit.PgWire;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an anonymous client (or a tenant's own client) can do to a node with connections alone:
 * flood it with connections that never authenticate, pipeline queries without reading, nest a
 * statement deeper than any stack, probe which users and clusters exist. Each stays contained:
 * the abuser gets its own error, another tenant keeps connecting and querying, the heap stays
 * bounded. (Slow clients and the authentication timeout: {@link SlowClientIT}.)
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConnectionAbuseIT {

    private static final int MAX_AUTHENTICATING = 100;
    private static final int PER_SOURCE = 50;

    @TempDir
    static Path tmp;
    static InProcessNode node;

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"), Map.of(
                "borealis.proxy.max-authenticating", MAX_AUTHENTICATING,
                "borealis.proxy.max-authenticating-per-source", PER_SOURCE,
                "borealis.proxy.authentication-timeout", "120s"));
        for (String tenant : List.of("flood", "calm", "pipe")) {
            node.admin().createTenant(tenant);
            node.admin().createCluster(tenant, "db", "app", tenant + "-password");
        }
        try (Connection c = calm(); Statement s = c.createStatement()) {
            s.execute("create table kept(i int)");
            s.execute("insert into kept values (1), (2), (3)");
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Connection calm() throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl("calm", "db"), "app", "calm-password");
    }

    static void calmQueries(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from kept")) {
            assertTrue(rs.next());
            assertEquals(3, rs.getInt(1));
        }
    }

    static byte[] startup(String database, String user) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", user);
        p.put("database", database);
        return PgWire.startupPacket(p);
    }

    // ---- connections that never authenticate ----

    @Test
    void twoThousandConnectionsThatNeverAuthenticateAreRefusedPastTheCaps() throws Exception {
        List<PgWire> held = new ArrayList<>();
        try (Connection before = calm()) {
            int admitted = 0;
            int refused = 0;
            List<String> other = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                PgWire w = new PgWire("127.0.0.2", node.pgPort(), 10_000);
                w.send(startup("flood.db", "app"));
                PgWire.Message m = w.read();
                if (m != null && m.type() == 'R') {
                    admitted++;
                    held.add(w); // it stays silent: it never authenticates
                    continue;
                }
                if (m != null && "53300".equals(m.sqlState()) && "sorry, too many clients already".equals(m.field('M'))
                        && "FATAL".equals(m.field('S'))) {
                    refused++;
                    assertNull(w.read(), "a refused connection is closed");
                } else {
                    other.add(String.valueOf(m));
                }
                w.close();
                if (i % 250 == 0) {
                    calmQueries(before);
                }
            }
            System.out.printf("ConnectionAbuseIT: of 2,000 silent connections from one address %d were admitted, %d refused with 53300%n",
                    admitted, refused);
            assertEquals(List.of(), other);
            assertEquals(PER_SOURCE, admitted, "the per-source cap");
            assertEquals(2_000 - PER_SOURCE, refused);

            // Another tenant's client, from another address: its session goes on, and a new one connects.
            calmQueries(before);
            try (Connection fresh = calm()) {
                calmQueries(fresh);
            }
            // A second flooding address fills the node-wide cap; then even a new client elsewhere is refused, until they go.
            for (int i = 0; i < MAX_AUTHENTICATING - PER_SOURCE; i++) {
                PgWire w = new PgWire("127.0.0.3", node.pgPort(), 10_000);
                w.send(startup("flood.db", "app"));
                assertEquals('R', w.read().type());
                held.add(w);
            }
            try (PgWire w = new PgWire(node.pgPort(), 10_000)) {
                w.send(startup("calm.db", "app"));
                assertEquals("53300", w.read().sqlState(), "the node-wide cap on connections still authenticating");
            }
            calmQueries(before);
        } finally {
            for (PgWire w : held) {
                w.close();
            }
        }
        // Their slots are given back as they close.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Connection c = calm()) {
                calmQueries(c);
                break;
            } catch (SQLException e) {
                if (!"53300".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    // ---- pipelining without reading ----

    @Test
    void aClientPipeliningWithoutReadingIsHeldBackByItsOwnTcpWindow() throws Exception {
        int queries = 100_000;
        // ~1.5 KiB per query (150 MB in all, far more than the proxy may hold for a session), and
        // ~0.5 KiB per answer, so that the answers the client does not read fill the kernel's buffers long before the end.
        byte[] one = PgWire.query("select '" + "y".repeat(500) + "' /* " + "x".repeat(1000) + " */");
        try (PgWire w = new PgWire(node.pgPort(), 120_000); Connection other = calm()) {
            assertEquals('Z', last(w.login(Map.of("user", "app", "database", "pipe.db"), "", "pipe-password")).type());
            long heapBefore = usedHeapAfterGc();
            AtomicLong sent = new AtomicLong();
            AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    ByteBuffer batch = ByteBuffer.allocate(one.length * 100);
                    for (int i = 0; i < queries; i += 100) {
                        batch.clear();
                        for (int j = 0; j < 100; j++) {
                            batch.put(one);
                        }
                        w.send(batch.array());
                        sent.addAndGet(100);
                    }
                } catch (Throwable t) {
                    writeFailure.set(t);
                }
            }, "pipelining-writer");
            writer.start();
            // Wait until the writer is stuck (its sends block) or done.
            long last = -1;
            while (writer.isAlive() && sent.get() != last) {
                last = sent.get();
                Thread.sleep(2_000);
            }
            long heapStuck = usedHeapAfterGc();
            long grew = (heapStuck - heapBefore) >> 20;
            System.out.printf("ConnectionAbuseIT: pipelining client stuck after sending %d of %d queries (%d MB); heap grew %d MB%n",
                    sent.get(), queries, sent.get() * one.length >> 20, grew);
            assertTrue(writer.isAlive(), "the client sent all 100,000 queries without reading: nothing held it back");
            assertTrue(grew < 48, "the heap grew by " + grew + " MB while the client did not read");
            calmQueries(other);

            // When it finally reads, every query has its answer, in order.
            int ready = 0;
            int rows = 0;
            while (ready < queries) {
                PgWire.Message m = w.read();
                assertNotNull(m, "the connection ended after " + ready + " answers");
                if (m.type() == 'D') {
                    rows++;
                } else if (m.type() == 'Z') {
                    ready++;
                } else if (m.type() == 'E') {
                    throw new AssertionError("query " + ready + " failed: " + m.field('M'));
                }
            }
            writer.join(10_000);
            assertNull(writeFailure.get());
            assertEquals(queries, rows);
            calmQueries(other);
        }
    }

    // ---- a statement deeper than any stack ----

    @Test
    void aStatementNestedTooDeeplyEndsOnlyItself() throws Exception {
        String deep = "select " + "(".repeat(100_000) + "1" + ")".repeat(100_000);
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("pipe", "db"), "app", "pipe-password");
             Statement s = c.createStatement(); Connection other = calm()) {
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> s.executeQuery(deep).close());
            System.out.println("ConnectionAbuseIT: 100,000 parentheses -> " + e.getSQLState() + " " + e.getMessage());
            assertTrue(List.of("54001", "42601").contains(e.getSQLState()), e.getSQLState() + " " + e.getMessage());
            // The statement failed, not the session, nor the node.
            try (ResultSet rs = s.executeQuery("select 41 + 1")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
            calmQueries(other);
        }
    }

    // ---- nothing tells which users and clusters exist ----

    @Test
    void unknownUserWrongPasswordAndUnknownClusterLookTheSame() throws Exception {
        Map<String, List<PgWire.Message>> attempts = new LinkedHashMap<>();
        attempts.put("wrong password", login("calm.db", "app", "not-the-password"));
        attempts.put("unknown user", login("calm.db", "app2", "calm-password"));
        attempts.put("unknown cluster", login("calm.nosuch", "app", "calm-password"));
        attempts.put("unknown tenant", login("nosuch.db", "app", "calm-password"));
        attempts.put("unknown user again", login("calm.db", "app2", "calm-password"));
        List<PgWire.Message> reference = attempts.get("wrong password");
        assertEquals("R R E", shape(reference), "a wrong password fails after the client's proof");
        Map<String, String> referenceFirst = serverFirst(reference.get(1));
        for (Map.Entry<String, List<PgWire.Message>> a : attempts.entrySet()) {
            List<PgWire.Message> got = a.getValue();
            assertEquals(shape(reference), shape(got), a.getKey());
            assertEquals(new String(reference.get(0).body(), StandardCharsets.UTF_8), new String(got.get(0).body(), StandardCharsets.UTF_8),
                    a.getKey() + ": the mechanisms offered");
            Map<String, String> first = serverFirst(got.get(1));
            assertEquals(referenceFirst.get("i"), first.get("i"), a.getKey() + ": iteration count");
            assertEquals(referenceFirst.get("s").length(), first.get("s").length(), a.getKey() + ": salt length");
            PgWire.Message error = got.get(2);
            String user = a.getKey().startsWith("unknown user") ? "app2" : "app";
            assertEquals("FATAL", error.field('S'), a.getKey());
            assertEquals("28P01", error.sqlState(), a.getKey());
            assertEquals("password authentication failed for user \"" + user + "\"", error.field('M'), a.getKey());
        }
        // An unknown user's salt is the same on every attempt, as a real user's is.
        assertEquals(serverFirst(attempts.get("unknown user").get(1)).get("s"), serverFirst(attempts.get("unknown user again").get(1)).get("s"));
        // A name no cluster can have is answered from its form alone (that reveals nothing).
        List<PgWire.Message> invalid = login("no-dot-here", "app", "x");
        assertEquals("3D000", last(invalid).sqlState());
    }

    private static List<PgWire.Message> login(String database, String user, String password) throws Exception {
        try (PgWire w = new PgWire(node.pgPort(), 20_000)) {
            List<PgWire.Message> got = w.login(Map.of("user", user, "database", database), "", password);
            assertNull(w.read(), database + "/" + user + ": the connection is closed after the failure");
            return got;
        }
    }

    private static String shape(List<PgWire.Message> messages) {
        return String.join(" ", messages.stream().map(m -> String.valueOf(m.type())).toList());
    }

    private static Map<String, String> serverFirst(PgWire.Message r11) {
        assertEquals('R', r11.type());
        assertEquals(11, ByteBuffer.wrap(r11.body()).getInt());
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String part : new String(r11.body(), 4, r11.body().length - 4, StandardCharsets.UTF_8).split(",")) {
            attrs.put(part.substring(0, 1), part.substring(2));
        }
        return attrs;
    }

    static PgWire.Message last(List<PgWire.Message> got) {
        assertFalse(got.isEmpty(), "the server answered nothing");
        return got.get(got.size() - 1);
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
