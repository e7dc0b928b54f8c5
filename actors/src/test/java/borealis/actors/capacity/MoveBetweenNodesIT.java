package borealis.actors.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.InProcessNode;
import borealis.actors.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two node JVMs: this one hosts every role with room for only 1 ACU; a second, compute-only node
 * offers 8. Load makes the instance want more than its node has, so it moves to the other node,
 * between transactions, while a pgjdbc session (with a server-side prepared statement and a
 * session setting) stays connected to the first node's proxy and keeps working.
 */
class MoveBetweenNodesIT {

    @TempDir
    Path tmp;

    @Test
    void anInstanceMovesForHeadroomAndItsConnectedSessionKeepsWorking() throws Exception {
        int seedPort = NodeProcess.freePort();
        try (InProcessNode first = InProcessNode.start(tmp.resolve("n1"), Map.of("borealis.capacity.node-acus", 1,
                "pekko.remote.artery.canonical.port", seedPort))) {
            first.admin().createTenant("acme");
            first.admin().call("POST", "/v1/clusters", Map.of("tenant", "acme", "name", "orders", "masterUsername", "app",
                    "masterPassword", "s3cret-pass", "minAcu", 0.5, "maxAcu", 4, "secondsUntilAutoPause", 300)).ok();
            Properties props = new Properties();
            props.setProperty("user", "app");
            props.setProperty("password", "s3cret-pass");
            props.setProperty("prepareThreshold", "1");
            props.setProperty("ApplicationName", "mover");
            String url = first.jdbcUrl("acme", "orders");
            try (Connection c = DriverManager.getConnection(url, props); Statement s = c.createStatement()) {
                s.execute("create table n(x int primary key)");
                s.execute("insert into n select * from system_range(1, 2000)");
                s.execute("set application_name = 'moved-session'");
                PreparedStatement lookup = c.prepareStatement("select x * 10 from n where x = ?");
                assertEquals(70, one(lookup, 7));
                assertEquals(80, one(lookup, 8));

                try (NodeProcess second = new NodeProcess(tmp.resolve("n2")).withConfig("""
                        pekko.cluster.roles = ["compute"]
                        pekko.cluster.seed-nodes = ["pekko://borealis@127.0.0.1:%d"]
                        borealis.node.join = "seeds"
                        borealis.capacity.node-acus = 8
                        """.formatted(seedPort)).start()) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (upMembers(first) < 2) {
                        assertTrue(System.nanoTime() < deadline, "the second node did not join; see " + second.logFile());
                        Thread.sleep(200);
                    }

                    // CPU-bound load on four more sessions: the instance wants up to 4 ACU; this node has 1.
                    AtomicBoolean stop = new AtomicBoolean();
                    ExecutorService pool = Executors.newFixedThreadPool(4);
                    List<Future<Integer>> workers = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        workers.add(pool.submit(() -> {
                            int queries = 0;
                            try (Connection w = DriverManager.getConnection(url, "app", "s3cret-pass"); Statement ws = w.createStatement()) {
                                while (!stop.get()) {
                                    try (ResultSet rs = ws.executeQuery("select count(*) from n a, n b where a.x + b.x = 1999")) {
                                        rs.next();
                                        queries++;
                                    }
                                }
                            }
                            return queries;
                        }));
                    }
                    try {
                        awaitLog(second, "compute instance acme/orders running", Duration.ofSeconds(90));
                    } finally {
                        stop.set(true);
                        for (Future<Integer> w : workers) {
                            assertTrue(w.get() > 0, "every load session kept working through the move");
                        }
                        pool.shutdownNow();
                    }

                    // The first session never reconnected: its prepared statement, its setting and its data are there.
                    assertEquals(90, one(lookup, 9));
                    try (ResultSet rs = s.executeQuery("show application_name")) {
                        rs.next();
                        assertEquals("moved-session", rs.getString(1));
                    }
                    s.execute("insert into n values (5000)");
                    try (ResultSet rs = s.executeQuery("select count(*) from n")) {
                        rs.next();
                        assertEquals(2001, rs.getInt(1));
                    }
                    List<CapacityLedger.ScalingEvent> events = first.node().capacity().scalingEvents("acme", "orders", 100)
                            .toCompletableFuture().get();
                    assertTrue(events.stream().anyMatch(e -> e.kind().equals("move") && e.reason().equals("no-headroom")), events.toString());
                    CapacityLedger.ComputeStatus status = first.node().capacity().status("acme", "orders").toCompletableFuture().get()
                            .orElseThrow();
                    assertTrue(!status.node().endsWith(":" + seedPort), "running on the second node now: " + status);
                    assertTrue(status.acu() > 1, "with more than the first node could give: " + status);
                }
            }
        }
    }

    private static long upMembers(InProcessNode node) {
        var state = org.apache.pekko.cluster.typed.Cluster.get(node.node().system()).state();
        return java.util.stream.StreamSupport.stream(state.getMembers().spliterator(), false)
                .filter(m -> m.status() == org.apache.pekko.cluster.MemberStatus.up()).count();
    }

    private static int one(PreparedStatement ps, int x) throws Exception {
        ps.setInt(1, x);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void awaitLog(NodeProcess node, String text, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (node.logFile().exists() && Files.readString(node.logFile().toPath()).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        String log = node.logFile().exists() ? Files.readString(node.logFile().toPath()) : "";
        throw new AssertionError("\"" + text + "\" not in " + node.logFile() + " within " + limit + "; it ends with:\n"
                + log.substring(Math.max(0, log.length() - 4000)));
    }
}
